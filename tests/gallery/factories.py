# Moved to tests/factories.py (shared by every app's tests); this name stays for branches written before the move.
from tests.factories import PASSWORD, make_creation, make_user  # noqa: F401
