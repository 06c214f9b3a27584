"""django-import-export resources for the registry's admin.

OrganizationResource reads and writes the same file as `manage.py import_organizations`: the Chinese headers of
registry.imports.COLUMNS, one row per organization keyed by the unified social credit code. Its widgets call the
parsers of registry.imports (one set of rules), raising ValueError with the reason in Chinese; the cross-row rules
(duplicate codes, a registrar's region) are the same functions too. Imports are all or nothing: any invalid row rolls
the whole import back, and rows are numbered as the spreadsheet shows them. The optional evaluation-grade columns
(registry.imports.RATING_COLUMNS) are imported, not exported: parsed by registry.imports.parse_rating with each row and
turned into ratings by registry.imports.ratings_create once every organization is saved.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import resources, widgets
from import_export.fields import Field

from core import spreadsheets
from registry import imports
from registry.models import Department, Organization, Region
from registry.uscc import normalize_uscc


class CellWidget(widgets.Widget):
    """Parses a cell with one of registry.imports' parsers; `lookups` is set by the resource for each import."""

    def __init__(self, parser: Callable[[Any, imports.Lookups | None], Any]):
        super().__init__(coerce_to_string=True)
        self.parser = parser
        self.lookups: imports.Lookups | None = None

    def clean(self, value, row=None, **kwargs):
        return self.parser(value, self.lookups)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class ChoiceWidget(CellWidget):
    def __init__(self, parser, labels: dict[str, str]):
        super().__init__(parser)
        self.labels = labels

    def render(self, value, obj=None, **kwargs):
        return self.labels.get(value, value or "")


class DateCellWidget(CellWidget):
    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return value if kwargs.get("force_native_type") else value.isoformat()


class FundsWidget(CellWidget):
    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return Decimal(value) if kwargs.get("force_native_type") else f"{Decimal(value):.2f}"


class UsccWidget(CellWidget):
    """The code's category must match the row's type, so the widget reads the type cell too."""

    def __init__(self):
        super().__init__(imports.parse_uscc)

    def clean(self, value, row=None, **kwargs):
        org_type = None
        if row is not None:
            try:
                org_type = imports.parse_org_type(row.get(imports.HEADER_BY_FIELD["org_type"]))
            except ValueError:
                org_type = None  # the type column reports its own error
        return imports.parse_uscc(value, self.lookups, org_type=org_type)


class DepartmentWidget(CellWidget):
    def __init__(self):
        super().__init__(imports.parse_department)

    def render(self, value: Department | None, obj=None, **kwargs):
        return value.name if value is not None else ""


class RegionWidget(CellWidget):
    """Imports a code or an unambiguous name; exports the full name (内蒙古自治区呼和浩特市新城区)."""

    def __init__(self):
        super().__init__(imports.parse_region)

    def render(self, value: Region | None, obj=None, **kwargs):
        if value is None:
            return ""
        return self.lookups.full_name(value) if self.lookups is not None else value.name


def _field(name: str, widget: CellWidget) -> Field:
    return Field(attribute=name, column_name=imports.HEADER_BY_FIELD[name], widget=widget)


def _text(name: str) -> Field:
    return _field(name, CellWidget(imports.PARSERS[name]))


