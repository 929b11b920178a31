import time

from celery import shared_task
from django.core.management import call_command

from .jobs import JobCanceled, job_task, sweep
from .models import EchoJob
from .retention import purge


def echo(job):
    steps = 10
    for step in range(steps):
        if job.delay_seconds:
            time.sleep(job.delay_seconds / steps)
        if not job.update_progress((step + 1) / steps, stage=f"echo {step + 1}/{steps}"):
            raise JobCanceled()
    return {"reply": job.message[::-1]}


run_echo_job = job_task(EchoJob)(echo)


@shared_task(name="core.tasks.sweep_jobs", ignore_result=True)
def sweep_jobs():
    return sweep()


@shared_task(name="core.tasks.purge_expired", ignore_result=True)
def purge_expired():
    return purge()


@shared_task(name="core.tasks.clear_sessions", ignore_result=True)
def clear_sessions():
    """Delete expired sessions (`manage.py clearsessions`), so the session table does not grow forever."""
    call_command("clearsessions")
