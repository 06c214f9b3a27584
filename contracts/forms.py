"""Forms of the purchase-list and contract pages. They parse input; the services decide, and a service's
ValidationError is shown on the form (next to its field where it names one)."""

from __future__ import annotations

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.permissions import is_purchaser, is_superuser
from contracts import selectors
from contracts.models import Contract, ContractDocument, Deliverable, PurchaseItem, PurchaseList
from core import formatting
from registry.forms import DateInput, DepartmentLookupField, OrganizationLookupField
from registry.models import Department


def model_field(model, name: str, **kwargs) -> forms.Field:
    """The form field Django derives from the model field (label, length, choices), with `kwargs` applied."""
    field = model._meta.get_field(name)
    if field.get_internal_type() == "DateField":
        kwargs.setdefault("widget", DateInput())
    if field.get_internal_type() == "TextField":
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3}))
    return field.formfield(**kwargs)


def with_initial(kwargs: dict, **defaults) -> None:
    """Fill the form's initial values with `defaults` where the view gave none."""
    kwargs["initial"] = {**defaults, **(kwargs.get("initial") or {})}


def departments_in_scope(user) -> QuerySet[Department]:
    """The departments a purchaser may act for: their own (every one for superusers)."""
    departments = Department.objects.select_related("region").order_by("region__code", "name")
    if is_superuser(user):
        return departments
    return departments.filter(pk=user.department_id) if is_purchaser(user) else departments.none()


# ---- purchase lists --------------------------------------------------------------------------------------------


class PurchaseListForm(forms.Form):
    department = DepartmentLookupField(label=_("发布部门"), scope="own")
    year = model_field(PurchaseList, "year", min_value=2000, max_value=2200)
    title = model_field(PurchaseList, "title")
    description = model_field(PurchaseList, "description")

    def __init__(self, *args, user, with_department: bool = True, **kwargs):
        with_initial(kwargs, year=timezone.localdate().year, department=user.department_id)
        super().__init__(*args, **kwargs)
        if with_department:
            self.fields["department"].queryset = departments_in_scope(user)
        else:
            del self.fields["department"]


class PurchaseItemForm(forms.Form):
    code = model_field(PurchaseItem, "code")
    category = model_field(PurchaseItem, "category")
    subcategory = model_field(PurchaseItem, "subcategory")
    service_name = model_field(PurchaseItem, "service_name")
    description = model_field(PurchaseItem, "description")
    provider_requirements = model_field(PurchaseItem, "provider_requirements")
    quantity = model_field(PurchaseItem, "quantity", min_value=0)
    unit = model_field(PurchaseItem, "unit")
    budget = model_field(PurchaseItem, "budget", min_value=0)
    service_start_on = model_field(PurchaseItem, "service_start_on")
    service_end_on = model_field(PurchaseItem, "service_end_on")
    performance_targets = model_field(PurchaseItem, "performance_targets")


