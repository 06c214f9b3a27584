from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('contracts', '0006_contract_ocds_order'),
    ]

    operations = [
        # Contract lists (public, management, the API) read newest first: ORDER BY year DESC, number DESC. Without an
        # index on both, PostgreSQL sorted every visible contract (48,000 wide rows in the generated province, on
        # disk) for each page; with it, a page is the first rows of this index.
        migrations.AddIndex(
            model_name='contract',
            index=models.Index(fields=['-year', '-number'], name='contract_list_order'),
        ),
        # Purchase lists read newest first as well (the year, then the latest published), no longer by the joined
        # department's code: the order is this index.
        migrations.AlterModelOptions(
            name='purchaselist',
            options={
                'ordering': ['-year', '-published_on', '-pk'],
                'verbose_name': '购买服务目录',
                'verbose_name_plural': '购买服务目录',
            },
        ),
        migrations.AddIndex(
            model_name='purchaselist',
            index=models.Index(fields=['-year', '-published_on', '-id'], name='purchase_list_order'),
        ),
    ]
