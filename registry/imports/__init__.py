"""Importing social organizations from Excel (xlsx) and CSV files with Chinese column headers.

One set of rules serves every way in: `manage.py import_organizations` streams a file through `organizations_import`,
and the admin's django-import-export resource (registry/resources.py) calls the same cell parsers from its widgets and
the same cross-row checks from its hooks. The rules between the cells of a row are those of the registration services
(registry.services.rules), and the code is checked by registry.uscc as everywhere else.

Imports are all or nothing: one bad row and nothing is written, and every bad row is reported with its row number as
the spreadsheet shows it (the header is row 1), the column's header, the value and the reason. Rows are keyed by the
unified social credit code: a known code updates the organization when something differs, an unknown one registers it,
and an identical row changes nothing. Created and changed organizations get their history rows (simple-history), with
the importing user as history_user when there is one.

Three optional columns carry an evaluation grade (评估等级, 评估得分, 评定日期). Once the organizations are written,
each row with a grade gets its Rating (valid five years from the award, awarded by the organization's registration
authority) unless the organization already has that grade from that day, so re-importing a file adds no rating twice.

The package, along its seams:

- `columns`: the file format (COLUMNS, their headers and aliases) and reading a file's header row;
- `lookups`: regions and departments loaded once per import;
- `parsers`: one parser per cell (also the generic `parse_optional_date` other apps' imports use);
- `checks`: the rules between cells and rows, who may import what, and `parse_row`;
- `writer`: new organizations by raw SQL with their history rows, and the rows' ratings;
- `importer`: `organizations_import`, the all-or-nothing driver.
"""

from registry.imports.checks import (
    ParsedRow,
    check_importer,
    duplicate_reason,
    existing_refusal,
    history_reason,
    parse_rating,
    parse_row,
    region_refusal,
    registration_problems,
    status_change_reason,
    uscc_region_warning,
)
from registry.imports.columns import (
    ALL_COLUMNS,
    ATTNAME,
    COLUMN_BY_FIELD,
    COLUMNS,
    HEADER_ALIASES,
    HEADER_BY_FIELD,
    RATING_COLUMNS,
    Column,
    column_positions,
    normalize_header,
    open_table,
)
from registry.imports.importer import ImportResult, organizations_import
from registry.imports.lookups import Lookups
from registry.imports.parsers import (
    PARSERS,
    RATING_PARSERS,
    STATUS_LABELS,
    TYPE_LABELS,
    parse_department,
    parse_email,
    parse_established_on,
    parse_funds,
    parse_optional_date,
    parse_org_type,
    parse_rating_awarded_on,
    parse_rating_grade,
    parse_rating_score,
    parse_region,
    parse_status,
    parse_uscc,
    text_parser,
)
from registry.imports.writer import BATCH_SIZE, NewOrganizationWriter, PendingRating, ratings_create

__all__ = [
    "ALL_COLUMNS",
    "ATTNAME",
    "BATCH_SIZE",
    "COLUMNS",
    "COLUMN_BY_FIELD",
    "HEADER_ALIASES",
    "HEADER_BY_FIELD",
    "PARSERS",
    "RATING_COLUMNS",
    "RATING_PARSERS",
    "STATUS_LABELS",
    "TYPE_LABELS",
    "Column",
    "ImportResult",
    "Lookups",
    "NewOrganizationWriter",
    "ParsedRow",
    "PendingRating",
    "check_importer",
    "column_positions",
    "duplicate_reason",
    "existing_refusal",
    "history_reason",
    "normalize_header",
    "open_table",
    "organizations_import",
    "parse_department",
    "parse_email",
    "parse_established_on",
    "parse_funds",
    "parse_optional_date",
    "parse_org_type",
    "parse_rating",
    "parse_rating_awarded_on",
    "parse_rating_grade",
    "parse_rating_score",
    "parse_region",
    "parse_row",
    "parse_status",
    "parse_uscc",
    "ratings_create",
    "region_refusal",
    "registration_problems",
    "status_change_reason",
    "text_parser",
    "uscc_region_warning",
]