class OrganizationResource(resources.ModelResource):
    uscc = _field("uscc", UsccWidget())
    name = _text("name")
    org_type = _field("org_type", ChoiceWidget(imports.parse_org_type, imports.TYPE_LABELS))
    registration_authority = _field("registration_authority", DepartmentWidget())
    supervisory_unit = _text("supervisory_unit")
    legal_representative = _text("legal_representative")
    registered_funds = _field("registered_funds", FundsWidget(imports.parse_funds))
    established_on = _field("established_on", DateCellWidget(imports.parse_established_on))
    domicile = _text("domicile")
    business_scope = _text("business_scope")
    region = _field("region", RegionWidget())
    status = _field("status", ChoiceWidget(imports.parse_status, imports.STATUS_LABELS))
    contact_phone = _text("contact_phone")
    contact_email = _field("contact_email", CellWidget(imports.parse_email))
    certificate_valid_until = _field("certificate_valid_until", DateCellWidget(imports.parse_optional_date))

    class Meta:
        model = Organization
        fields = tuple(column.field for column in imports.COLUMNS)
        import_id_fields = ("uscc",)
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        clean_model_instances = False
        name = gettext_lazy("社会组织")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.lookups: imports.Lookups | None = None
        self.user = None
        self.existing: dict[str, Organization] = {}
        self.seen: dict[str, int] = {}
        self.row_numbers: list[int] = []
        self.pending_ratings: list[imports.PendingRating] = []
        self.ratings_created = 0
        self.warnings: list[spreadsheets.RowError] = []

    def _use_lookups(self, lookups: imports.Lookups) -> None:
        self.lookups = lookups
        for field in self.fields.values():
            if isinstance(field.widget, CellWidget):
                field.widget.lookups = lookups

    # --- import ----------------------------------------------------------------------------------------------------

    def import_data(
        self,
        dataset,
        dry_run=False,
        raise_errors=False,
        use_transactions=None,
        collect_failed_rows=False,
        rollback_on_validation_errors=False,
        **kwargs,
    ):
        """All or nothing: a transaction rolled back on any invalid row; errors numbered as the spreadsheet shows."""
        self.user = kwargs.get("user")
        imports.check_importer(self.user)
        result = super().import_data(
            dataset,
            dry_run=dry_run,
            raise_errors=raise_errors,
            use_transactions=True,
            collect_failed_rows=collect_failed_rows,
            rollback_on_validation_errors=True,
            **kwargs,
        )
        for invalid in result.invalid_rows:
            invalid.number = self.spreadsheet_row(invalid.number)
        for error_row in result.error_rows:
            error_row.number = self.spreadsheet_row(error_row.number)
        result.warnings = list(self.warnings)  # shown by the admin with the preview and the result
        return result

    def spreadsheet_row(self, dataset_row: int) -> int:
        """The spreadsheet's number (header = row 1) of the dataset's `dataset_row`-th row (1-based)."""
        if 0 < dataset_row <= len(self.row_numbers):
            return self.row_numbers[dataset_row - 1]
        return dataset_row + 1

    def before_import(self, dataset, **kwargs):
        """Canonical headers, blank rows dropped (numbers kept), lookups and existing organizations loaded."""
        dataset.headers = [imports.normalize_header(header) for header in (dataset.headers or [])]
        try:
            imports.column_positions(dataset.headers)
        except spreadsheets.ImportFileError:
            del dataset[:]  # nothing to check row by row in a file without the columns
            raise
        numbered = [(number, row) for number, row in enumerate(dataset, start=2) if not spreadsheets.is_blank(row)]
        if len(numbered) != len(dataset):
            del dataset[:]
            for _number, row in numbered:
                dataset.append(row)
        self.row_numbers = [number for number, _row in numbered]
        if not numbered:
            raise spreadsheets.ImportFileError(_("文件中没有数据行（第1行为列名，数据从第2行开始）"))
        self._use_lookups(imports.Lookups.load())
        self.seen = {}
        self.pending_ratings = []
        self.ratings_created = 0
        self.warnings = []
        header = imports.HEADER_BY_FIELD["uscc"]
        codes = sorted({normalize_uscc(spreadsheets.cell_text(row)) for row in dataset[header]} - {""})
        self.existing = {}
        for start in range(0, len(codes), imports.BATCH_SIZE):
            chunk = codes[start : start + imports.BATCH_SIZE]
            for organization in Organization.objects.filter(uscc__in=chunk).select_related(
                "region", "registration_authority"
            ):
                self.existing[organization.uscc] = organization

    def get_instance(self, instance_loader, row):
        return self.existing.get(normalize_uscc(spreadsheets.cell_text(row.get(imports.HEADER_BY_FIELD["uscc"]))))

    def import_instance(self, instance, row, **kwargs):
        """Parse every cell, then apply the rules between cells and rows; errors are keyed by column header."""
        number = self.spreadsheet_row(kwargs.get("row_number", 0))
        original_region = instance.region if instance.pk else None
        original_status = instance.status if instance.pk else None
        errors: dict[str, list[str]] = {}

        def refuse(field_name: str, reason: str) -> None:
            header = imports.HEADER_BY_FIELD[field_name]
            value = spreadsheets.cell_text(row.get(header))
            errors.setdefault(header, []).append(f"“{value}”：{reason}" if value else reason)

        parsed: dict[str, Any] = {}
        for field in self.get_import_fields():
            if field.column_name not in row:
                continue
            try:
                self.import_field(field, instance, row, **kwargs)
            except ValueError as exc:
                refuse(field.attribute, str(exc))
            else:
                parsed[field.attribute] = getattr(instance, field.attribute)
        for field_name, reason in imports.registration_problems(parsed, self.lookups):
            refuse(field_name, reason)
        rating_cells = {column.field: row[column.header] for column in imports.RATING_COLUMNS if column.header in row}
        rating, problems = imports.parse_rating(rating_cells, self.lookups, parsed.get("established_on"))
        for field_name, reason in problems:
            refuse(field_name, reason)
        if "uscc" in parsed:
            reason = imports.duplicate_reason(self.seen, parsed["uscc"], number)
            if reason:
                refuse("uscc", reason)
        if "region" in parsed:
            reason = imports.region_refusal(self.user, parsed["region"], self.lookups)
            if reason:
                refuse("region", reason)
        if original_region is not None:
            reason = imports.existing_refusal(self.user, original_region, self.lookups)
            if reason:
                refuse("uscc", reason)
        if errors:
            raise ValidationError(errors)
        warning = imports.uscc_region_warning(parsed.get("uscc"), parsed.get("registration_authority"), self.lookups)
        if warning:
            header = imports.HEADER_BY_FIELD["uscc"]
            self.warnings.append(spreadsheets.RowError(number, header, parsed["uscc"], warning))
        if rating is not None:
            self.pending_ratings.append(
                imports.PendingRating(uscc=parsed["uscc"], authority_id=parsed["registration_authority"].pk, **rating)
            )
        if original_status is not None and instance.status != original_status:
            instance.status_changed_on = self.lookups.today
            instance.status_reason = imports.status_change_reason()

    def before_save_instance(self, instance, row, **kwargs):
        """The history row names the importing user and the file, as the command's do."""
        if self.user is not None and self.user.pk:
            instance._history_user = self.user
        instance._change_reason = imports.history_reason(kwargs.get("file_name") or "")

    def after_import(self, dataset, result, **kwargs):
        """The rows' evaluation grades, once every organization is saved, as the command creates them."""
        if result.has_errors() or result.has_validation_errors():
            return
        self.ratings_created = imports.ratings_create(
            self.pending_ratings,
            user=self.user if self.user is not None and self.user.pk else None,
            reason=imports.history_reason(kwargs.get("file_name") or ""),
            date=timezone.now(),
            write=not kwargs.get("dry_run"),
        )

    # --- export ----------------------------------------------------------------------------------------------------

    def before_export(self, queryset, **kwargs):
        self._use_lookups(imports.Lookups.load())

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("registration_authority", "region")
