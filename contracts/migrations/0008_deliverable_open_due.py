from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('contracts', '0007_contract_list_order'),
    ]

    operations = [
        # Overdue deliverables (due date passed, not accepted) are what the reminders, the deadline check and the 待办
        # page look for. Without this index PostgreSQL scanned all 300,000 deliverables of the generated province
        # (most of them long accepted) on every run; with it, it reads the few thousand open ones by due date.
        migrations.AddIndex(
            model_name='deliverable',
            index=models.Index(
                condition=models.Q(('status', 'accepted'), _negated=True), fields=['due_on'], name='deliverable_open_due'
            ),
        ),
    ]
