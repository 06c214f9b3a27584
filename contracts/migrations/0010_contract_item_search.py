"""Stored search columns for contracts and purchase-list items, kept by the database (the organizations' way).

`Contract.search_document` holds the contract's number, title and buyer (its department's name), folded as
`core.search.fold` folds, followed by its supplier's own stored search document (name, code, legal representative,
pinyin and initials: what the directory's search looks in); `PurchaseItem.search_document` the item's code and service
name, its list's title and the list's department's name. `search_vector` beside each is the text-search vector of the
document's Chinese characters and pairs of characters (`core.search.search_tokens`), stored rather than computed from
a text column as the organizations' is: a row that several indexes select is checked again against every condition,
and computing the vector again for each such row cost more than the rest of the query. /search/ then matches every
word in the document (`core.search.search_condition`), through a trigram GIN index for words of three characters or
more and a GIN index on the vector for one- and two-character Chinese words, instead of `UPPER(column) LIKE` over every
row and its joins. Evaluations are found through their contract's columns.

Triggers keep the columns true whatever code writes the rows (services, the admin, the importers, `generate_data`,
`QuerySet.update`):

- a contract or an item computes its columns when it is inserted and when its texts, its department, supplier or
  list, or the columns themselves (a save from a copy loaded earlier) are written: BEFORE the write on PostgreSQL, which
  reads the department, the supplier and the list FOR SHARE, so that a rename committed meanwhile is waited for and
  read; right after it on SQLite;
- a renamed department, a purchase list whose title or department changes, and an organization whose search document
  changes recompute the contracts and items that show them; an organization, department or purchase list inserted
  after its contracts or items (a bulk writer may write them first: the foreign keys are checked at commit) too.

PostgreSQL folds with `lower(normalize(…, NFKC))` and segments with a regular expression (the functions `search_fold` and
`search_segment` below); SQLite folds with `lower()` (ASCII letters, as its LIKE compares them) and leaves the vector
empty: `search_condition` uses it on PostgreSQL only.

On SQLite, Django alters a column by rebuilding the table, which drops the table's triggers: a later migration that
alters contracts_contract, contracts_purchaseitem, contracts_purchaselist, registry_department or
registry_organization there must create them again (`create_triggers`); tests/contracts/test_search_columns.py fails
until it does.
"""

import django.contrib.postgres.search
from django.db import migrations, models

POSTGRESQL_FUNCTIONS = (
    """CREATE OR REPLACE FUNCTION search_fold(value text) RETURNS text AS $$
SELECT lower(normalize(coalesce(value, ''), NFKC))
$$ LANGUAGE sql IMMUTABLE PARALLEL SAFE""",
    # core.search.search_tokens: every Chinese character and every pair of adjacent characters, once each.
    r"""CREATE OR REPLACE FUNCTION search_segment(document text) RETURNS text AS $$
SELECT coalesce(string_agg(DISTINCT piece.token, ' ' ORDER BY piece.token), '')
FROM regexp_matches(coalesce(document, ''), '[\u3400-\u9fff\uf900-\ufaff]+', 'g') AS run(found)
CROSS JOIN LATERAL generate_series(1, length(run.found[1])) AS position(at)
CROSS JOIN LATERAL (VALUES (substr(run.found[1], position.at, 1)), (substr(run.found[1], position.at, 2)))
    AS piece(token)
$$ LANGUAGE sql IMMUTABLE PARALLEL SAFE""",
)

# The documents, from a row's own columns and the rows it points to (one expression for the fill below).
CONTRACT_DOCUMENT = (
    "concat_ws(' ', search_fold(concat_ws(' ', {contract}.number, {contract}.title, {department}.name)), "
    "{organization}.search_document)"
)
ITEM_DOCUMENT = (
    "search_fold(concat_ws(' ', {item}.code, {item}.service_name, {purchase_list}.title, {department}.name))"
)

