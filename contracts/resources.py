"""The purchase items of one list as a django-import-export resource (Excel file with Chinese headers).

The headers are the file format, the same in every language: 项目编号, 一级目录, 二级目录, 服务名称, 服务内容,
承接主体要求, 数量, 单位, 预算金额, 服务期限起, 服务期限止, 绩效目标. Rows are keyed by 项目编号 within the list:
a known code updates that item, an unknown one adds it, an identical row changes nothing.

Each widget turns a cell into the Python value or raises ValueError with the reason in Chinese. Rows are written
through contracts.services (purchase_item_add / purchase_item_update), so the same permission, state and history rules
hold as on the item form. contracts/imports.py runs the resource all or nothing and reports the errors.
"""

from __future__ import annotations

import unicodedata
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets

from contracts import services
from contracts.models import PurchaseItem, PurchaseList
from core.spreadsheets import cell_text
from registry.imports import parse_optional_date

# Field -> header, in the order the export writes the columns.
HEADERS: dict[str, str] = {
    "code": "项目编号",
    "category": "一级目录",
    "subcategory": "二级目录",
    "service_name": "服务名称",
    "description": "服务内容",
    "provider_requirements": "承接主体要求",
    "quantity": "数量",
    "unit": "单位",
    "budget": "预算金额",
    "service_start_on": "服务期限起",
    "service_end_on": "服务期限止",
    "performance_targets": "绩效目标",
}
FIELD_BY_HEADER = {header: name for name, header in HEADERS.items()}
# Every column must be present in the file; these cells may be left empty.
OPTIONAL_CELLS = ("subcategory", "description", "provider_requirements", "performance_targets")


def _compact(value: Any) -> str:
    return "".join(unicodedata.normalize("NFKC", str(value)).split())


def normalize_header(header: Any) -> str:
    """A header cell as the canonical header: full-width forms and spaces removed."""
    return _compact("" if header is None else header)


def category_labels() -> dict[str, str]:
    """Stored value -> Chinese label (the msgid, whatever the active language): what the file holds."""
    with translation.override(None):
        return {value: str(label) for value, label in PurchaseItem.Category.choices}


class TextWidget(widgets.CharWidget):
    """Trimmed text, required or not, no longer than the model field allows."""

    def __init__(self, *, max_length: int | None, required: bool):
        super().__init__(allow_blank=True)
        self.max_length = max_length
        self.required = required

    def clean(self, value, row=None, **kwargs) -> str:
        text = cell_text(value)
        if not text and self.required:
            raise ValueError(_("必须填写"))
        if self.max_length is not None and len(text) > self.max_length:
            raise ValueError(
                _("不能超过%(max)d个字符（现有%(length)d个）") % {"max": self.max_length, "length": len(text)}
            )
        return text


class CategoryWidget(widgets.Widget):
    """一级目录: the category's Chinese name (基本公共服务 …) or its stored value."""

    def clean(self, value, row=None, **kwargs) -> str:
        text = _compact(cell_text(value))
        if not text:
            raise ValueError(_("必须填写"))
        labels = category_labels()
        names = {_compact(label): stored for stored, label in labels.items()}
        names.update({stored: stored for stored in labels})
        category = names.get(text) or names.get(text.lower())
        if category is None:
            raise ValueError(
                _("不是有效的一级目录，应为%(names)s之一")
                % {"names": "、".join(f"“{label}”" for label in labels.values())}
            )
        return category

    def render(self, value, obj=None, **kwargs) -> str:
        return category_labels().get(value, value or "")


class PositiveDecimalWidget(widgets.Widget):
    """A number greater than zero with at most two decimals: 12000, 12000.5 or 12,000.00."""

    def __init__(self, *, max_digits: int, label):
        super().__init__(coerce_to_string=False)
        self.limit = Decimal(10) ** (max_digits - 2)
        self.label = label

    def clean(self, value, row=None, **kwargs) -> Decimal:
        if value is None or (isinstance(value, str) and not value.strip()):
            raise ValueError(_("必须填写"))
        if isinstance(value, bool):
            raise ValueError(_("应为数字"))
        if isinstance(value, float):
            number = Decimal(repr(value))
        elif isinstance(value, (int, Decimal)):
            number = Decimal(value)
        else:
            try:
                number = Decimal(_compact(value).replace(",", ""))
            except InvalidOperation:
                raise ValueError(_("应为数字（可带千位分隔逗号），如 12000 或 12,000.00")) from None
        if not number.is_finite():
            raise ValueError(_("应为数字"))
        if number <= 0:
            raise ValueError(_("%(label)s须大于零") % {"label": self.label})
        if number != number.quantize(Decimal("0.01"), rounding=ROUND_DOWN):
            raise ValueError(_("最多保留两位小数"))
        if number >= self.limit:
            raise ValueError(_("数值过大"))
        return number.quantize(Decimal("0.01"))


