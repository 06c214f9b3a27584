"""Forms of the registrar pages. They parse input; the services decide (and their errors land next to the fields)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from accounts.permissions import is_registrar, is_superuser, scope_to_region
from core.widgets import SuggestInput
from registry.lookups import department_find, department_label, region_find, region_label
from registry.models import (
    AnnualInspection,
    AnnualReport,
    CreditListing,
    Department,
    Organization,
    Penalty,
    Rating,
    Region,
)
from registry.selectors import organization_find
from registry.uscc import validate_organization_uscc


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _model_field(model, name: str, **kwargs) -> forms.Field:
    """The form field Django derives from the model field (label, length, choices), with `kwargs` applied."""
    model_field = model._meta.get_field(name)
    if model_field.get_internal_type() == "DateField":
        kwargs.setdefault("widget", DateInput())
    return model_field.formfield(**kwargs)


def regions_in_scope(user) -> QuerySet[Region]:
    """The regions the user may register organizations in: the registrar's region and below (all for superusers)."""
    if is_superuser(user):
        regions = Region.objects.all()
    elif is_registrar(user):
        regions = user.region.descendants()
    else:
        regions = Region.objects.none()
    return regions.select_related("parent").order_by("code")


def registration_authorities_in_scope(user) -> QuerySet[Department]:
    """Civil-affairs departments (登记管理机关) in the user's region."""
    departments = Department.objects.filter(kind=Department.Kind.CIVIL_AFFAIRS).order_by("region__code", "name")
    return departments if is_superuser(user) else scope_to_region(departments, user)


def regions_of_official(user) -> QuerySet[Region]:
    """The regions an official's pages cover: their department's region and every region below it (every region for
    a superuser, none for anyone else)."""
    if is_superuser(user):
        regions = Region.objects.all()
    elif getattr(user, "department_id", None) is not None and user.is_active:
        regions = user.department.region.descendants()
    else:
        regions = Region.objects.none()
    return regions.select_related("parent").order_by("code")


def departments_of_official(user) -> QuerySet[Department]:
    """The departments in an official's region and below it (every department for a superuser)."""
    departments = Department.objects.order_by("region__code", "name")
    return departments if is_superuser(user) else scope_to_region(departments, user)


def civil_affairs_departments() -> QuerySet[Department]:
    """Every civil-affairs department (登记管理机关): the public directory's choice of authority."""
    return Department.objects.filter(kind=Department.Kind.CIVIL_AFFAIRS).order_by("region__code", "name")


def region_scopes() -> dict:
    """The `scope`s a region lookup's suggestions may be narrowed by, each a function of the user."""
    return {"registration": regions_in_scope, "official": regions_of_official}


def department_scopes() -> dict:
    """The `scope`s a department lookup's suggestions may be narrowed by, each a function of the user."""
    return {
        "authorities": registration_authorities_in_scope,
        "own": own_departments,
        "official": departments_of_official,
        "civil_affairs": lambda user: civil_affairs_departments(),
    }


def own_departments(user) -> QuerySet[Department]:
    """The departments an official acts for: their own (every one for superusers)."""
    if is_superuser(user):
        return Department.objects.all()
    if getattr(user, "department_id", None) is None:
        return Department.objects.none()
    return Department.objects.filter(pk=user.department_id)


