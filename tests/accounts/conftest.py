# The same people and creations as the gallery tests (owner, other user, staff, anonymous).
from tests.gallery.conftest import _media, hidden, people, private, published  # noqa: F401