POSTGRESQL_TRIGGERS = (
    f"""CREATE OR REPLACE FUNCTION contracts_contract_search() RETURNS trigger AS $$
DECLARE
    department record;
    organization record;
BEGIN
    SELECT name INTO department FROM registry_department WHERE id = NEW.department_id FOR SHARE;
    SELECT search_document INTO organization FROM registry_organization WHERE id = NEW.organization_id FOR SHARE;
    NEW.search_document := {CONTRACT_DOCUMENT.format(contract="NEW", department="department", organization="organization")};
    NEW.search_vector := to_tsvector('simple', search_segment(NEW.search_document));
    RETURN NEW;
END
$$ LANGUAGE plpgsql""",
    """CREATE TRIGGER contracts_contract_search
BEFORE INSERT OR UPDATE OF number, title, department_id, organization_id, search_document, search_vector
ON contracts_contract FOR EACH ROW EXECUTE FUNCTION contracts_contract_search()""",
    f"""CREATE OR REPLACE FUNCTION contracts_purchaseitem_search() RETURNS trigger AS $$
DECLARE
    purchase_list record;
    department record;
BEGIN
    SELECT title, department_id INTO purchase_list FROM contracts_purchaselist WHERE id = NEW.purchase_list_id
    FOR SHARE;
    SELECT name INTO department FROM registry_department WHERE id = purchase_list.department_id FOR SHARE;
    NEW.search_document := {ITEM_DOCUMENT.format(item="NEW", purchase_list="purchase_list", department="department")};
    NEW.search_vector := to_tsvector('simple', search_segment(NEW.search_document));
    RETURN NEW;
END
$$ LANGUAGE plpgsql""",
    """CREATE TRIGGER contracts_purchaseitem_search
BEFORE INSERT OR UPDATE OF code, service_name, purchase_list_id, search_document, search_vector
ON contracts_purchaseitem FOR EACH ROW EXECUTE FUNCTION contracts_purchaseitem_search()""",
    # What shows a department, a list or an organization is written again: its own trigger recomputes it.
    """CREATE OR REPLACE FUNCTION registry_department_search() RETURNS trigger AS $$
BEGIN
    UPDATE contracts_contract SET search_document = '' WHERE department_id = NEW.id;
    UPDATE contracts_purchaseitem SET search_document = ''
    WHERE purchase_list_id IN (SELECT id FROM contracts_purchaselist WHERE department_id = NEW.id);
    RETURN NULL;
END
$$ LANGUAGE plpgsql""",
    """CREATE TRIGGER registry_department_search AFTER UPDATE OF name ON registry_department
FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION registry_department_search()""",
    """CREATE OR REPLACE FUNCTION registry_department_search_inserted() RETURNS trigger AS $$
BEGIN
    UPDATE contracts_contract SET search_document = '' WHERE department_id IN (SELECT id FROM inserted);
    UPDATE contracts_purchaseitem SET search_document = '' WHERE purchase_list_id IN
        (SELECT id FROM contracts_purchaselist WHERE department_id IN (SELECT id FROM inserted));
    RETURN NULL;
END
$$ LANGUAGE plpgsql""",
    """CREATE TRIGGER registry_department_search_inserted AFTER INSERT ON registry_department
REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION registry_department_search_inserted()""",
    """CREATE OR REPLACE FUNCTION contracts_purchaselist_search() RETURNS trigger AS $$
BEGIN
    UPDATE contracts_purchaseitem SET search_document = '' WHERE purchase_list_id = NEW.id;
    RETURN NULL;
END
$$ LANGUAGE plpgsql""",
    """CREATE TRIGGER contracts_purchaselist_search AFTER UPDATE OF title, department_id ON contracts_purchaselist
FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.department_id IS DISTINCT FROM NEW.department_id)
EXECUTE FUNCTION contracts_purchaselist_search()""",
    """CREATE OR REPLACE FUNCTION contracts_purchaselist_search_inserted() RETURNS trigger AS $$
BEGIN
    UPDATE contracts_purchaseitem SET search_document = '' WHERE purchase_list_id IN (SELECT id FROM inserted);
    RETURN NULL;
END
$$ LANGUAGE plpgsql""",
    """CREATE TRIGGER contracts_purchaselist_search_inserted AFTER INSERT ON contracts_purchaselist
REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION contracts_purchaselist_search_inserted()""",
    """CREATE OR REPLACE FUNCTION registry_organization_search() RETURNS trigger AS $$
BEGIN
    UPDATE contracts_contract SET search_document = '' WHERE organization_id = NEW.id;
    RETURN NULL;
END
$$ LANGUAGE plpgsql""",
    """CREATE TRIGGER registry_organization_search AFTER UPDATE OF search_document ON registry_organization
FOR EACH ROW WHEN (OLD.search_document IS DISTINCT FROM NEW.search_document)
EXECUTE FUNCTION registry_organization_search()""",
    """CREATE OR REPLACE FUNCTION registry_organization_search_inserted() RETURNS trigger AS $$
BEGIN
    UPDATE contracts_contract SET search_document = '' WHERE organization_id IN (SELECT id FROM inserted);
    RETURN NULL;
END
$$ LANGUAGE plpgsql""",
    """CREATE TRIGGER registry_organization_search_inserted AFTER INSERT ON registry_organization
REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION registry_organization_search_inserted()""",
)
POSTGRESQL_FILL = (
    "UPDATE contracts_contract AS target SET search_document = filled.document, "
    "search_vector = to_tsvector('simple', search_segment(filled.document)) FROM ("
    f"SELECT contract.id, {CONTRACT_DOCUMENT.format(contract='contract', department='department', organization='organization')} AS document "
    "FROM contracts_contract AS contract "
    "LEFT JOIN registry_department AS department ON department.id = contract.department_id "
    "LEFT JOIN registry_organization AS organization ON organization.id = contract.organization_id"
    ") AS filled WHERE target.id = filled.id",
    "UPDATE contracts_purchaseitem AS target SET search_document = filled.document, "
    "search_vector = to_tsvector('simple', search_segment(filled.document)) FROM ("
    f"SELECT item.id, {ITEM_DOCUMENT.format(item='item', purchase_list='purchase_list', department='department')} AS document "
    "FROM contracts_purchaseitem AS item "
    "LEFT JOIN contracts_purchaselist AS purchase_list ON purchase_list.id = item.purchase_list_id "
    "LEFT JOIN registry_department AS department ON department.id = purchase_list.department_id"
    ") AS filled WHERE target.id = filled.id",
)
POSTGRESQL_INDEXES = (
    "CREATE INDEX contract_search_trgm ON contracts_contract USING gin (search_document gin_trgm_ops)",
    "CREATE INDEX contract_search_vector ON contracts_contract USING gin (search_vector)",
    "CREATE INDEX purchase_item_search_trgm ON contracts_purchaseitem USING gin (search_document gin_trgm_ops)",
    "CREATE INDEX purchase_item_search_vector ON contracts_purchaseitem USING gin (search_vector)",
)
TOAST_TUPLE_TARGET = 512
DROP_POSTGRESQL = (
    "ALTER TABLE contracts_contract RESET (toast_tuple_target)",
    "DROP INDEX IF EXISTS contract_search_trgm",
    "DROP INDEX IF EXISTS contract_search_vector",
    "DROP INDEX IF EXISTS purchase_item_search_trgm",
    "DROP INDEX IF EXISTS purchase_item_search_vector",
    "DROP TRIGGER IF EXISTS contracts_contract_search ON contracts_contract",
    "DROP TRIGGER IF EXISTS contracts_purchaseitem_search ON contracts_purchaseitem",
    "DROP TRIGGER IF EXISTS registry_department_search ON registry_department",
    "DROP TRIGGER IF EXISTS registry_department_search_inserted ON registry_department",
    "DROP TRIGGER IF EXISTS contracts_purchaselist_search ON contracts_purchaselist",
    "DROP TRIGGER IF EXISTS contracts_purchaselist_search_inserted ON contracts_purchaselist",
    "DROP TRIGGER IF EXISTS registry_organization_search ON registry_organization",
    "DROP TRIGGER IF EXISTS registry_organization_search_inserted ON registry_organization",
    "DROP FUNCTION IF EXISTS contracts_contract_search()",
    "DROP FUNCTION IF EXISTS contracts_purchaseitem_search()",
    "DROP FUNCTION IF EXISTS registry_department_search()",
    "DROP FUNCTION IF EXISTS registry_department_search_inserted()",
    "DROP FUNCTION IF EXISTS contracts_purchaselist_search()",
    "DROP FUNCTION IF EXISTS contracts_purchaselist_search_inserted()",
    "DROP FUNCTION IF EXISTS registry_organization_search()",
    "DROP FUNCTION IF EXISTS registry_organization_search_inserted()",
    "DROP FUNCTION IF EXISTS search_segment(text)",
    "DROP FUNCTION IF EXISTS search_fold(text)",
)

