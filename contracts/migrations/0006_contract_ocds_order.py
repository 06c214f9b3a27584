from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0005_submission_accepted_on"),
    ]

    operations = [
        # The OCDS release and record lists (/api/v1/ocds/…), ocds_dump and ocds_validate read the public contracts
        # in signing order, ORDER BY signed_on, number, a page at a time from a cursor (signed_on, number). Without
        # this index PostgreSQL sorted all 49,000 public contracts of the generated province on disk for every page
        # and joined every skipped row; with it a page is the next rows of the index. Partial: drafts are never
        # published.
        migrations.AddIndex(
            model_name="contract",
            index=models.Index(
                condition=models.Q(("signed_on__isnull", False), models.Q(("status", "draft"), _negated=True)),
                fields=["signed_on", "number"],
                name="contract_ocds_order",
            ),
        ),
    ]
