import pytest

from gridcase.dashboards import rollup


@pytest.fixture(autouse=True)
def _forget_the_rollup_state():
    """The rollup's refresh time is remembered for a few seconds; a rolled-back test's must not be."""
    rollup.forget()
    yield
    rollup.forget()
