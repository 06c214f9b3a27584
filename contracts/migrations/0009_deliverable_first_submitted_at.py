"""A deliverable's first submission on its row (Deliverable.first_submitted_at), kept by the database.

Triggers on contracts_submission recompute it (the earliest submitted_at of the deliverable's submissions) after every
insert, delete, and change of deliverable or time, whatever code writes the rows; an insert of a deliverable (a bulk
writer may insert its submissions first) and a write of the column on contracts_deliverable itself recompute it too (before the write on PostgreSQL, right after it on SQLite), so that a
deliverable saved from a copy loaded before a submission keeps the submission's time. The column is then filled.

On SQLite, Django alters a column by rebuilding the table, which drops the table's triggers: a later migration that
alters contracts_submission or contracts_deliverable there must create them again (`create_triggers`);
tests/contracts/test_first_submission.py fails until it does.
"""

from django.db import migrations, models

FIRST = "(SELECT MIN(submitted_at) FROM contracts_submission WHERE deliverable_id = contracts_deliverable.id)"
SET_FIRST = f"UPDATE contracts_deliverable SET first_submitted_at = {FIRST}"

POSTGRESQL = (
    """CREATE OR REPLACE FUNCTION contracts_deliverable_first_submission() RETURNS trigger AS $$
BEGIN
    NEW.first_submitted_at := (SELECT MIN(submitted_at) FROM contracts_submission WHERE deliverable_id = NEW.id);
    RETURN NEW;
END
$$ LANGUAGE plpgsql""",
    # Also on insert: a bulk writer may insert submissions before their deliverable (the foreign key is checked at
    # commit).
    """CREATE TRIGGER contracts_deliverable_first_submission BEFORE INSERT OR UPDATE OF first_submitted_at
ON contracts_deliverable FOR EACH ROW EXECUTE FUNCTION contracts_deliverable_first_submission()""",
    # The deliverable's row is written (and so locked) first; its BEFORE trigger then reads the submissions with a
    # snapshot taken after the lock, which sees what a concurrent transaction committed meanwhile.
    """CREATE OR REPLACE FUNCTION contracts_submission_first_submission() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE contracts_deliverable SET first_submitted_at = NULL WHERE id = OLD.deliverable_id;
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.deliverable_id <> OLD.deliverable_id) THEN
        UPDATE contracts_deliverable SET first_submitted_at = NULL WHERE id = NEW.deliverable_id;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql""",
    """CREATE TRIGGER contracts_submission_first_submission
AFTER INSERT OR DELETE OR UPDATE OF deliverable_id, submitted_at ON contracts_submission
FOR EACH ROW EXECUTE FUNCTION contracts_submission_first_submission()""",
)
SQLITE = (
    "CREATE TRIGGER contracts_deliverable_first_submission AFTER UPDATE OF first_submitted_at ON contracts_deliverable "
    f"BEGIN {SET_FIRST} WHERE id = NEW.id; END",
    "CREATE TRIGGER contracts_deliverable_first_submission_insert AFTER INSERT ON contracts_deliverable "
    f"BEGIN {SET_FIRST} WHERE id = NEW.id; END",
    "CREATE TRIGGER contracts_submission_first_submission_insert AFTER INSERT ON contracts_submission "
    f"BEGIN {SET_FIRST} WHERE id = NEW.deliverable_id; END",
    "CREATE TRIGGER contracts_submission_first_submission_delete AFTER DELETE ON contracts_submission "
    f"BEGIN {SET_FIRST} WHERE id = OLD.deliverable_id; END",
    "CREATE TRIGGER contracts_submission_first_submission_update "
    "AFTER UPDATE OF deliverable_id, submitted_at ON contracts_submission "
    f"BEGIN {SET_FIRST} WHERE id IN (OLD.deliverable_id, NEW.deliverable_id); END",
)
DROP_POSTGRESQL = (
    "DROP TRIGGER IF EXISTS contracts_submission_first_submission ON contracts_submission",
    "DROP TRIGGER IF EXISTS contracts_deliverable_first_submission ON contracts_deliverable",
    "DROP FUNCTION IF EXISTS contracts_submission_first_submission()",
    "DROP FUNCTION IF EXISTS contracts_deliverable_first_submission()",
)
DROP_SQLITE = (
    "DROP TRIGGER IF EXISTS contracts_deliverable_first_submission",
    "DROP TRIGGER IF EXISTS contracts_deliverable_first_submission_insert",
    "DROP TRIGGER IF EXISTS contracts_submission_first_submission_insert",
    "DROP TRIGGER IF EXISTS contracts_submission_first_submission_delete",
    "DROP TRIGGER IF EXISTS contracts_submission_first_submission_update",
)


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        raise NotImplementedError(f"no triggers for Deliverable.first_submitted_at on {vendor}")
    # Filled first (one statement, only the deliverables with submissions), then kept.
    schema_editor.execute(f"{SET_FIRST} WHERE id IN (SELECT deliverable_id FROM contracts_submission)")
    for sql in POSTGRESQL if vendor == "postgresql" else SQLITE:
        schema_editor.execute(sql)
    if vendor == "postgresql":
        # The rows' deferred checks now, so that later migrations may alter the table in the same transaction.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")


def drop_triggers(apps, schema_editor):
    for sql in DROP_POSTGRESQL if schema_editor.connection.vendor == "postgresql" else DROP_SQLITE:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0008_deliverable_open_due"),
    ]

    operations = [
        migrations.AddField(
            model_name="deliverable",
            name="first_submitted_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="首次提交时间"),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