class PublishForm(forms.Form):
    published_on = forms.DateField(label=_("发布日期"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        with_initial(kwargs, published_on=timezone.localdate())
        super().__init__(*args, **kwargs)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("撤回原因"), widget=forms.Textarea(attrs={"rows": 3}))
    withdrawn_on = forms.DateField(label=_("撤回日期"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        with_initial(kwargs, withdrawn_on=timezone.localdate())
        super().__init__(*args, **kwargs)


class ItemImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel 文件 (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )


# ---- contracts -------------------------------------------------------------------------------------------------


class PurchaseItemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: PurchaseItem) -> str:
        purchase_list = obj.purchase_list
        remaining = getattr(obj, "remaining_budget", None)
        label = f"{purchase_list.year} {purchase_list.department.name} · {obj.code} {obj.service_name}"
        if remaining is not None:
            label += str(_("（剩余预算 %(amount)s 元）") % {"amount": formatting.amount(remaining)})
        return label


def contract_items(user, department_ids: list[int] | None = None, current: PurchaseItem | None = None):
    """Items of published lists the user's departments published (and the contract's current item, if any)."""
    items = selectors.purchase_item_list(user=user).filter(purchase_list__status=PurchaseList.Status.PUBLISHED)
    if department_ids is not None:
        items = items.filter(purchase_list__department_id__in=department_ids)
    elif not is_superuser(user):
        items = items.filter(purchase_list__department_id=user.department_id) if is_purchaser(user) else items.none()
    if current is not None:
        items = selectors.purchase_item_list(user=user).filter(Q(pk__in=items.values("pk")) | Q(pk=current.pk))
    return items.order_by("-purchase_list__year", "purchase_list__department__name", "code")


class ContractForm(forms.Form):
    department = DepartmentLookupField(label=_("购买主体"), scope="own")
    organization = OrganizationLookupField(
        label=_("承接主体"),
        help_text=_("输入名称、拼音首字母或统一社会信用代码，从提示中选择。"),
    )
    purchase_item = PurchaseItemChoiceField(
        label=_("购买项目"),
        queryset=PurchaseItem.objects.none(),
        required=False,
        empty_label=_("不属于购买服务目录"),
    )
    title = model_field(Contract, "title")
    description = model_field(Contract, "description")
    method = model_field(Contract, "method")
    amount = model_field(Contract, "amount", min_value=0)
    start_on = model_field(Contract, "start_on")
    end_on = model_field(Contract, "end_on")
    term_justification = model_field(
        Contract, "term_justification", help_text=_("履行期限超过一年时必须填写，最长不超过三年。")
    )
    year = forms.IntegerField(
        label=_("年度"),
        required=False,
        min_value=2000,
        max_value=2200,
        help_text=_("留空时取购买项目所在目录的年度，没有购买项目时取履行期限起始年份；年度用于生成合同编号。"),
    )

    def __init__(self, *args, user, contract: Contract | None = None, **kwargs):
        if contract is None:
            with_initial(kwargs, department=user.department_id)
        super().__init__(*args, **kwargs)
        if contract is None:
            departments = departments_in_scope(user)
            self.fields["department"].queryset = departments
            self.fields["purchase_item"].queryset = contract_items(user)
        else:
            del self.fields["department"]
            del self.fields["year"]
            self.fields["purchase_item"].queryset = contract_items(
                user, [contract.department_id], current=contract.purchase_item
            )
        self.fields["purchase_item"].queryset = self.fields["purchase_item"].queryset.select_related(
            "purchase_list__department"
        )


class DeliverableForm(forms.Form):
    title = model_field(Deliverable, "title")
    description = model_field(Deliverable, "description")
    due_on = model_field(Deliverable, "due_on")
    payment_share = model_field(
        Deliverable, "payment_share", min_value=0, max_value=100, help_text=_("各履约事项的付款比例合计须为 100。")
    )
    acceptance_criteria = model_field(Deliverable, "acceptance_criteria")


class SignForm(forms.Form):
    signed_on = forms.DateField(label=_("签订日期"), widget=DateInput())
    acknowledge_warnings = forms.BooleanField(
        label=_("我已阅读上述资格提示，确认仍与该承接主体签订合同"), required=False
    )

    def __init__(self, *args, **kwargs):
        with_initial(kwargs, signed_on=timezone.localdate())
        super().__init__(*args, **kwargs)


class StartForm(forms.Form):
    started_on = forms.DateField(
        label=_("开始履行日期"), widget=DateInput(), help_text=_("承接主体实际开始提供服务的日期。")
    )

    def __init__(self, *args, **kwargs):
        with_initial(kwargs, started_on=timezone.localdate())
        super().__init__(*args, **kwargs)


class CompleteForm(forms.Form):
    completed_on = forms.DateField(label=_("完成日期"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        with_initial(kwargs, completed_on=timezone.localdate())
        super().__init__(*args, **kwargs)


class TerminateForm(forms.Form):
    reason = forms.CharField(label=_("终止原因"), widget=forms.Textarea(attrs={"rows": 3}))
    terminated_on = forms.DateField(label=_("终止日期"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        with_initial(kwargs, terminated_on=timezone.localdate())
        super().__init__(*args, **kwargs)


class AmendForm(forms.Form):
    amount = model_field(Contract, "amount", min_value=0)
    start_on = model_field(Contract, "start_on")
    end_on = model_field(Contract, "end_on")
    term_justification = model_field(Contract, "term_justification")
    reason = forms.CharField(label=_("变更原因"), widget=forms.Textarea(attrs={"rows": 3}))
    amended_on = forms.DateField(label=_("变更日期"), widget=DateInput())

    def __init__(self, *args, contract: Contract, **kwargs):
        with_initial(
            kwargs,
            amount=contract.amount,
            start_on=contract.start_on,
            end_on=contract.end_on,
            term_justification=contract.term_justification,
            amended_on=timezone.localdate(),
        )
        super().__init__(*args, **kwargs)


class DeliverableChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Deliverable) -> str:
        return f"{obj.title}（{obj.payment_share}%，{obj.get_status_display()}）"


class PaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("付款金额(元)"), max_digits=14, decimal_places=2, min_value=0)
    paid_on = forms.DateField(label=_("付款日期"), widget=DateInput())
    deliverable = DeliverableChoiceField(
        label=_("对应履约事项"),
        queryset=Deliverable.objects.none(),
        required=False,
        empty_label=_("不对应具体履约事项"),
        help_text=_("对应履约事项的付款须在该事项验收通过后登记。"),
    )
    note = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, contract: Contract, **kwargs):
        with_initial(kwargs, paid_on=timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["deliverable"].queryset = Deliverable.objects.filter(contract=contract).order_by("due_on", "pk")


class DocumentForm(forms.Form):
    file = forms.FileField(label=_("文件"), help_text=_("允许 PDF、JPG、PNG、DOCX、XLSX、ZIP 文件。"))
    title = forms.CharField(label=_("标题"), max_length=200, required=False, help_text=_("留空时使用文件名。"))
    kind = model_field(ContractDocument, "kind")
    # The contract text is a public record once the contract is signed: the box starts ticked for it.
    is_public = forms.BooleanField(
        label=_("向公众公开"),
        required=False,
        initial=True,
        help_text=_("合同文本默认向公众公开；附件如含个人信息等不宜公开的内容，可取消勾选。"),
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """One or more files from one <input type=file multiple>; cleans to a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single_clean = super().clean
        if isinstance(data, (list, tuple)):
            return [single_clean(item, initial) for item in data] or [single_clean(None, initial)]
        return [single_clean(data, initial)]


class SubmissionForm(forms.Form):
    report = forms.CharField(
        label=_("履约报告"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("说明完成情况、服务数量和质量，与验收标准逐项对应。"),
    )
    files = MultipleFileField(
        label=_("证明材料"), help_text=_("可一次选择多个文件；允许 PDF、JPG、PNG、DOCX、XLSX、ZIP 文件。")
    )


class DecisionForm(forms.Form):
    ACCEPT = "accept"
    RETURN = "return"

    decision = forms.ChoiceField(
        choices=[(ACCEPT, _("通过验收")), (RETURN, _("退回"))], widget=forms.HiddenInput, required=True
    )
    comment = forms.CharField(
        label=_("验收意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("退回时必须写明需要改进之处。"),
    )
    accepted_on = forms.DateField(
        label=_("验收日期"),
        required=False,
        widget=DateInput(),
        help_text=_("实际验收的日期，默认今天；不能晚于今天，也不能早于提交日期。"),
    )

    def __init__(self, *args, **kwargs):
        with_initial(kwargs, accepted_on=timezone.localdate())
        super().__init__(*args, **kwargs)
