"""The data-quality check of payments (a payment recorded against no deliverable, or against one not accepted:
`stats.quality`, on the purchasers' to-do list and the report) from both ends' partial indexes, instead of a probe of
each of the department's payments' deliverables (6,000 for the province's civil-affairs department, 23–26 ms on every
reading of its list after a payment):

- `payment_without_deliverable`: the payments recorded against no deliverable, by contract;
- `deliverable_paid_open`: the deliverables a payment was recorded against (`Deliverable.paid`, kept by the database
  since 0015) that are not accepted, by contract.

Both hold none or a few rows in a province. On PostgreSQL the planner would take `paid` and `status` for independent
columns and expect 40,000 paid deliverables not accepted (as many as 16 % of the paid times 16 % of the not accepted),
and scan every payment to join them; the statistics of the two columns together (`CREATE STATISTICS … (mcv)`) tell
it that paid deliverables are accepted ones, and the check reads the two indexes (0.1 ms).
"""

from django.db import migrations, models

STATISTICS = "deliverable_paid_status"


def create_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE STATISTICS IF NOT EXISTS {STATISTICS} (mcv) ON paid, status FROM contracts_deliverable"
        )
        schema_editor.execute("ANALYZE contracts_deliverable")


def drop_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP STATISTICS IF EXISTS {STATISTICS}")


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0016_purchaser_todo_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="deliverable",
            index=models.Index(
                condition=models.Q(("paid", True), models.Q(("status", "accepted"), _negated=True)),
                fields=["contract"],
                name="deliverable_paid_open",
            ),
        ),
        migrations.AddIndex(
            model_name="payment",
            index=models.Index(
                condition=models.Q(("deliverable__isnull", True)),
                fields=["contract"],
                name="payment_without_deliverable",
            ),
        ),
        migrations.RunPython(create_statistics, drop_statistics, elidable=False),
    ]
