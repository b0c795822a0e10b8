import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ('directory', '0004_counterparty_region'),
    ]

    operations = [
        migrations.CreateModel(
            name='CounterpartyPhonePart',
            fields=[
                ('pk', models.CompositePrimaryKey('part', 'counterparty', blank=True, editable=False, primary_key=True, serialize=False)),
                ('part', models.CharField(max_length=15, verbose_name='цифры номера')),
                ('counterparty', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='directory.counterparty', verbose_name='контрагент')),
            ],
            options={
                'verbose_name': 'часть номера контрагента',
                'verbose_name_plural': 'части номеров контрагентов',
            },
        ),
    ]