class LookupChoiceField(forms.ModelChoiceField):
    """A choice among many regions or departments, typed rather than picked from a long select: the field accepts a
    code, a suggestion's "名称（代码）", an exact name, or words that name one row of `queryset` (name, code, pinyin or
    initials); suggestions come as one types from `suggestions` (a URL, narrowed by `scope`)."""

    default_error_messages = {
        "unknown": _("没有找到“%(text)s”：请输入名称、拼音首字母或代码，并从提示中选择。"),
        "ambiguous": _("“%(text)s”对应多个，请从中选择一个：%(names)s"),
    }
    suggestions: str = ""
    placeholder = _("名称、拼音首字母或代码")

    def __init__(self, queryset=None, *, scope: str = "", **kwargs):
        url = reverse_lazy(self.suggestions)
        if scope:
            url = format_lazy("{}?scope={}", url, scope)
        kwargs.setdefault("widget", SuggestInput(url, attrs={"placeholder": self.placeholder}))
        kwargs.setdefault("empty_label", None)
        super().__init__(queryset if queryset is not None else self.model.objects.none(), **kwargs)

    # Each kind of lookup says how typed text finds its rows and how a row reads in the field; the base class is
    # never used as a field itself (RegionLookupField and DepartmentLookupField below are).
    def find(self, text: str):
        """(the one row `text` names, or None; the rows it could mean when it names several)."""
        raise NotImplementedError(f"{type(self).__name__} must say how typed text finds its rows")

    def option_label(self, obj) -> str:
        """How a row reads in the field and in the suggestions, e.g. "赛罕区（150105）"."""
        raise NotImplementedError(f"{type(self).__name__} must say how a row reads")

    def label_from_instance(self, obj) -> str:
        return self.option_label(obj)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, self.model):
            return value
        text = str(value).strip()
        if not text:
            return None
        found, candidates = self.find(text)
        if found is not None:
            # What was typed (a code from a link, a name) shows as the row's label when the form is shown again.
            self.resolved = (str(value), found)
            return found
        if candidates:
            names = pgettext("enumeration separator", "、").join(
                self.option_label(candidate) for candidate in candidates
            )
            raise ValidationError(
                self.error_messages["ambiguous"], code="ambiguous", params={"text": text, "names": names}
            )
        raise ValidationError(self.error_messages["unknown"], code="unknown", params={"text": text})

    resolved: tuple[str, object] | None = None

    def prepare_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):  # an initial value given as a primary key
            value = self.queryset.filter(pk=value).first() or value
        if self.resolved is not None and value == self.resolved[0]:
            value = self.resolved[1]
        if isinstance(value, self.model):
            return self.option_label(value)
        return value

    def has_changed(self, initial, data):
        return str(self.prepare_value(initial) or "") != str(data or "")


class RegionLookupField(LookupChoiceField):
    """A region typed by name (a county with or without its city), code or pinyin."""

    model = Region
    suggestions = "registry:region-suggestions"
    placeholder = _("区划名称、拼音首字母或区划代码")

    def find(self, text: str):
        return region_find(text, regions=self.queryset)

    def option_label(self, obj) -> str:
        return region_label(obj)


class DepartmentLookupField(LookupChoiceField):
    """A department typed by name, code, its region's name or pinyin."""

    model = Department
    suggestions = "registry:department-suggestions"
    placeholder = _("部门名称、拼音首字母或部门代码")

    def find(self, text: str):
        return department_find(text, departments=self.queryset)

    def option_label(self, obj) -> str:
        return department_label(obj)


