# The import log moves down to impor (#15; see impor 0002): assets forgets the model
# without dropping its table, and the content type follows, so that the permissions
# granted on the log (and admin log entries) stay attached to it.

from django.db import migrations


def content_type_to(app_label):
    def move(apps, schema_editor):
        content_type = apps.get_model('contenttypes', 'ContentType')
        old = 'impor' if app_label == 'assets' else 'assets'
        if not content_type.objects.filter(app_label=app_label, model='importrun').exists():
            content_type.objects.filter(app_label=old, model='importrun').update(app_label=app_label)

    return move


class Migration(migrations.Migration):

    dependencies = [
        ('assets', '0008_import_status_failed'),
        ('impor', '0002_import_run'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='ImportRun')],
            database_operations=[],
        ),
        migrations.RunPython(content_type_to('impor'), content_type_to('assets')),
    ]
