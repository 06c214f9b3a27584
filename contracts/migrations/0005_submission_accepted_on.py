from django.db import migrations, models
from django.db.models.functions import TruncDate


def accepted_on_from_decision(apps, schema_editor):
    """Submissions accepted before the day was asked for: the day the decision was recorded (in TIME_ZONE)."""
    Submission = apps.get_model("contracts", "Submission")
    Submission.objects.filter(decision="accepted").update(accepted_on=TruncDate("decided_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0004_merge_file_hashes_and_event_dates"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalsubmission",
            name="accepted_on",
            field=models.DateField(blank=True, null=True, verbose_name="验收日期"),
        ),
        migrations.AddField(
            model_name="submission",
            name="accepted_on",
            field=models.DateField(blank=True, null=True, verbose_name="验收日期"),
        ),
        migrations.RunPython(accepted_on_from_decision, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="submission",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("accepted_on__isnull", False), ("decision", "accepted")),
                    models.Q(models.Q(("decision", "accepted"), _negated=True), ("accepted_on__isnull", True)),
                    models.Q(("accepted_on__isnull", True), ("decision__isnull", True)),
                    _connector="OR",
                ),
                name="submission_accepted_on_when_accepted",
            ),
        ),
    ]
