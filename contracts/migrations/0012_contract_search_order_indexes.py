"""Indexes for /search/'s contracts and purchase-list items groups, read rank by rank (core.search.first_ranked): the
contracts whose number or title is the query (`contract_upper_number`, `contract_title`), then the rest newest first
(`contract_search_order`, the group's order: signing day descending with unsigned drafts last, then the number),
stopped at a page's twenty hits instead of sorting every match (a two-character word matches thousands of
contracts); the items whose code or service name is the query (`purchase_item_upper_code`,
`purchase_item_service_name`).

PostgreSQL only: SQLite cannot index `NULLS LAST`, and serves a demo, where every search is a short scan."""

from django.db import migrations

INDEXES = {
    "contract_upper_number": "contracts_contract (UPPER(number))",
    "contract_title": "contracts_contract (title)",
    "contract_search_order": "contracts_contract (signed_on DESC NULLS LAST, number DESC)",
    "purchase_item_upper_code": "contracts_purchaseitem (UPPER(code))",
    "purchase_item_service_name": "contracts_purchaseitem (service_name)",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table_and_columns in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table_and_columns}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("contracts", "0011_contract_compact_number_index")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