class OrganizationForm(forms.Form):
    """Every registry field of an organization: registering, and a registrar's edit."""

    name = _model_field(Organization, "name")
    uscc = forms.CharField(
        label=Organization._meta.get_field("uscc").verbose_name,
        max_length=40,
        help_text=_("18位代码；可含空格，小写字母会自动转为大写"),
        widget=forms.TextInput(attrs={"class": "uscc", "autocomplete": "off"}),
    )
    org_type = _model_field(Organization, "org_type")
    registration_authority = _model_field(
        Organization, "registration_authority", form_class=DepartmentLookupField, scope="authorities"
    )
    supervisory_unit = _model_field(Organization, "supervisory_unit")
    legal_representative = _model_field(Organization, "legal_representative")
    registered_funds = _model_field(Organization, "registered_funds")
    established_on = _model_field(Organization, "established_on")
    domicile = _model_field(Organization, "domicile")
    region = _model_field(Organization, "region", form_class=RegionLookupField, scope="registration")
    business_scope = _model_field(Organization, "business_scope", widget=forms.Textarea(attrs={"rows": 3}))
    contact_phone = _model_field(Organization, "contact_phone")
    contact_email = _model_field(Organization, "contact_email")
    certificate_valid_until = _model_field(Organization, "certificate_valid_until")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions_in_scope(user)
        self.fields["registration_authority"].queryset = registration_authorities_in_scope(user)

    def clean(self):
        """Show the code's problem at once, with the other fields' (registry.uscc.validate_organization_uscc, the
        check the registration services make): the service is not called while another field is invalid."""
        cleaned_data = super().clean()
        code = cleaned_data.get("uscc")
        if code:
            try:
                cleaned_data["uscc"] = validate_organization_uscc(code, cleaned_data.get("org_type"))
            except ValidationError as error:
                self.add_error("uscc", error)
        return cleaned_data


class ContactForm(forms.Form):
    """What an organization's own members keep: its contact data."""

    contact_phone = _model_field(Organization, "contact_phone")
    contact_email = _model_field(Organization, "contact_email")


