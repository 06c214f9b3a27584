"""Whether a payment against a deliverable is recorded, on its row (Deliverable.paid), kept by the database.

The purchasers' to-do list shows the accepted deliverables no payment has been recorded against. Asked of the
payments, that is one probe per accepted deliverable of the department: the province's civil-affairs department has
6,000 of them, 30 ms on every reading of its list after a payment. On the row, with a partial index of the accepted
deliverables not yet paid (3,000 in the whole generated province), it is a few hundred index entries.

Triggers on contracts_payment recompute it (whether any payment names the deliverable) after every insert, delete
and change of deliverable, whatever code writes the rows; an insert of a deliverable (a bulk writer may insert its
payments first) and a write of the column on contracts_deliverable itself recompute it too (before the write on
PostgreSQL, right after it on SQLite), so that a deliverable saved from a copy loaded before a payment keeps it. The
column is then filled.

On SQLite, adding a column that is not nullable rebuilds the table, and renaming the rebuilt table fails while a
trigger of another table names it: the triggers of migration 0009 (Deliverable.first_submitted_at) are dropped before
the column is added and created again after it (and the other way round when the migration is reversed).
"""

from importlib import import_module

from django.db import migrations, models

first_submission = import_module("contracts.migrations.0009_deliverable_first_submitted_at")

PAID = "EXISTS (SELECT 1 FROM contracts_payment WHERE deliverable_id = contracts_deliverable.id)"
SET_PAID = f"UPDATE contracts_deliverable SET paid = {PAID}"

POSTGRESQL = (
    """CREATE OR REPLACE FUNCTION contracts_deliverable_paid() RETURNS trigger AS $$
BEGIN
    NEW.paid := EXISTS (SELECT 1 FROM contracts_payment WHERE deliverable_id = NEW.id);
    RETURN NEW;
END
$$ LANGUAGE plpgsql""",
    """CREATE TRIGGER contracts_deliverable_paid BEFORE INSERT OR UPDATE OF paid
ON contracts_deliverable FOR EACH ROW EXECUTE FUNCTION contracts_deliverable_paid()""",
    # The deliverable's row is written (and so locked) first; its BEFORE trigger then reads the payments with a
    # snapshot taken after the lock, which sees what a concurrent transaction committed meanwhile.
    """CREATE OR REPLACE FUNCTION contracts_payment_paid() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.deliverable_id IS NOT NULL THEN
        UPDATE contracts_deliverable SET paid = false WHERE id = OLD.deliverable_id;
    END IF;
    IF TG_OP = 'INSERT' AND NEW.deliverable_id IS NOT NULL
        OR TG_OP = 'UPDATE' AND NEW.deliverable_id IS DISTINCT FROM OLD.deliverable_id AND NEW.deliverable_id IS NOT NULL
    THEN
        UPDATE contracts_deliverable SET paid = false WHERE id = NEW.deliverable_id;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql""",
    """CREATE TRIGGER contracts_payment_paid AFTER INSERT OR DELETE OR UPDATE OF deliverable_id ON contracts_payment
FOR EACH ROW EXECUTE FUNCTION contracts_payment_paid()""",
)
SQLITE = (
    f"CREATE TRIGGER contracts_deliverable_paid AFTER UPDATE OF paid ON contracts_deliverable "
    f"BEGIN {SET_PAID} WHERE id = NEW.id; END",
    f"CREATE TRIGGER contracts_deliverable_paid_insert AFTER INSERT ON contracts_deliverable "
    f"BEGIN {SET_PAID} WHERE id = NEW.id; END",
    f"CREATE TRIGGER contracts_payment_paid_insert AFTER INSERT ON contracts_payment "
    f"BEGIN {SET_PAID} WHERE id = NEW.deliverable_id; END",
    f"CREATE TRIGGER contracts_payment_paid_delete AFTER DELETE ON contracts_payment "
    f"BEGIN {SET_PAID} WHERE id = OLD.deliverable_id; END",
    f"CREATE TRIGGER contracts_payment_paid_update AFTER UPDATE OF deliverable_id ON contracts_payment "
    f"BEGIN {SET_PAID} WHERE id IN (OLD.deliverable_id, NEW.deliverable_id); END",
)
DROP_POSTGRESQL = (
    "DROP TRIGGER IF EXISTS contracts_payment_paid ON contracts_payment",
    "DROP TRIGGER IF EXISTS contracts_deliverable_paid ON contracts_deliverable",
    "DROP FUNCTION IF EXISTS contracts_payment_paid()",
    "DROP FUNCTION IF EXISTS contracts_deliverable_paid()",
)
DROP_SQLITE = (
    "DROP TRIGGER IF EXISTS contracts_deliverable_paid",
    "DROP TRIGGER IF EXISTS contracts_deliverable_paid_insert",
    "DROP TRIGGER IF EXISTS contracts_payment_paid_insert",
    "DROP TRIGGER IF EXISTS contracts_payment_paid_delete",
    "DROP TRIGGER IF EXISTS contracts_payment_paid_update",
)


def drop_first_submission_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in first_submission.DROP_SQLITE:
            schema_editor.execute(sql)


def create_first_submission_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in first_submission.SQLITE:
            schema_editor.execute(sql)


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        raise NotImplementedError(f"no triggers for Deliverable.paid on {vendor}")
    create_first_submission_triggers(apps, schema_editor)
    # Filled first (one statement, only the deliverables with payments), then kept.
    schema_editor.execute(f"{SET_PAID} WHERE id IN (SELECT deliverable_id FROM contracts_payment)")
    for sql in POSTGRESQL if vendor == "postgresql" else SQLITE:
        schema_editor.execute(sql)
    if vendor == "postgresql":
        # The rows' deferred checks now, so that later migrations may alter the table in the same transaction.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")


def drop_triggers(apps, schema_editor):
    for sql in DROP_POSTGRESQL if schema_editor.connection.vendor == "postgresql" else DROP_SQLITE:
        schema_editor.execute(sql)
    drop_first_submission_triggers(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0014_dashboard_figures"),
    ]

    operations = [
        migrations.RunPython(drop_first_submission_triggers, create_first_submission_triggers),
        migrations.AddField(
            model_name="deliverable",
            name="paid",
            field=models.BooleanField(default=False, editable=False, verbose_name="已登记付款"),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
        # The accepted deliverables no payment is recorded against (the purchasers' to-do list), by contract: a few
        # thousand entries in a province, probed for each of a department's contracts, instead of a probe of the
        # payments for each accepted deliverable.
        migrations.AddIndex(
            model_name="deliverable",
            index=models.Index(
                condition=models.Q(("paid", False), ("status", "accepted")),
                fields=["contract"],
                include=["accepted_at"],
                name="deliverable_unpaid",
            ),
        ),
    ]
