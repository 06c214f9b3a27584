# Why: the 待办 of a provincial registrar counts the organizations its bureau registered (15,000 in the generated
# province) that owe last year's annual work report, or lack contact data or a valid rating. Without these indexes
# PostgreSQL reads each of those wide rows (a bitmap heap scan of ~12,000 pages) to test status and founding day;
# with them it counts from the index alone (docs/benchmarks.md, "The 待办 page at provincial scale").

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0006_former_names'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='organization',
            index=models.Index(fields=['registration_authority', 'status', 'established_on'], include=('id', 'region'), name='organization_authority_founded'),
        ),
        migrations.AddIndex(
            model_name='organization',
            index=models.Index(condition=models.Q(('status', 'normal'), models.Q(('contact_phone', ''), ('contact_email', ''), _connector='OR')), fields=['registration_authority'], include=('id', 'region'), name='organization_missing_contact'),
        ),
    ]
