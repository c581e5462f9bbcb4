"""The audit runs on the demo network behind a live server (`make audit`, marker ``audit``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User

from network.demo import seed_demo
from tests.audit.pages import Role

DEMO_PASSWORD = "audit-demo-password"  # a throwaway password of the test database
# The roles pages are opened with, in this order: a page is checked with the first that
# can open it (public pages anonymous, the workspace as an operator, the network
# dashboard as the animator, what only city staff open as city staff).
ROLE_ORDER = ("anonymous", "operator-a", "animator", "team", "staff")
# Not test-results/: pytest-playwright empties that folder when any test run starts.
REPORTS = Path(__file__).resolve().parent.parent.parent / "audit-results"


@pytest.fixture
def demo(transactional_db: None) -> Any:
    """The Wrocław demo network (scale 1), committed so that the live server sees it."""
    return seed_demo(scale=1, password=DEMO_PASSWORD)


@pytest.fixture
def roles(demo: Any) -> list[Role]:
    users = {u.username: u for u in User.objects.filter(username__in=ROLE_ORDER)}
    missing = [name for name in ROLE_ORDER[1:] if name not in users]
    assert not missing, f"seed_demo no longer creates the accounts {missing}"
    return [Role(name, users.get(name)) for name in ROLE_ORDER]


@pytest.fixture
def reports_dir() -> Path:
    REPORTS.mkdir(exist_ok=True)
    return REPORTS
