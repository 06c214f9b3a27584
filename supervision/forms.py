"""Forms of the supervision pages. They parse input; the services decide, and a service's ValidationError is shown on
the form (next to its field where it names one)."""

from __future__ import annotations

import datetime

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from contracts.forms import MultipleFileField
from contracts.models import Contract
from evaluations.models import Evaluation
from registry.forms import DateInput, RegionLookupField
from registry.forms import OrganizationLookupField as RegistryOrganizationLookupField
from registry.models import Organization, Region
from supervision import page_selectors
from supervision.models import Complaint, Inspection, RectificationOrder
from supervision.services import COMPLAINT_SUBJECT_MAX, COMPLAINT_TEXT_MAX, complaint_attachment_max_mb

User = get_user_model()

FILE_TYPES_HELP = _("允许 PDF、JPG、PNG、DOCX、XLSX、ZIP 文件。")


def textarea(rows: int = 4, **attrs) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, **attrs})


def name_with_detail(name, detail) -> str:
    """A choice label "name (detail)" with the active language's brackets."""
    return gettext("%(name)s（%(detail)s）") % {"name": name, "detail": detail}


# ---- choosing things by what people know of them ---------------------------------------------------------------


# The organization type-ahead of every form that names one (registry.forms.OrganizationLookupField).
OrganizationLookupField = RegistryOrganizationLookupField


