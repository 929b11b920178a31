"""Settings for the test suite: the normal settings, with test-only data folders.

Worker processes started by tests use this module too, so they see the same database and media."""
import os
from pathlib import Path

_root = Path(__file__).resolve().parent.parent
os.environ.setdefault("IMOGEN_VAR_DIR", str(_root / "var" / "test"))
os.environ.setdefault("MEDIA_ROOT", str(_root / "var" / "test" / "media"))
# Every test worker would spend seconds on the start-up speed probe at its real size; a tiny one still runs it.
os.environ.setdefault("IMOGEN_STYLE_CALIBRATION_SIDE", "64")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
# The whole suite comes from 127.0.0.1 and the throttle counts live in the database cache, so production rates
# would leak from one test into the next. The throttling tests set their own low rates.
os.environ.setdefault("IMOGEN_THROTTLE_JOBS", "100000/hour")
os.environ.setdefault("IMOGEN_THROTTLE_JOB_WORK", "100000000/hour")
os.environ.setdefault("IMOGEN_THROTTLE_LOGIN", "100000/hour")
os.environ.setdefault("IMOGEN_THROTTLE_RENDERS", "100000/hour")
os.environ.setdefault("IMOGEN_THROTTLE_INSPECT", "100000/hour")
os.environ.setdefault("IMOGEN_THROTTLE_PREVIEWS", "100000/hour")
# Rate counters in the test database's cache, not in the machine's Redis (shared by every run on the machine).
os.environ.setdefault("IMOGEN_THROTTLE_REDIS_URL", "")
# Likewise the per-owner cap on waiting style jobs (tests/fairqueue/test_queue.py sets its own).
os.environ.setdefault("IMOGEN_STYLE_QUEUE_CAP_ANONYMOUS", "1000")
os.environ.setdefault("IMOGEN_STYLE_QUEUE_CAP_ACCOUNT", "1000")
os.environ.setdefault("IMOGEN_STYLE_QUEUE_CAP_ADDRESS", "1000")

from .settings import *  # noqa: E402,F403
from .settings import DATABASES  # noqa: E402

# A worker process in an end-to-end test is pointed at the test database by name.
if os.environ.get("IMOGEN_TEST_DB_NAME"):
    DATABASES["default"]["NAME"] = os.environ["IMOGEN_TEST_DB_NAME"]
    DATABASES["default"]["TEST"] = {"NAME": os.environ["IMOGEN_TEST_DB_NAME"]}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast sign-ups in tests
IMOGEN_JOB_HEARTBEAT_SECONDS = int(os.environ.get("IMOGEN_JOB_HEARTBEAT_SECONDS", "1"))
IMOGEN_JOB_STALE_SECONDS = int(os.environ.get("IMOGEN_JOB_STALE_SECONDS", "6"))
IMOGEN_JOB_RESEND_SECONDS = int(os.environ.get("IMOGEN_JOB_RESEND_SECONDS", "2"))
