"""Facts of an organization's annual work and ratings stored on its row, kept by the database.

`annual_year_latest` and `annual_year_previous` are the two latest years for which the organization has an annual
work report or an annual inspection on record; `rating_valid_until` the latest end of validity of its ratings. Triggers
on registry_annualinspection, registry_annualreport and registry_rating recompute them from those tables after every
insert, delete, and change of organization, year or validity, whatever code writes the rows (services, the admin, the
importers, bulk writers), and an organization inserted after its records gets them on insert; PostgreSQL locks the organization's row first, so that two transactions writing records of
the same organization each recompute after the other's commit. The facts are then filled for the existing rows.

On SQLite, Django alters a column by rebuilding the table, which drops the table's triggers: a later migration that
alters registry_annualinspection, registry_annualreport or registry_rating there must create them again
(`create_triggers`); tests/registry/test_stored_facts.py fails until it does.
"""

from django.db import migrations, models

ANNUAL_YEARS = (
    "SELECT year FROM registry_annualinspection WHERE organization_id = registry_organization.id "
    "UNION SELECT year FROM registry_annualreport WHERE organization_id = registry_organization.id "
    "ORDER BY 1 DESC LIMIT 1"
)
SET_ANNUAL_YEARS = (
    f"UPDATE registry_organization SET annual_year_latest = ({ANNUAL_YEARS}), "
    f"annual_year_previous = ({ANNUAL_YEARS} OFFSET 1)"
)
SET_RATING = (
    "UPDATE registry_organization SET rating_valid_until = "
    "(SELECT MAX(valid_until) FROM registry_rating WHERE organization_id = registry_organization.id)"
)
# (table, the statement that recomputes an organization's facts, the columns whose change calls for it)
SOURCES = {
    "annual_years": (("registry_annualinspection", "registry_annualreport"), SET_ANNUAL_YEARS, "organization_id, year"),
    "rating": (("registry_rating",), SET_RATING, "organization_id, valid_until"),
}

POSTGRESQL_FUNCTION = """
CREATE OR REPLACE FUNCTION registry_refresh_{fact}(organization_key bigint) RETURNS void AS $$
BEGIN
    PERFORM 1 FROM registry_organization WHERE id = organization_key FOR UPDATE;
    {statement} WHERE id = organization_key;
END
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION registry_refresh_{fact}_trigger() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM registry_refresh_{fact}(OLD.organization_id);
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.organization_id <> OLD.organization_id) THEN
        PERFORM registry_refresh_{fact}(NEW.organization_id);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
"""
POSTGRESQL_TRIGGER = """
CREATE TRIGGER {table}_{fact} AFTER INSERT OR DELETE OR UPDATE OF {columns} ON {table}
FOR EACH ROW EXECUTE FUNCTION registry_refresh_{fact}_trigger();
"""
SQLITE_TRIGGERS = (
    "CREATE TRIGGER {table}_{fact}_insert AFTER INSERT ON {table} "
    "BEGIN {statement} WHERE id = NEW.organization_id; END",
    "CREATE TRIGGER {table}_{fact}_delete AFTER DELETE ON {table} "
    "BEGIN {statement} WHERE id = OLD.organization_id; END",
    "CREATE TRIGGER {table}_{fact}_update AFTER UPDATE OF {columns} ON {table} "
    "BEGIN {statement} WHERE id IN (OLD.organization_id, NEW.organization_id); END",
)


# An organization inserted after its records (a bulk writer may insert them first: the foreign keys are checked at
# commit) gets its facts at once.
POSTGRESQL_ON_INSERT = (
    f"""CREATE OR REPLACE FUNCTION registry_organization_facts_on_insert() RETURNS trigger AS $$
BEGIN
    NEW.annual_year_latest := ({ANNUAL_YEARS.replace("registry_organization.id", "NEW.id")});
    NEW.annual_year_previous := ({ANNUAL_YEARS.replace("registry_organization.id", "NEW.id")} OFFSET 1);
    NEW.rating_valid_until := (SELECT MAX(valid_until) FROM registry_rating WHERE organization_id = NEW.id);
    RETURN NEW;
END
$$ LANGUAGE plpgsql""",
    """CREATE TRIGGER registry_organization_facts BEFORE INSERT ON registry_organization
FOR EACH ROW EXECUTE FUNCTION registry_organization_facts_on_insert()""",
)
SQLITE_ON_INSERT = (
    f"CREATE TRIGGER registry_organization_facts_insert AFTER INSERT ON registry_organization "
    f"BEGIN {SET_ANNUAL_YEARS} WHERE id = NEW.id; {SET_RATING} WHERE id = NEW.id; END",
)


