"""The demo's projects: every centre has some, of different kinds of funders; CAL Szczepin
shows the whole feature; reruns change nothing, also in a later week."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from pghistory.models import Events

from centres import access, demo, selectors
from centres.models import (
    Centre,
    IndicatorMeasure,
    Project,
    ProjectIndicator,
    ProjectStatus,
)

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 3)


@pytest.fixture
def seeded(monkeypatch):
    monkeypatch.setattr(access, "today", lambda: TODAY)
    return demo.seed_centres_demo()


def test_every_centre_has_one_to_three_projects_of_different_funders(seeded):
    kinds: dict[str, list[str]] = defaultdict(list)
    for slug, kind in Project.objects.values_list("centre__slug", "funder_kind"):
        kinds[slug].append(kind)

    assert sorted(kinds) == sorted(Centre.objects.values_list("slug", flat=True))
    assert all(1 <= len(found) <= 3 for found in kinds.values())
    assert all(len(set(found)) == len(found) for found in kinds.values())


def test_cal_szczepin_shows_a_running_project_and_an_application(seeded):
    staff = get_user_model().objects.get(username="staff")
    projects = {p.status: p for p in selectors.project_list(user=staff, filters={"centre": "cal-szczepin"})}

    assert sorted(projects) == sorted([ProjectStatus.RUNNING, ProjectStatus.APPLICATION])
    running = projects[ProjectStatus.RUNNING]
    linked = list(running.activities.all())
    assert len(linked) >= 5
    assert all(a.in_public_space or a.resident_initiated for a in linked)
    indicators = list(running.indicators.all())
    assert [i.measure for i in indicators] == [
        IndicatorMeasure.PUBLIC_SPACE,
        IndicatorMeasure.PARTICIPANTS,
        IndicatorMeasure.MANUAL,
    ]
    # the computed values are those of the linked activities
    assert indicators[0].achieved == sum(1 for a in linked if a.in_public_space)
    assert indicators[1].achieved == sum(a.participants for a in linked)
    assert indicators[2].achieved == 23
    application = projects[ProjectStatus.APPLICATION]
    assert TODAY < application.decision_date <= TODAY + timedelta(days=7)
    # the public page shows the running project only
    assert [p.title for p in selectors.project_list_public(centre=running.centre, on=TODAY)] == [
        running.title
    ]


def _project_events() -> int:
    return Events.objects.filter(pgh_model__startswith="centres.Project").count()


def test_a_rerun_a_week_later_changes_no_project(seeded, monkeypatch):
    events = _project_events()
    counts = (Project.objects.count(), ProjectIndicator.objects.count())
    monkeypatch.setattr(access, "today", lambda: TODAY + timedelta(days=7))

    again = demo.seed_centres_demo()

    assert (Project.objects.count(), ProjectIndicator.objects.count()) == counts
    assert again.tally.get("projects", "unchanged") == counts[0]
    assert again.tally.get("project indicators", "unchanged") == counts[1]
    assert _project_events() == events


def test_a_rerun_restores_a_changed_project_and_moves_a_passed_decision(seeded, monkeypatch):
    running = Project.objects.get(centre__slug="cal-szczepin", status=ProjectStatus.RUNNING)
    Project.objects.filter(pk=running.pk).update(amount=1)
    indicator = ProjectIndicator.objects.get(project=running, measure=IndicatorMeasure.MANUAL)
    ProjectIndicator.objects.filter(pk=indicator.pk).update(value_entered=99)
    monkeypatch.setattr(access, "today", lambda: TODAY + timedelta(days=14))

    again = demo.seed_centres_demo()

    application = Project.objects.get(centre__slug="cal-szczepin", status=ProjectStatus.APPLICATION)
    assert application.decision_date == TODAY + timedelta(days=21)
    running.refresh_from_db()
    assert (running.amount, running.version) == (240000, 2)
    indicator.refresh_from_db()
    assert (indicator.value_entered, indicator.version) == (23, 2)
    assert (again.tally.get("projects", "created"), again.tally.get("projects", "updated")) == (0, 2)
    assert again.tally.get("project indicators", "updated") == 1
