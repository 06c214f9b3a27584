"""The open rectification orders by deadline (the 待办's overdue orders): a partial index over the orders not yet
verified, so that the orders past their deadline are read without walking the verified ones."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0006_reminder_digests"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="rectificationorder",
            index=models.Index(
                condition=models.Q(("status", "verified"), _negated=True),
                fields=["deadline", "id"],
                name="order_open_deadline",
            ),
        ),
    ]