class StatusChangeForm(forms.Form):
    status = forms.ChoiceField(label=_("新的登记状态"), choices=Organization.Status.choices)
    changed_on = forms.DateField(label=_("变更日期"), widget=DateInput())
    reason = forms.CharField(label=_("变更原因"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, organization: Organization, **kwargs):
        kwargs.setdefault("initial", {"changed_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (value, label) for value, label in Organization.Status.choices if value != organization.status
        ]


class RenameForm(forms.Form):
    name = forms.CharField(label=_("新名称"), max_length=200)
    changed_on = forms.DateField(
        label=_("名称变更日期"), widget=DateInput(), help_text=_("登记管理机关核准名称变更的日期")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["changed_on"].initial = timezone.localdate()


class InspectionForm(forms.Form):
    year = _model_field(AnnualInspection, "year")
    result = _model_field(AnnualInspection, "result")
    decided_on = _model_field(AnnualInspection, "decided_on")
    note = _model_field(AnnualInspection, "note", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        today = timezone.localdate()
        kwargs.setdefault("initial", {"year": today.year - 1, "decided_on": today})
        super().__init__(*args, **kwargs)


class AuthorityChoiceMixin:
    """An optional civil-affairs department in the user's scope; left empty, the service uses the user's own."""

    authority_field: str

    def _limit_authorities(self, user) -> None:
        field = self.fields[self.authority_field]
        field.queryset = registration_authorities_in_scope(user)
        field.required = False
        field.help_text = _("留空即本人所在部门")


class RatingForm(AuthorityChoiceMixin, forms.Form):
    authority_field = "awarding_authority"

    grade = _model_field(Rating, "grade")
    score = _model_field(Rating, "score")
    awarded_on = _model_field(Rating, "awarded_on")
    awarding_authority = _model_field(
        Rating, "awarding_authority", form_class=DepartmentLookupField, scope="authorities"
    )

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("initial", {"awarded_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self._limit_authorities(user)


class CreditListingForm(AuthorityChoiceMixin, forms.Form):
    authority_field = "deciding_authority"

    list_kind = _model_field(CreditListing, "list_kind")
    reason = _model_field(CreditListing, "reason", widget=forms.Textarea(attrs={"rows": 3}))
    listed_on = _model_field(CreditListing, "listed_on")
    deciding_authority = _model_field(
        CreditListing, "deciding_authority", form_class=DepartmentLookupField, scope="authorities"
    )

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("initial", {"listed_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self._limit_authorities(user)


class CreditListingRemoveForm(AuthorityChoiceMixin, forms.Form):
    authority_field = "removed_by"

    removed_on = forms.DateField(label=CreditListing._meta.get_field("removed_on").verbose_name, widget=DateInput())
    reason = forms.CharField(
        label=CreditListing._meta.get_field("removal_reason").verbose_name, widget=forms.Textarea(attrs={"rows": 3})
    )
    removed_by = _model_field(CreditListing, "removed_by", form_class=DepartmentLookupField, scope="authorities")

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("initial", {"removed_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self._limit_authorities(user)


class PenaltyForm(AuthorityChoiceMixin, forms.Form):
    authority_field = "authority"

    decision_number = _model_field(Penalty, "decision_number", help_text=_("例如：呼民罚〔2026〕3号"))
    decided_on = _model_field(Penalty, "decided_on")
    authority = _model_field(Penalty, "authority", form_class=DepartmentLookupField, scope="authorities")
    kind = _model_field(Penalty, "kind")
    amount = _model_field(Penalty, "amount", help_text=_("罚款必须填写；没收违法所得或非法财产可以填写"))
    facts = _model_field(Penalty, "facts", widget=forms.Textarea(attrs={"rows": 3}))
    legal_basis = _model_field(Penalty, "legal_basis", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("initial", {"decided_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self._limit_authorities(user)


class PenaltyStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("新的执行状态"))
    changed_on = forms.DateField(label=_("变更日期"), widget=DateInput())
    reason = forms.CharField(label=_("变更说明"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, penalty: Penalty, **kwargs):
        from registry.services.penalties import TRANSITIONS

        kwargs.setdefault("initial", {"changed_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        allowed = TRANSITIONS.get(penalty.status, ())
        self.fields["status"].choices = [(value, label) for value, label in Penalty.Status.choices if value in allowed]


class AnnualReportForm(forms.Form):
    year = _model_field(AnnualReport, "year")
    income = _model_field(AnnualReport, "income")
    expenditure = _model_field(AnnualReport, "expenditure")
    government_purchase_income = _model_field(AnnualReport, "government_purchase_income")
    net_assets = _model_field(AnnualReport, "net_assets")
    staff_count = _model_field(AnnualReport, "staff_count")
    volunteer_count = _model_field(AnnualReport, "volunteer_count")
    activity_count = _model_field(AnnualReport, "activity_count")
    summary = _model_field(AnnualReport, "summary", widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"year": timezone.localdate().year - 1})
        super().__init__(*args, **kwargs)


class AnnualReportReviewForm(forms.Form):
    result = forms.ChoiceField(label=_("审核结论"), choices=AnnualInspection.Result.choices)
    comments = forms.CharField(
        label=_("审核意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("基本合格、不合格时必填"),
    )
    reviewed_on = forms.DateField(label=_("审核日期"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"reviewed_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class OrganizationLookupField(forms.CharField):
    """An organization named by its unified social credit code, its name, or a suggestion's "名称（代码）"; suggestions
    come as one types (name, code, pinyin or initials: registry.selectors.organization_suggestions)."""

    default_error_messages = {
        "unknown": _("没有找到“%(text)s”：请输入社会组织的全称或 18 位统一社会信用代码。"),
        "ambiguous": _("“%(text)s”对应多个社会组织，请从中选择一个：%(names)s"),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault(
            "widget",
            SuggestInput(
                reverse_lazy("registry:organization-suggestions"),
                attrs={"placeholder": _("名称、拼音首字母或统一社会信用代码")},
            ),
        )
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        organization, candidates = organization_find(text)
        if organization is not None:
            return organization
        if candidates:
            names = pgettext("enumeration separator", "、").join(
                f"{candidate.name}（{candidate.uscc}）" for candidate in candidates
            )
            raise ValidationError(
                self.error_messages["ambiguous"], code="ambiguous", params={"text": text, "names": names}
            )
        raise ValidationError(self.error_messages["unknown"], code="unknown", params={"text": text})

    def prepare_value(self, value):
        if isinstance(value, Organization):
            return f"{value.name}（{value.uscc}）"
        return value
