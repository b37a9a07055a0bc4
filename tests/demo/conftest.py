import pytest

from tests.support.baseline import ensure_demo_baseline


@pytest.fixture
def index_page(db):
    """The demo site's root, made by its data migration (rebuilt after a flush)."""
    return ensure_demo_baseline()
