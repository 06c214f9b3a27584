from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('supervision', '0004_merge_file_hashes_and_document_numbers'),
    ]

    # The supervision lists' default orders, so that a page is a range of an index rather than a sort of every row
    # of the official's region.
    operations = [
        # The complaint queue: open ones first (supervision.models.complaints.queue_rank, the same expression as the
        # query's), then newest first.
        migrations.AddIndex(
            model_name='complaint',
            index=models.Index(
                models.Case(
                    models.When(status='received', then=models.Value(0)),
                    models.When(status='accepted', then=models.Value(1)),
                    models.When(status='under_review', then=models.Value(1)),
                    default=models.Value(2),
                    output_field=models.IntegerField(),
                ),
                models.OrderBy(models.F('received_at'), descending=True),
                models.OrderBy(models.F('id'), descending=True),
                name='complaint_queue_order',
            ),
        ),
        # Inspections, newest planned first (planned_on alone left the ties to a sort).
        migrations.AddIndex(
            model_name='inspection',
            index=models.Index(fields=['-planned_on', '-id'], name='inspection_list_order'),
        ),
        # Rectification orders, newest issued first.
        migrations.AddIndex(
            model_name='rectificationorder',
            index=models.Index(fields=['-issued_on', '-id'], name='order_list_order'),
        ),
    ]
