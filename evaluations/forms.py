"""Forms of the evaluation pages. They parse input; the services decide, and a service's ValidationError is shown on
the form (next to its field where it names one).

The score form has one score and one comment field per leaf indicator, named as the services name their errors
(`score_<indicator id>`, `comment_<indicator id>`), so a refusal lands next to the indicator it is about.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core import formatting
from evaluations import scoring, selectors
from evaluations.models import Evaluation, EvaluatorProfile, Indicator, IndicatorSet
from evaluations.services import NO_CONFLICT_DECLARATION, ScoreEntry
from registry.forms import DateInput, OrganizationLookupField


def model_field(model, name: str, **kwargs) -> forms.Field:
    """The form field Django derives from the model field (label, length, choices), with `kwargs` applied."""
    field = model._meta.get_field(name)
    if field.get_internal_type() == "DateField":
        kwargs.setdefault("widget", DateInput())
    if field.get_internal_type() == "TextField":
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3}))
    return field.formfield(**kwargs)


# ---- indicator sets --------------------------------------------------------------------------------------------


class IndicatorSetForm(forms.Form):
    name = model_field(IndicatorSet, "name")
    description = model_field(IndicatorSet, "description", required=False)

    def __init__(self, *args, name_editable: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not name_editable:
            del self.fields["name"]


class IndicatorForm(forms.Form):
    code = model_field(Indicator, "code")
    name = model_field(Indicator, "name")
    weight = forms.DecimalField(
        label=_("分值"),
        min_value=Decimal("0.01"),
        max_value=Decimal("100"),
        decimal_places=2,
        help_text=_("本指标在总分 100 分中所占分值；上级指标的分值等于其下级指标分值之和"),
    )
    max_score = forms.DecimalField(
        label=_("满分"),
        required=False,
        min_value=Decimal("0.01"),
        decimal_places=2,
        help_text=_("末级指标的评分上限，专家按 0 至满分评分，折算为 得分÷满分×分值；不填则与分值相同"),
    )
    guidance = model_field(Indicator, "guidance", required=False)
    order = forms.IntegerField(
        label=_("排序"), required=False, min_value=0, help_text=_("在同级指标中的顺序；不填则排在最后")
    )


def indicator_fields(cleaned_data: dict, *, creating: bool) -> dict:
    """An indicator form's cleaned data as the services take it: an empty 满分 means "the same as 分值", an empty
    排序 "after the siblings" (new indicators) or "unchanged" (edits)."""
    data = dict(cleaned_data)
    if data.get("max_score") is None:
        data["max_score"] = None if creating else data["weight"]
    if data.get("order") is None:
        data.pop("order", None)
    return data


class IndicatorImportForm(forms.Form):
    name = model_field(
        IndicatorSet, "name", help_text=_("与已有指标体系同名时，导入为其新版本（或替换其草稿版本的指标）")
    )
    description = model_field(IndicatorSet, "description", required=False)
    file = forms.FileField(
        label=_("Excel 文件 (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )


# ---- evaluations -----------------------------------------------------------------------------------------------


class IndicatorSetChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: IndicatorSet) -> str:
        return obj.label


class EvaluationForm(forms.Form):
    """Create an evaluation (with the contract number) or change a draft's settings."""

    contract = forms.CharField(
        label=_("合同编号"), max_length=40, widget=forms.TextInput(attrs={"placeholder": _("例如 HHWJ-2026-0001")})
    )
    kind = model_field(Evaluation, "kind")
    indicator_set = IndicatorSetChoiceField(label=_("指标体系"), queryset=IndicatorSet.objects.none())
    period_start_on = model_field(Evaluation, "period_start_on")
    period_end_on = model_field(Evaluation, "period_end_on")
    due_on = model_field(Evaluation, "due_on")
    aggregation = model_field(Evaluation, "aggregation")
    min_evaluators = forms.IntegerField(label=_("最少评价专家人数"), min_value=1, max_value=50)
    year = forms.IntegerField(
        label=_("评价年度"),
        required=False,
        min_value=2000,
        max_value=2200,
        help_text=_("不填则取评价期间结束日期所在年度"),
    )
    description = model_field(Evaluation, "description", required=False)

    def __init__(self, *args, with_contract: bool = True, scoring_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator_set"].queryset = selectors.usable_indicator_sets()
        self.fields["aggregation"].help_text = _("去掉最高分和最低分仅在提交评分的专家不少于 %(count)d 人时适用") % {
            "count": scoring.TRIM_MIN_EVALUATORS
        }
        if not with_contract:
            del self.fields["contract"]
        if scoring_only:
            for name in list(self.fields):
                if name not in ("due_on", "description"):
                    del self.fields[name]


class InviteForm(forms.Form):
    """Invite evaluators from the pool.

    The checkboxes offer the evaluators who may be invited (active, not affiliated with the evaluated organization,
    not yet serving); any active pool member is accepted as input so that the service decides and explains a refusal.
    """

    evaluators = forms.ModelMultipleChoiceField(
        label=_("评价专家"),
        queryset=EvaluatorProfile.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        error_messages={"required": _("请至少选择一位专家。")},
    )

    def __init__(self, *args, evaluation: Evaluation, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["evaluators"]
        field.queryset = selectors.evaluator_pool(active_only=True)
        self.offered = list(selectors.assignable_evaluators(evaluation))
        field.widget.choices = [(profile.pk, self.profile_label(profile)) for profile in self.offered]

    @staticmethod
    def profile_label(profile: EvaluatorProfile) -> str:
        parts = [str(profile.user)]
        if profile.affiliation_display:
            parts.append(profile.affiliation_display)
        if profile.specialties:
            parts.append(profile.specialties)
        label = " · ".join(parts)
        if profile.open_assignment_count:
            label += gettext("（在办评价 %(count)d 项）") % {"count": profile.open_assignment_count}
        return label


class WithdrawAssignmentForm(forms.Form):
    reason = forms.CharField(label=_("撤回理由"), widget=forms.Textarea(attrs={"rows": 3}))


class PaymentDecisionForm(forms.Form):
    decision = forms.CharField(
        label=_("付款处理决定"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "例如：责令整改，整改验收合格后支付剩余款项；或按合同约定扣减服务费用。记录后该合同的付款不再暂缓。"
        ),
    )
    decided_on = forms.DateField(label=_("决定日期"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"decided_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


# ---- the evaluator pool ---------------------------------------------------------------------------------------


class EvaluatorProfileForm(forms.Form):
    """An evaluator's entry in the pool. Pool keepers fill every field (the user only when creating); the evaluator
    edits their own specialties and contact data only (`self_service`)."""

    user = forms.ModelChoiceField(label=_("评价专家用户"), queryset=User.objects.none())
    specialties = model_field(EvaluatorProfile, "specialties", required=False)
    affiliation_uscc = OrganizationLookupField(
        label=_("所属社会组织"),
        required=False,
        help_text=_("专家供职于已登记的社会组织（如第三方评估机构）时填写；该组织的合同不会指派给这位专家评价。"),
    )
    affiliation = model_field(EvaluatorProfile, "affiliation", required=False)
    contact_phone = model_field(EvaluatorProfile, "contact_phone", required=False)
    contact_email = model_field(EvaluatorProfile, "contact_email", required=False)

    SELF_FIELDS = ("specialties", "contact_phone", "contact_email")

    def __init__(self, *args, creating: bool = False, self_service: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if creating:
            self.fields["user"].queryset = User.objects.filter(
                is_evaluator=True, is_active=True, evaluator_profile__isnull=True
            ).order_by("username")
        else:
            del self.fields["user"]
        if self_service:
            for name in list(self.fields):
                if name not in self.SELF_FIELDS:
                    del self.fields[name]

    def clean_affiliation_uscc(self):
        """The organization typed (name, code or a suggestion), kept as `affiliation_organization`."""
        organization = self.cleaned_data["affiliation_uscc"]
        self.cleaned_data["affiliation_organization"] = organization
        return organization.uscc if organization is not None else ""


def profile_fields(cleaned_data: dict) -> dict:
    """An EvaluatorProfileForm's cleaned data as the evaluator profile services take it."""
    return {name: value for name, value in cleaned_data.items() if name not in ("user", "affiliation_uscc")}


# ---- the evaluator's side --------------------------------------------------------------------------------------


class AcceptForm(forms.Form):
    confirm_no_conflict = forms.BooleanField(
        label=_("本人确认与被评价单位不存在利益冲突"),
        required=False,
    )
    declaration = forms.CharField(label=_("无利益冲突声明"), widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"declaration": str(NO_CONFLICT_DECLARATION)})
        kwargs.setdefault("prefix", "accept")
        super().__init__(*args, **kwargs)


class ConflictForm(forms.Form):
    declaration = forms.CharField(
        label=_("利益冲突情形"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("例如：本人近三年曾在该组织兼职并领取报酬。")}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "conflict")
        super().__init__(*args, **kwargs)


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("谢绝理由（可不填）"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "decline")
        super().__init__(*args, **kwargs)


@dataclass(frozen=True)
class RunningTotal:
    """The weighted total of the scores typed so far (unscored leaves count 0)."""

    total: Decimal
    scored_count: int
    leaf_count: int
    needs_comment: list[Indicator]  # scored below 60 % of the maximum without a comment yet
    invalid: list[Indicator]  # a value that is not a score between 0 and the maximum

    @property
    def display(self) -> str:
        return formatting.points(self.total)


def parse_score(raw, max_score: Decimal) -> Decimal | None:
    """A typed score as Decimal when it is a number between 0 and `max_score`, else None."""
    text = (raw or "").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if not value.is_finite() or value < 0 or value > max_score:
        return None
    return value


class ScoreForm(forms.Form):
    """One score (0 to the leaf's maximum) and one comment per leaf indicator of the evaluation's set."""

    def __init__(self, *args, tree: Sequence[Indicator], **kwargs):
        super().__init__(*args, **kwargs)
        self.tree = list(tree)
        self.leaves = [indicator for indicator in self.tree if indicator.is_leaf]
        for leaf in self.leaves:
            self.fields[f"score_{leaf.pk}"] = forms.DecimalField(
                label=gettext("%(code)s %(name)s 得分") % {"code": leaf.code, "name": leaf.name},
                required=False,
                widget=forms.NumberInput(
                    attrs={
                        "min": "0",
                        "max": f"{leaf.max_score}",
                        "step": "0.01",
                        "inputmode": "decimal",
                        "class": "form-control text-end score-input",
                        "data-max": f"{leaf.max_score}",
                    }
                ),
            )
            self.fields[f"comment_{leaf.pk}"] = forms.CharField(
                label=gettext("%(code)s %(name)s 评分意见") % {"code": leaf.code, "name": leaf.name},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
            )

    def rows(self) -> list[dict]:
        """The tree for the template: every indicator, and for leaves its bound score and comment fields."""
        rows = []
        for indicator in self.tree:
            row = {"indicator": indicator}
            if indicator.is_leaf:
                row["score"] = self[f"score_{indicator.pk}"]
                row["comment"] = self[f"comment_{indicator.pk}"]
                row["comment_threshold"] = formatting.points(indicator.max_score * scoring.COMMENT_THRESHOLD)
            rows.append(row)
        return rows

    def _raw(self, name: str):
        if self.is_bound:
            return self.data.get(self.add_prefix(name), "")
        value = self.initial.get(name)
        return "" if value is None else str(value)

    def running_total(self) -> RunningTotal:
        """The total of what is typed (bound) or stored (initial), with scoring.evaluator_total."""
        scores: dict[int, Decimal] = {}
        needs_comment, invalid = [], []
        for leaf in self.leaves:
            raw = self._raw(f"score_{leaf.pk}")
            value = parse_score(raw, leaf.max_score)
            if value is None:
                if str(raw).strip():
                    invalid.append(leaf)
                continue
            scores[leaf.pk] = value
            if scoring.needs_comment(value, leaf.max_score) and not str(self._raw(f"comment_{leaf.pk}")).strip():
                needs_comment.append(leaf)
        return RunningTotal(
            total=scoring.evaluator_total(scores, selectors.leaf_specs(self.tree)),
            scored_count=len(scores),
            leaf_count=len(self.leaves),
            needs_comment=needs_comment,
            invalid=invalid,
        )

    def entries(self) -> dict[int, ScoreEntry]:
        """The cleaned values as score entries for the services (an empty score clears the leaf)."""
        return {
            leaf.pk: ScoreEntry(
                score=self.cleaned_data.get(f"score_{leaf.pk}"),
                comment=self.cleaned_data.get(f"comment_{leaf.pk}", ""),
            )
            for leaf in self.leaves
        }


def score_initial(sheet: selectors.ScoreSheet) -> dict:
    """The stored scores and comments of a score sheet as the score form's initial values."""
    initial = {}
    for row in sheet.rows:
        if row.indicator.is_leaf:
            initial[f"score_{row.indicator.pk}"] = row.score
            initial[f"comment_{row.indicator.pk}"] = row.comment
    return initial
