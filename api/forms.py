"""The form officials request an export with."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from api.models import Export
from contracts.models import Contract
from evaluations.models import Evaluation
from registry.forms import RegionLookupField
from registry.models import Region


class ExportForm(forms.Form):
    kind = forms.ChoiceField(label=_("导出内容"), choices=Export.Kind.choices)
    file_format = forms.ChoiceField(label=_("文件格式"), choices=Export.Format.choices, initial=Export.Format.XLSX)
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2200)
    region = RegionLookupField(Region.objects.all(), label=_("所属区划（含下级）"), required=False)
    status = forms.ChoiceField(label=_("合同状态"), required=False, choices=[("", _("全部")), *Contract.Status.choices])
    grade = forms.ChoiceField(label=_("评价等级"), required=False, choices=[("", _("全部")), *Evaluation.Grade.choices])

    def export_filters(self) -> dict:
        """The filters of the chosen kind (contract status applies to contracts, grade to evaluations)."""
        data = self.cleaned_data
        filters = {"year": data.get("year"), "region": data["region"].code if data.get("region") else None}
        if data["kind"] == Export.Kind.CONTRACTS:
            filters["status"] = data.get("status")
        else:
            filters["grade"] = data.get("grade")
        return {name: value for name, value in filters.items() if value not in (None, "")}