class PublicContractField(forms.CharField):
    """A signed (public) contract named by its number."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"autocomplete": "off", "placeholder": _("例如 HHWJ-2026-0001")})
        )
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        contract = page_selectors.public_contract_get(text)
        if contract is None:
            raise ValidationError(
                _("没有编号为 %(number)s 的已公开合同。"), code="unknown", params={"number": text.strip()}
            )
        return contract

    def prepare_value(self, value):
        return value.number if isinstance(value, Contract) else value


class OfficialChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj) -> str:
        return name_with_detail(obj, obj.department.name)


class ContractChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Contract) -> str:
        return f"{obj.number} {obj.title}"


class OrganizationPickForm(forms.Form):
    """The first step of planning an inspection or issuing an order: which organization."""

    organization = OrganizationLookupField(label=_("社会组织"))


# ---- public: complaints ----------------------------------------------------------------------------------------


class ComplaintForm(forms.Form):
    organization = OrganizationLookupField(
        label=_("被投诉举报的社会组织"),
        required=False,
        help_text=_("输入名称的一部分可从建议中选择；也可输入 18 位统一社会信用代码。"),
    )
    contract = PublicContractField(
        label=_("涉及的合同编号"),
        required=False,
        help_text=_("投诉举报某一份政府购买服务合同的履行情况时填写；填写后可不选社会组织。"),
    )
    # The lengths are the service's rules (complaint_file refuses longer texts); the form only tells the browser.
    subject = forms.CharField(label=_("标题"), widget=forms.TextInput(attrs={"maxlength": COMPLAINT_SUBJECT_MAX}))
    text = forms.CharField(
        label=_("投诉举报内容"),
        widget=textarea(8, maxlength=COMPLAINT_TEXT_MAX),
    )
    contact_name = forms.CharField(label=_("联系人（选填）"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("联系电话（选填）"), max_length=40, required=False)
    contact_email = forms.EmailField(label=_("联系邮箱（选填）"), required=False)
    attachment = forms.FileField(label=_("附件（选填）"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Formatted per request so the help text follows the visitor's language.
        text_help = _("写明时间、地点、经过和涉及的服务；最多 %(max)d 字。")
        self.fields["text"].help_text = text_help % {"max": COMPLAINT_TEXT_MAX}
        limit = complaint_attachment_max_mb()
        self.fields["attachment"].help_text = _("一个文件，不超过 %(limit)d MB；") % {"limit": limit} + str(
            FILE_TYPES_HELP
        )


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("查询码"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": _("提交投诉举报后获得的 12 位查询码")}),
    )


# ---- officials: inspections ------------------------------------------------------------------------------------


def _planned_kinds():
    return [(value, label) for value, label in Inspection.Kind.choices if value != Inspection.Kind.RANDOM]


class InspectionPlanForm(forms.Form):
    kind = forms.ChoiceField(label=_("检查方式"), choices=_planned_kinds)
    planned_on = forms.DateField(label=_("计划检查日期"), widget=DateInput())
    contract = ContractChoiceField(
        label=_("检查合同"), queryset=Contract.objects.none(), required=False, empty_label=_("不针对具体合同")
    )
    inspectors = OfficialChoiceField(
        label=_("检查人员"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("实地检查须由至少两名检查人员进行。"),
    )

    def __init__(self, *args, organization: Organization, inspection: Inspection | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = page_selectors.organization_contracts(organization)
        self.fields["inspectors"].queryset = page_selectors.officials_covering(organization.region)
        if inspection is not None and inspection.kind == Inspection.Kind.RANDOM:
            self.fields["kind"].choices = [(Inspection.Kind.RANDOM, Inspection.Kind.RANDOM.label)]


class InspectionCompleteForm(forms.Form):
    inspected_on = forms.DateField(label=_("实际检查日期"), widget=DateInput())
    inspectors = OfficialChoiceField(label=_("检查人员"), queryset=User.objects.none())
    conclusion = forms.ChoiceField(label=_("检查结论"), choices=Inspection.Conclusion.choices, widget=forms.RadioSelect)
    findings = forms.CharField(
        label=_("检查发现"),
        required=False,
        widget=textarea(6),
        help_text=_("结论为“发现问题”时必填：逐项写明发现的问题。"),
    )

    def __init__(self, *args, inspection: Inspection, **kwargs):
        kwargs.setdefault("initial", {"inspected_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["inspectors"].queryset = page_selectors.officials_covering(inspection.organization.region)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("文件"), help_text=FILE_TYPES_HELP)
    title = forms.CharField(label=_("标题"), max_length=200, required=False, help_text=_("留空时使用文件名。"))


# ---- officials: random draws -----------------------------------------------------------------------------------


class DrawForm(forms.Form):
    region = RegionLookupField(label=_("抽查区划"), scope="official")
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2200)
    rate = forms.DecimalField(
        label=_("抽查比例(%)"),
        required=False,
        max_digits=5,
        decimal_places=2,
        help_text=_("留空按区划级别取默认比例：旗县 3%、盟市 4%、自治区 5%。"),
    )
    seed = forms.IntegerField(
        label=_("随机种子"),
        required=False,
        min_value=0,
        help_text=_("留空由系统生成；公开抽签时可填写现场产生的数字。"),
    )
    note = forms.CharField(label=_("说明"), required=False, widget=textarea(3))

    def __init__(self, *args, user, **kwargs):
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("year", timezone.localdate().year)
        super().__init__(*args, **kwargs)
        # A region typed with suggestions, among the registrar's region and below; the figures of the chosen region
        # (templates/supervision/draw_form.html) load beside the form when it is chosen or the rate changes.
        self.fields["region"].queryset = page_selectors.regions_for_draw(user)


class DrawPlanForm(forms.Form):
    planned_on = forms.DateField(label=_("计划检查日期"), widget=DateInput())
    inspectors = OfficialChoiceField(label=_("检查人员"), queryset=User.objects.none(), required=False)

    def __init__(self, *args, region: Region, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspectors"].queryset = page_selectors.officials_covering(region)


# ---- officials: rectification orders ---------------------------------------------------------------------------


class OrderForm(forms.Form):
    """What every order states: the requirements, the day it is issued and the deadline."""

    requirements = forms.CharField(
        label=_("整改要求"), widget=textarea(6), help_text=_("逐项写明须整改的问题和达到的要求。")
    )
    issued_on = forms.DateField(label=_("下达日期"), widget=DateInput())
    deadline = forms.DateField(label=_("整改期限"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("issued_on", timezone.localdate())
        super().__init__(*args, **kwargs)


class OrderFromInspectionForm(OrderForm):
    contract = ContractChoiceField(
        label=_("涉及合同"), queryset=Contract.objects.none(), required=False, empty_label=_("不针对具体合同")
    )
    source_reference = forms.CharField(label=_("文号或说明（选填）"), max_length=200, required=False)

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = page_selectors.organization_contracts(organization)


class OrderIssueForm(OrderFromInspectionForm):
    """An order issued directly, or on a performance evaluation graded 差."""

    source = forms.ChoiceField(
        label=_("来源"),
        choices=[
            (RectificationOrder.Source.DIRECT, RectificationOrder.Source.DIRECT.label),
            (RectificationOrder.Source.EVALUATION, RectificationOrder.Source.EVALUATION.label),
        ],
        initial=RectificationOrder.Source.DIRECT,
    )
    evaluation = forms.ModelChoiceField(
        label=_("来源绩效评价"),
        queryset=Evaluation.objects.none(),
        required=False,
        empty_label=_("（来源为绩效评价时选择）"),
    )

    field_order = ["source", "evaluation", "contract", "source_reference", "requirements", "issued_on", "deadline"]

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, organization=organization, **kwargs)
        evaluations = page_selectors.organization_poor_evaluations(organization)
        self.fields["evaluation"].queryset = evaluations
        self.fields["evaluation"].label_from_instance = lambda evaluation: (
            f"{evaluation.contract.number} {evaluation.get_kind_display()} {evaluation.year} · "
            f"{name_with_detail(evaluation.get_grade_display(), evaluation.score)}"
        )


class OrderAnswerForm(forms.Form):
    text = forms.CharField(
        label=_("整改情况"), widget=textarea(6), help_text=_("逐项说明已采取的整改措施和达到的效果。")
    )
    files = MultipleFileField(
        label=_("证明材料"), required=False, help_text=format_lazy("{}{}", _("可一次选择多个文件；"), FILE_TYPES_HELP)
    )


class OrderDecisionForm(forms.Form):
    VERIFY = "verify"
    RETURN = "return"

    decision = forms.ChoiceField(
        label=_("核验结论"),
        choices=[(VERIFY, _("核验通过，整改完成")), (RETURN, _("退回，须重新整改"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("核验意见"),
        required=False,
        widget=textarea(4),
        help_text=_("退回时必须写明理由，说明尚未达到的要求。"),
    )


# ---- officials: complaints -------------------------------------------------------------------------------------


class ComplaintDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("核实结论"),
        choices=[(Complaint.Status.UPHELD, _("属实")), (Complaint.Status.DISMISSED, _("不属实"))],
        widget=forms.RadioSelect,
    )
    reasoning = forms.CharField(
        label=_("处理意见（向投诉举报人公开）"),
        widget=textarea(5),
        help_text=_("投诉举报人凭查询码可以看到这段文字；不要写入个人信息。"),
    )
    internal_note = forms.CharField(label=_("内部备注（仅工作人员可见）"), required=False, widget=textarea(3))


class ComplaintAcceptForm(forms.Form):
    decided_on = forms.DateField(label=_("受理日期"), widget=DateInput())
    handling_deadline = forms.DateField(
        label=_("办理期限"),
        widget=DateInput(),
        help_text=_("在此日期前办结并答复投诉举报人；默认为受理日期后 %(days)d 日。"),
    )

    def __init__(self, *args, **kwargs):
        day = timezone.localdate()
        days = settings.SUPERVISION_COMPLAINT_HANDLING_DAYS
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("decided_on", day)
        initial.setdefault("handling_deadline", day + datetime.timedelta(days=days))
        super().__init__(*args, **kwargs)
        self.fields["handling_deadline"].help_text = self.fields["handling_deadline"].help_text % {"days": days}


class ComplaintNotAcceptForm(forms.Form):
    decided_on = forms.DateField(label=_("决定日期"), widget=DateInput())
    reason = forms.CharField(
        label=_("不予受理的理由（向投诉举报人公开）"),
        widget=textarea(4),
        help_text=_("例如：不属于本机关职责范围，已告知向有权处理的机关提出。"),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("decided_on", timezone.localdate())
        super().__init__(*args, **kwargs)
