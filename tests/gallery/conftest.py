import pytest

# people, private, published and hidden come from tests/conftest.py (shared with the accounts tests).


@pytest.fixture(autouse=True)
def _media(media_root):
    return media_root
