import pytest
from django.core.cache import cache

from gridcase.dashboards import rollup


@pytest.fixture(autouse=True)
def _forget_the_rollup_state():
    """The rollup's refresh time is remembered for a few seconds, and what was computed from it is
    cached under that time; a rolled-back test's must not be (two tests under one travelled clock
    could refresh at the same instant)."""
    rollup.forget()
    cache.clear()
    yield
    rollup.forget()
    cache.clear()