class RequiredDateWidget(widgets.Widget):
    """A date cell, or text such as 2026-03-01, 2026/3/1 or 2026年3月1日."""

    def __init__(self):
        super().__init__(coerce_to_string=False)

    def clean(self, value, row=None, **kwargs):
        day = parse_optional_date(value)
        if day is None:
            raise ValueError(_("必须填写"))
        return day


def _text_field(name: str, *, required: bool) -> fields.Field:
    max_length = PurchaseItem._meta.get_field(name).max_length
    return fields.Field(
        attribute=name, column_name=HEADERS[name], widget=TextWidget(max_length=max_length, required=required)
    )


class PurchaseItemResource(resources.ModelResource):
    """The items of `purchase_list`, imported by `actor` through the item services."""

    code = _text_field("code", required=True)
    category = fields.Field(attribute="category", column_name=HEADERS["category"], widget=CategoryWidget())
    subcategory = _text_field("subcategory", required=False)
    service_name = _text_field("service_name", required=True)
    description = _text_field("description", required=False)
    provider_requirements = _text_field("provider_requirements", required=False)
    quantity = fields.Field(
        attribute="quantity",
        column_name=HEADERS["quantity"],
        widget=PositiveDecimalWidget(max_digits=12, label=gettext_lazy("数量")),
    )
    unit = _text_field("unit", required=True)
    budget = fields.Field(
        attribute="budget",
        column_name=HEADERS["budget"],
        widget=PositiveDecimalWidget(max_digits=14, label=gettext_lazy("预算金额")),
    )
    service_start_on = fields.Field(
        attribute="service_start_on", column_name=HEADERS["service_start_on"], widget=RequiredDateWidget()
    )
    service_end_on = fields.Field(
        attribute="service_end_on", column_name=HEADERS["service_end_on"], widget=RequiredDateWidget()
    )
    performance_targets = _text_field("performance_targets", required=False)

    class Meta:
        model = PurchaseItem
        fields = tuple(HEADERS)
        import_order = tuple(HEADERS)
        export_order = tuple(HEADERS)
        import_id_fields = ("code",)
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True
        skip_html_diff = True

    def __init__(self, *, purchase_list: PurchaseList, actor=None, **kwargs):
        super().__init__(**kwargs)
        self.purchase_list = purchase_list
        self.actor = actor
        # Code -> the spreadsheet row where it first appeared, to refuse a code given twice.
        self.seen_codes: dict[str, int] = {}
        # Dataset row (1-based, as import-export counts) -> the row number the spreadsheet shows.
        self.row_numbers: dict[int, int] = {}

    def spreadsheet_row(self, number: int) -> int:
        return self.row_numbers.get(number, number + 1)

    def get_queryset(self):
        return PurchaseItem.objects.filter(purchase_list=self.purchase_list)

    def get_instance(self, instance_loader, row):
        # A code cell that does not parse is reported by import_instance; here it only means "no existing item".
        try:
            return super().get_instance(instance_loader, row)
        except ValueError:
            return None

    def init_instance(self, row=None):
        return PurchaseItem(purchase_list=self.purchase_list)

    def before_import_row(self, row, **kwargs):
        code = cell_text(row.get(HEADERS["code"]))
        if not code:
            return
        number = self.spreadsheet_row(kwargs.get("row_number", 0))
        first = self.seen_codes.setdefault(code, number)
        if first != number:
            raise ValidationError(
                {
                    "code": ValidationError(
                        gettext_lazy("与第%(first)d行的项目编号重复（第%(first)d行、第%(row)d行）"),
                        code="duplicate_code",
                        params={"first": first, "row": number},
                    )
                }
            )

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        start, end = instance.service_start_on, instance.service_end_on
        if "service_start_on" not in errors and "service_end_on" not in errors and start and end and start > end:
            errors["service_end_on"] = ValidationError(
                gettext_lazy("服务期限止 %(end)s 早于服务期限起 %(start)s"),
                code="start_after_end",
                params={"end": end.isoformat(), "start": start.isoformat()},
            )
        super().validate_instance(instance, errors, validate_unique=validate_unique)

    def do_instance_save(self, instance, is_create):
        values = {name: getattr(instance, name) for name in HEADERS}
        if is_create:
            item = services.purchase_item_add(actor=self.actor, purchase_list=self.purchase_list, **values)
            instance.pk = item.pk
            instance._state.adding = False
        else:
            services.purchase_item_update(actor=self.actor, item=instance, **values)