def _statements(text: str) -> list[str]:
    """The statements of a block (PostgreSQL's function bodies are one statement each: split on blank lines)."""
    return [part.strip() for part in text.split("\n\n") if part.strip()]


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for fact, (tables, statement, columns) in SOURCES.items():
        if vendor == "postgresql":
            for sql in _statements(POSTGRESQL_FUNCTION.format(fact=fact, statement=statement)):
                schema_editor.execute(sql)
        for table in tables:
            if vendor == "postgresql":
                schema_editor.execute(POSTGRESQL_TRIGGER.format(table=table, fact=fact, columns=columns))
            elif vendor == "sqlite":
                for trigger in SQLITE_TRIGGERS:
                    schema_editor.execute(trigger.format(table=table, fact=fact, columns=columns, statement=statement))
            else:
                raise NotImplementedError(f"no triggers for the stored facts on {vendor}")
    for sql in POSTGRESQL_ON_INSERT if vendor == "postgresql" else SQLITE_ON_INSERT:
        schema_editor.execute(sql)
    fill(schema_editor)


def fill(schema_editor):
    """The facts of every organization with records, in one statement (each row written once)."""
    schema_editor.execute(
        f"UPDATE registry_organization SET annual_year_latest = ({ANNUAL_YEARS}), "
        f"annual_year_previous = ({ANNUAL_YEARS} OFFSET 1), "
        "rating_valid_until = (SELECT MAX(valid_until) FROM registry_rating "
        "WHERE organization_id = registry_organization.id) "
        "WHERE id IN (SELECT organization_id FROM registry_annualinspection "
        "UNION SELECT organization_id FROM registry_annualreport UNION SELECT organization_id FROM registry_rating)"
    )
    if schema_editor.connection.vendor == "postgresql":
        # The rows' deferred checks now, so that the index below may be built in the same transaction.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS registry_organization_facts ON registry_organization")
        schema_editor.execute("DROP FUNCTION IF EXISTS registry_organization_facts_on_insert()")
    else:
        schema_editor.execute("DROP TRIGGER IF EXISTS registry_organization_facts_insert")
    for fact, (tables, _statement, _columns) in SOURCES.items():
        for table in tables:
            if vendor == "postgresql":
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_{fact} ON {table}")
            else:
                for event in ("insert", "delete", "update"):
                    schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_{fact}_{event}")
        if vendor == "postgresql":
            schema_editor.execute(f"DROP FUNCTION IF EXISTS registry_refresh_{fact}_trigger()")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS registry_refresh_{fact}(bigint)")


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0008_organization_region_code"),
    ]

    operations = [
        migrations.AddField(
            model_name="organization",
            name="annual_year_latest",
            field=models.PositiveSmallIntegerField(blank=True, editable=False, null=True, verbose_name="最近的年报年度"),
        ),
        migrations.AddField(
            model_name="organization",
            name="annual_year_previous",
            field=models.PositiveSmallIntegerField(blank=True, editable=False, null=True, verbose_name="上一个年报年度"),
        ),
        migrations.AddField(
            model_name="organization",
            name="rating_valid_until",
            field=models.DateField(blank=True, editable=False, null=True, verbose_name="评估等级有效期至"),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
        # The bureau's organizations as the 待办 counts them, now with the years on record: the overdue annual
        # reports are counted from the index alone.
        migrations.RemoveIndex(model_name="organization", name="organization_authority_founded"),
        migrations.AddIndex(
            model_name="organization",
            index=models.Index(
                fields=["registration_authority", "status", "established_on"],
                include=("id", "region", "annual_year_latest", "annual_year_previous"),
                name="organization_authority_filed",
            ),
        ),
        migrations.AddIndex(
            model_name="rating",
            index=models.Index(
                fields=["awarding_authority", "valid_until"], include=("organization",), name="rating_authority_valid"
            ),
        ),
    ]
