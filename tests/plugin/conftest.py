import pytest

from tests.support.baseline import ensure_review_index


@pytest.fixture
def index_page(db):
    """A review index as the default site's root, as a host would make it in the admin."""
    return ensure_review_index()
