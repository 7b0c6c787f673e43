# The import log moves down from assets to impor, where the import kit lives (#15). Only
# Django's state moves: the table keeps its name (assets_importrun) and its rows.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('impor', '0001_initial'),
        ('assets', '0008_import_status_failed'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ImportRun',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('assets', 'beheerobjecten'), ('inspections', 'inspecties'), ('reports', 'meldingen'), ('partner_works', 'werken van partners')], max_length=20, verbose_name='soort')),
                        ('source', models.CharField(max_length=60, verbose_name='bron')),
                        ('status', models.CharField(choices=[('proef', 'proefimport'), ('verwerkt', 'verwerkt'), ('geweigerd', 'geweigerd'), ('mislukt', 'mislukt')], max_length=20, verbose_name='status')),
                        ('file_name', models.CharField(max_length=255, verbose_name='bestandsnaam')),
                        ('file_sha256', models.CharField(max_length=64, verbose_name='SHA-256 van het bestand')),
                        ('mapping', models.JSONField(default=dict, verbose_name='kolomtoewijzing')),
                        ('crs', models.CharField(blank=True, max_length=20, verbose_name='coördinatenstelsel')),
                        ('rows', models.PositiveIntegerField(default=0, verbose_name='rijen')),
                        ('created', models.PositiveIntegerField(default=0, verbose_name='nieuw')),
                        ('updated', models.PositiveIntegerField(default=0, verbose_name='bijgewerkt')),
                        ('skipped', models.PositiveIntegerField(default=0, verbose_name='overgeslagen')),
                        ('error_count', models.PositiveIntegerField(default=0, verbose_name='fouten')),
                        ('warning_count', models.PositiveIntegerField(default=0, verbose_name='waarschuwingen')),
                        ('messages', models.JSONField(blank=True, default=list, help_text='De eerste fouten en waarschuwingen.', verbose_name='meldingen')),
                        ('started_at', models.DateTimeField(auto_now_add=True, verbose_name='gestart')),
                        ('seconds', models.FloatField(default=0, verbose_name='duur (s)')),
                        ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='door')),
                    ],
                    options={
                        'verbose_name': 'import',
                        'verbose_name_plural': 'imports',
                        'db_table': 'assets_importrun',
                        'ordering': ['-started_at'],
                        'indexes': [models.Index(fields=['source', 'kind', 'started_at'], name='assets_impo_source_297f54_idx')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
