"""Shared fixtures. The database is real PostgreSQL: embedded (pgserver, under
.data/test) unless DATABASE_URL names a server; Redis likewise."""

from __future__ import annotations

import os
from typing import Any

import pytest
from rest_framework.test import APIClient

from centres.access import ANIMATOR_GROUP, CITY_GROUP, TEAM_GROUP
from tests import factories

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls
# from fixtures in that thread are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Stop the embedded servers this run started, so that CI does not wait on them."""
    from django.db import connections

    from cal_portal import embedded

    connections.close_all()
    for folder in list(embedded.started):
        if not embedded.in_use_by_others(folder):
            embedded.stop(folder)


@pytest.fixture(autouse=True)
def _clear_cache() -> Any:
    from django.core.cache import cache

    yield
    cache.clear()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def english() -> Any:
    """Messages in English outside a request (Polish is the default language), so that
    assertions on message texts do not depend on the Polish catalogue."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def city_staff(db: None) -> Any:
    return factories.UserFactory(username="staff", is_staff=True, groups=[CITY_GROUP])


@pytest.fixture
def animator(db: None) -> Any:
    return factories.UserFactory(username="animator", groups=[ANIMATOR_GROUP])


@pytest.fixture
def team_member(db: None) -> Any:
    return factories.UserFactory(username="team", groups=[TEAM_GROUP])


@pytest.fixture
def operator_a_and_centre(db: None) -> tuple[Any, Any]:
    return factories.operator_with_centre("operator-a", name="CAL Szczepin", slug="cal-szczepin")


@pytest.fixture
def operator_b_and_centre(db: None) -> tuple[Any, Any]:
    return factories.operator_with_centre("operator-b", name="CAL Gajowice", slug="cal-gajowice")


@pytest.fixture
def operator_a(operator_a_and_centre: tuple[Any, Any]) -> Any:
    return operator_a_and_centre[0]


@pytest.fixture
def centre_a(operator_a_and_centre: tuple[Any, Any]) -> Any:
    return operator_a_and_centre[1]


@pytest.fixture
def operator_b(operator_b_and_centre: tuple[Any, Any]) -> Any:
    return operator_b_and_centre[0]


@pytest.fixture
def centre_b(operator_b_and_centre: tuple[Any, Any]) -> Any:
    return operator_b_and_centre[1]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's chromium, headless; Playwright never downloads a browser here."""
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM", "/usr/bin/chromium"),
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }
