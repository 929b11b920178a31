import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from tests.factories import make_creation, make_user


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def people(db):
    """owner, other, staff accounts plus their logged-in clients, and an anonymous client."""
    cache.clear()  # login throttle counts
    owner = make_user("owner@example.com", "Owner Artist")
    other = make_user("other@example.com", "Someone Else")
    staff = make_user("staff@example.com", "Moderator", staff=True)
    clients = {"anonymous": Client()}
    for name, user in (("owner", owner), ("other", other), ("staff", staff)):
        clients[name] = Client()
        clients[name].force_login(user)
    return {"owner": owner, "other": other, "staff": staff, "clients": clients}


@pytest.fixture
def private(people):
    return make_creation(owner=people["owner"])


@pytest.fixture
def published(people):
    return make_creation(owner=people["owner"], title="Lake at dawn", published_at=timezone.now(),
                         show_settings=True, color=(200, 40, 40))


@pytest.fixture
def hidden(people):
    return make_creation(owner=people["owner"], title="Hidden one", published_at=timezone.now(), is_hidden=True)
