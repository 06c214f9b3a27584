"""The facts an organization inserted after its records gets (migration 0009), worked out once per statement.

Migration 0009 gave registry_organization a row trigger, run before each insert: three statements through PL/pgSQL
for every row, each probing the organization's inspections, reports and ratings. An organization that is new has none
of them, but every row paid the probes: 65-140 µs a row, a third of the server's work for an import's 10,000 new rows
on the province (docs/benchmarks.md). On PostgreSQL it is now one statement after each INSERT or COPY, over the rows it
inserted (a transition table), which updates only those that have records or were given facts: for an import's batch,
three index lookups per row in one executor run, and no row rewritten. The statement is planned on each run (EXECUTE),
for the number of rows that statement inserted: a plan kept from a bulk writer's first batch would be the wrong one
for a single organization saved afterwards. SQLite keeps its trigger (migration 0009), which runs per row anyway.
"""

from django.db import migrations

ANNUAL_YEARS = (
    "SELECT year FROM registry_annualinspection WHERE organization_id = registry_organization.id "
    "UNION SELECT year FROM registry_annualreport WHERE organization_id = registry_organization.id "
    "ORDER BY 1 DESC LIMIT 1"
)
SET_FACTS = (
    f"UPDATE registry_organization SET annual_year_latest = ({ANNUAL_YEARS}), "
    f"annual_year_previous = ({ANNUAL_YEARS} OFFSET 1), "
    "rating_valid_until = (SELECT MAX(valid_until) FROM registry_rating "
    "WHERE organization_id = registry_organization.id) "
    "WHERE id IN ("
    "SELECT id FROM inserted WHERE annual_year_latest IS NOT NULL OR annual_year_previous IS NOT NULL "
    "OR rating_valid_until IS NOT NULL "
    "UNION SELECT organization_id FROM registry_annualinspection WHERE organization_id IN (SELECT id FROM inserted) "
    "UNION SELECT organization_id FROM registry_annualreport WHERE organization_id IN (SELECT id FROM inserted) "
    "UNION SELECT organization_id FROM registry_rating WHERE organization_id IN (SELECT id FROM inserted))"
)
FORWARD = (
    "DROP TRIGGER IF EXISTS registry_organization_facts ON registry_organization",
    "DROP FUNCTION IF EXISTS registry_organization_facts_on_insert()",
    f"""CREATE OR REPLACE FUNCTION registry_organization_facts_inserted() RETURNS trigger AS $$
BEGIN
    EXECUTE '{SET_FACTS.replace("'", "''")}';
    RETURN NULL;
END
$$ LANGUAGE plpgsql""",
    "CREATE TRIGGER registry_organization_facts_inserted AFTER INSERT ON registry_organization "
    "REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION registry_organization_facts_inserted()",
)
OLD_ANNUAL_YEARS = ANNUAL_YEARS.replace("registry_organization.id", "NEW.id")
BACKWARD = (
    "DROP TRIGGER IF EXISTS registry_organization_facts_inserted ON registry_organization",
    "DROP FUNCTION IF EXISTS registry_organization_facts_inserted()",
    f"""CREATE OR REPLACE FUNCTION registry_organization_facts_on_insert() RETURNS trigger AS $$
BEGIN
    NEW.annual_year_latest := ({OLD_ANNUAL_YEARS});
    NEW.annual_year_previous := ({OLD_ANNUAL_YEARS} OFFSET 1);
    NEW.rating_valid_until := (SELECT MAX(valid_until) FROM registry_rating WHERE organization_id = NEW.id);
    RETURN NEW;
END
$$ LANGUAGE plpgsql""",
    """CREATE TRIGGER registry_organization_facts BEFORE INSERT ON registry_organization
FOR EACH ROW EXECUTE FUNCTION registry_organization_facts_on_insert()""",
)


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0011_history_read_by_organization"),
    ]

    operations = [
        migrations.RunPython(_run(FORWARD), _run(BACKWARD)),
    ]
