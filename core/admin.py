"""The admin's tools shared by the apps: django-import-export with Qiyue's spreadsheet formats, xlsx first and chosen
(no empty “---” format to pick)."""

from import_export.admin import ImportExportMixin
from import_export.forms import ImportForm, SelectableFieldsExportForm

from core.spreadsheets import CSVFormat, XLSXFormat


def _first_format_chosen(form) -> None:
    """The admin's format selector without its empty “---” choice, the first format (xlsx) chosen."""
    field = form.fields["format"]
    field.choices = [choice for choice in field.choices if choice[0] != ""]
    field.initial = "0"


class FirstFormatImportForm(ImportForm):
    def _init_formats(self, formats):
        super()._init_formats(formats)
        _first_format_chosen(self)


class FirstFormatExportForm(SelectableFieldsExportForm):
    def _init_formats(self, formats):
        super()._init_formats(formats)
        _first_format_chosen(self)


class SpreadsheetImportExportMixin(ImportExportMixin):
    """django-import-export in the admin with Qiyue's formats, xlsx first and chosen."""

    import_formats = [XLSXFormat, CSVFormat]
    export_formats = [XLSXFormat, CSVFormat]
    import_form_class = FirstFormatImportForm
    export_form_class = FirstFormatExportForm
