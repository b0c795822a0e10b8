import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ('leads', '0016_script_step_message_template'),
    ]

    operations = [
        migrations.CreateModel(
            name='LeadPhonePart',
            fields=[
                ('pk', models.CompositePrimaryKey('part', 'lead', blank=True, editable=False, primary_key=True, serialize=False)),
                ('part', models.CharField(max_length=15, verbose_name='цифры номера')),
                ('lead', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='leads.lead', verbose_name='лид')),
            ],
            options={
                'verbose_name': 'часть номера лида',
                'verbose_name_plural': 'части номеров лидов',
            },
        ),
    ]
