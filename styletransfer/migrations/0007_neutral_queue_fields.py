# The fair queue's fields get names that fit any job (fairqueue.models.FairQueued); the data stays.
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("styletransfer", "0006_job_progress_at"),
    ]

    operations = [
        migrations.RenameField("styletransferjob", "painting_started_at", "work_started_at"),
        migrations.RenameField("styletransferjob", "painting_from", "work_from"),
        migrations.RenameField("styletransferjob", "paint_seconds", "work_seconds"),
        migrations.AlterField(
            model_name="styletransferjob", name="work_started_at",
            field=models.DateTimeField(blank=True, help_text="When the work itself began (no setup).", null=True),
        ),
    ]
