# A large import runs on the task worker (#18): its run is logged from the start, queued
# and then running, with the progress and step its page polls.

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('impor', '0002_import_run'),
    ]

    operations = [
        migrations.AddField(
            model_name='importrun',
            name='progress',
            field=models.PositiveSmallIntegerField(default=0, validators=[django.core.validators.MaxValueValidator(100)], verbose_name='voortgang (%)'),
        ),
        migrations.AddField(
            model_name='importrun',
            name='step',
            field=models.CharField(blank=True, max_length=60, verbose_name='stap'),
        ),
        migrations.AlterField(
            model_name='importrun',
            name='status',
            field=models.CharField(choices=[('proef', 'proefimport'), ('verwerkt', 'verwerkt'), ('geweigerd', 'geweigerd'), ('mislukt', 'mislukt'), ('wachtrij', 'in de wachtrij'), ('bezig', 'bezig')], max_length=20, verbose_name='status'),
        ),
    ]
