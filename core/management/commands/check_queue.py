"""Submit a tiny echo job and wait for a worker to finish it: proves broker + worker + database work."""
import time

from django.core.management.base import BaseCommand, CommandError

from core.jobs import send_job
from core.models import EchoJob, JobStatus


class Command(BaseCommand):
    help = "Run one trivial job through the queue and report how long it took."

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=60)

    def handle(self, timeout, **options):
        job = EchoJob.objects.create(message="ping")
        started = time.monotonic()
        send_job(EchoJob, job.pk)
        while time.monotonic() - started < timeout:
            job.refresh_from_db()
            if job.is_final:
                break
            time.sleep(0.2)
        if job.status != JobStatus.SUCCEEDED:
            raise CommandError(f"Echo job {job.pk} is {job.status} after {timeout:.0f}s: is a worker running?")
        self.stdout.write(f"Queue OK: echo job finished in {time.monotonic() - started:.2f}s (reply {job.reply!r})")