SQLITE_CONTRACT_DOCUMENT = (
    "lower(contracts_contract.number || ' ' || contracts_contract.title || ' ' || coalesce((SELECT name "
    "FROM registry_department WHERE registry_department.id = contracts_contract.department_id), '')) || ' ' || "
    "coalesce((SELECT search_document FROM registry_organization "
    "WHERE registry_organization.id = contracts_contract.organization_id), '')"
)
SQLITE_ITEM_DOCUMENT = (
    "lower(contracts_purchaseitem.code || ' ' || contracts_purchaseitem.service_name || ' ' || coalesce(("
    "SELECT purchase_list.title || ' ' || coalesce(department.name, '') FROM contracts_purchaselist AS purchase_list "
    "LEFT JOIN registry_department AS department ON department.id = purchase_list.department_id "
    "WHERE purchase_list.id = contracts_purchaseitem.purchase_list_id), ''))"
)
SET_CONTRACT = f"UPDATE contracts_contract SET search_document = {SQLITE_CONTRACT_DOCUMENT}"
SET_ITEM = f"UPDATE contracts_purchaseitem SET search_document = {SQLITE_ITEM_DOCUMENT}"
ITEMS_OF_DEPARTMENT = "purchase_list_id IN (SELECT id FROM contracts_purchaselist WHERE department_id = NEW.id)"
SQLITE_TRIGGERS = (
    f"CREATE TRIGGER contracts_contract_search_insert AFTER INSERT ON contracts_contract "
    f"BEGIN {SET_CONTRACT} WHERE id = NEW.id; END",
    "CREATE TRIGGER contracts_contract_search_update "
    "AFTER UPDATE OF number, title, department_id, organization_id, search_document ON contracts_contract "
    f"BEGIN {SET_CONTRACT} WHERE id = NEW.id; END",
    f"CREATE TRIGGER contracts_purchaseitem_search_insert AFTER INSERT ON contracts_purchaseitem "
    f"BEGIN {SET_ITEM} WHERE id = NEW.id; END",
    "CREATE TRIGGER contracts_purchaseitem_search_update "
    "AFTER UPDATE OF code, service_name, purchase_list_id, search_document ON contracts_purchaseitem "
    f"BEGIN {SET_ITEM} WHERE id = NEW.id; END",
    "CREATE TRIGGER registry_department_search_update AFTER UPDATE OF name ON registry_department "
    "WHEN OLD.name IS NOT NEW.name "
    f"BEGIN {SET_CONTRACT} WHERE department_id = NEW.id; {SET_ITEM} WHERE {ITEMS_OF_DEPARTMENT}; END",
    "CREATE TRIGGER registry_department_search_insert AFTER INSERT ON registry_department "
    f"BEGIN {SET_CONTRACT} WHERE department_id = NEW.id; {SET_ITEM} WHERE {ITEMS_OF_DEPARTMENT}; END",
    "CREATE TRIGGER contracts_purchaselist_search_update AFTER UPDATE OF title, department_id ON contracts_purchaselist "
    "WHEN OLD.title IS NOT NEW.title OR OLD.department_id IS NOT NEW.department_id "
    f"BEGIN {SET_ITEM} WHERE purchase_list_id = NEW.id; END",
    "CREATE TRIGGER contracts_purchaselist_search_insert AFTER INSERT ON contracts_purchaselist "
    f"BEGIN {SET_ITEM} WHERE purchase_list_id = NEW.id; END",
    "CREATE TRIGGER registry_organization_search_update AFTER UPDATE OF search_document ON registry_organization "
    "WHEN OLD.search_document IS NOT NEW.search_document "
    f"BEGIN {SET_CONTRACT} WHERE organization_id = NEW.id; END",
    "CREATE TRIGGER registry_organization_search_insert AFTER INSERT ON registry_organization "
    f"BEGIN {SET_CONTRACT} WHERE organization_id = NEW.id; END",
)
DROP_SQLITE = tuple(
    f"DROP TRIGGER IF EXISTS {sql.split()[2]}" for sql in SQLITE_TRIGGERS
)


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        # A contract's document and vector (about 1.7 kB together, four times the rest of its row) are stored out of
        # line, so that every other query reading contracts reads rows of the former width.
        schema_editor.execute(f"ALTER TABLE contracts_contract SET (toast_tuple_target = {TOAST_TUPLE_TARGET})")
        # Filled first (one statement per table), then kept.
        for sql in (*POSTGRESQL_FUNCTIONS, *POSTGRESQL_FILL, *POSTGRESQL_TRIGGERS):
            schema_editor.execute(sql)
        # The rows' deferred checks now, so that the indexes below may be built in the same transaction.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for sql in POSTGRESQL_INDEXES:
            schema_editor.execute(sql)
    elif vendor == "sqlite":
        for sql in SQLITE_TRIGGERS:
            schema_editor.execute(sql)
        schema_editor.execute(SET_CONTRACT)
        schema_editor.execute(SET_ITEM)
    else:
        raise NotImplementedError(f"no triggers for the search columns on {vendor}")


def drop_triggers(apps, schema_editor):
    for sql in DROP_POSTGRESQL if schema_editor.connection.vendor == "postgresql" else DROP_SQLITE:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0009_deliverable_first_submitted_at"),
        ("registry", "0009_organization_stored_facts"),
    ]

    operations = [
        migrations.AddField(
            model_name="contract",
            name="search_document",
            field=models.TextField(blank=True, editable=False, verbose_name="检索文本"),
        ),
        migrations.AddField(
            model_name="contract",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True, verbose_name="检索分词"),
        ),
        migrations.AddField(
            model_name="purchaseitem",
            name="search_document",
            field=models.TextField(blank=True, editable=False, verbose_name="检索文本"),
        ),
        migrations.AddField(
            model_name="purchaseitem",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True, verbose_name="检索分词"),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
