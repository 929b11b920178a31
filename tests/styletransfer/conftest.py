import pytest

# Torch on one thread: on a shared 2-core machine this is several times faster than fighting for two.
FAST_WORKER_ENV = {"IMOGEN_TORCH_THREADS": "1", "IMOGEN_STYLE_PREVIEW_SECONDS": "1", "IMOGEN_STYLE_PROGRESS_SECONDS": "0.3"}
TINY = {"width": "48", "height": "32", "preset": "preview"}


@pytest.fixture
def style_worker(worker_factory):
    """A real Celery worker consuming only the `style` queue, tuned for tiny test jobs."""
    return worker_factory(queues="style", extra_env=FAST_WORKER_ENV)
