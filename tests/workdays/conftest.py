import pytest

from gridcase.workdays.selectors import clear_cache


@pytest.fixture(autouse=True)
def _fresh_calendar():
    """A test's calendar rows are rolled back, but the process's cached copy would keep them."""
    clear_cache()
    yield
    clear_cache()
