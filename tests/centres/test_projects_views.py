"""Workspace pages of projects (list, add, page with indicators, edit, delete, indicators)
and the public "Projects" section of a centre's page: what they show, what they refuse,
who may open them, and query counts that do not grow with rows."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from centres.models import IndicatorMeasure, Project, ProjectIndicator, ProjectStatus
from tests import factories
from tests.centres.project_factories import ProjectFactory, ProjectIndicatorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def local(day: date, hour: int = 17) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


@pytest.fixture
def project_a(centre_a):
    return ProjectFactory(
        centre=centre_a,
        title="Szczepin od podwórka",
        starts_on=date(2026, 1, 1),
        ends_on=date(2027, 12, 31),
        amount=Decimal("240000.00"),
        description="Notatka dla zespołu.",
    )


@pytest.fixture
def indicator_a(project_a):
    return ProjectIndicatorFactory(
        project=project_a,
        name="Osoby gotowe działać",
        measure=IndicatorMeasure.MANUAL,
        target=Decimal(40),
        value_entered=Decimal(10),
        how_measured="Ankieta po wydarzeniach.",
        unit="osób",
    )


def _fresh(user):
    return get_user_model().objects.get(pk=user.pk)


def project_data(**changes):
    data = {
        "title": "Zielone podwórko",
        "summary": "Ogród sąsiedzki.",
        "description": "",
        "funder_kind": "fundacja",
        "funder_name": "Działaj Lokalnie",
        "funder_period_start": "2026-01-01",
        "funder_period_end": "2026-12-31",
        "starts_on": "2026-03-01",
        "ends_on": "2026-10-31",
        "amount": "6000.00",
        "own_contribution": "600",
        "status": "w-realizacji",
        "decision_date": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def paths(centre, project, indicator):
    base = f"/workspace/centres/{centre.slug}/projects/"
    return [
        base,
        f"{base}new/",
        f"{base}{project.pk}/",
        f"{base}{project.pk}/edit/",
        f"{base}{project.pk}/delete/",
        f"{base}{project.pk}/indicators/new/",
        f"{base}{project.pk}/indicators/{indicator.pk}/",
        f"{base}{project.pk}/indicators/{indicator.pk}/delete/",
    ]


# --- Access ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["operator_a", "city_staff"])
def test_the_centres_operator_and_city_staff_open_every_page(request, client, who, project_a, indicator_a):
    client.force_login(request.getfixturevalue(who))

    for path in paths(project_a.centre, project_a, indicator_a):
        assert client.get(path).status_code == 200, path


@pytest.mark.parametrize("who", ["operator_b", "animator", "team_member"])
def test_others_get_a_404_for_every_page(request, client, who, project_a, indicator_a):
    client.force_login(request.getfixturevalue(who))

    for path in paths(project_a.centre, project_a, indicator_a):
        assert client.get(path).status_code == 404, path
    assert client.post(paths(project_a.centre, project_a, indicator_a)[4], {"version": 1}).status_code == 404
    assert Project.objects.filter(pk=project_a.pk).exists()


def test_another_centres_project_under_ones_own_centre_is_a_404(client, operator_a, centre_a, centre_b):
    theirs = ProjectFactory(centre=centre_b)
    indicator = ProjectIndicatorFactory(project=theirs)
    client.force_login(operator_a)

    base = f"/workspace/centres/{centre_a.slug}/projects/{theirs.pk}/"
    for path in (
        base,
        f"{base}edit/",
        f"{base}delete/",
        f"{base}indicators/new/",
        f"{base}indicators/{indicator.pk}/",
    ):
        assert client.get(path).status_code == 404, path


def test_an_indicator_of_another_project_is_a_404(client, operator_a, centre_a, project_a):
    other = ProjectIndicatorFactory(project=ProjectFactory(centre=centre_a))
    client.force_login(operator_a)

    response = client.get(
        f"/workspace/centres/{centre_a.slug}/projects/{project_a.pk}/indicators/{other.pk}/"
    )

    assert response.status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, project_a, indicator_a):
    for path in paths(project_a.centre, project_a, indicator_a):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={path}"


def test_the_centre_navigation_links_to_projects(client, operator_a, centre_a):
    client.force_login(operator_a)

    response = client.get(f"/workspace/centres/{centre_a.slug}/projects/")

    content = response.content.decode()
    assert (
        f'<a href="/workspace/centres/{centre_a.slug}/projects/" aria-current="page">Projects</a>' in content
    )


def test_the_workspace_home_counts_running_projects(client, operator_a, centre_a):
    ProjectFactory(centre=centre_a, status=ProjectStatus.RUNNING)
    ProjectFactory(centre=centre_a, status=ProjectStatus.RUNNING)
    ProjectFactory(centre=centre_a, status=ProjectStatus.IDEA)
    client.force_login(operator_a)

    response = client.get("/workspace/")

    [centre] = response.context["centres"]
    assert centre.running_project_count == 2
    assert "2 running" in response.content.decode()


# --- The list -----------------------------------------------------------------------------------


def test_list_shows_the_centres_projects_filtered(client, operator_a, centre_a, centre_b):
    ProjectFactory(centre=centre_a, title="Ogród", status=ProjectStatus.RUNNING, funder_kind="fundacja")
    ProjectFactory(
        centre=centre_a,
        title="Wniosek UE",
        status=ProjectStatus.APPLICATION,
        funder_kind="fundusze-ue",
        decision_date=date(2026, 6, 15),
    )
    ProjectFactory(centre=centre_b, title="Nie nasz")
    client.force_login(operator_a)
    path = f"/workspace/centres/{centre_a.slug}/projects/"

    everything = client.get(path)
    applications = client.get(path, {"status": "wniosek"})
    eu = client.get(path, {"funder_kind": "fundusze-ue", "status": "w-realizacji"})

    assert [p.title for p in everything.context["projects"]] == ["Ogród", "Wniosek UE"]
    assert [p.title for p in applications.context["projects"]] == ["Wniosek UE"]
    assert "decision expected on June 15, 2026" in applications.content.decode()
    assert eu.context["projects"] == []
    assert "No project matches the filters." in eu.content.decode()


# --- Adding, editing, deleting ----------------------------------------------------------------------


def test_operator_adds_a_project_and_lands_on_its_page(client, operator_a, centre_a):
    partner = factories.OrganizationFactory(name="Biblioteka Szczepin")
    client.force_login(operator_a)

    response = client.post(
        f"/workspace/centres/{centre_a.slug}/projects/new/", project_data(partners=[str(partner.pk)])
    )

    project = Project.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/workspace/centres/{centre_a.slug}/projects/{project.pk}/"
    assert (project.title, project.amount, project.version) == ("Zielone podwórko", Decimal("6000.00"), 1)
    assert list(project.partners.all()) == [partner]
    page = client.get(response["Location"]).content.decode()
    assert "The project “Zielone podwórko” has been recorded." in page
    assert "Biblioteka Szczepin" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"ends_on": "2026-02-01"}, "ends_on", "The project cannot end before it starts."),
        (
            {"starts_on": "2025-12-01"},
            "starts_on",
            "The project cannot start before the funder&#x27;s period (from 2026-01-01).",
        ),
        (
            {"ends_on": "2027-01-31"},
            "ends_on",
            "The project cannot end after the funder&#x27;s period (until 2026-12-31).",
        ),
        ({"amount": "-5"}, "amount", "Ensure this value is greater than or equal to 0."),
        ({"own_contribution": "-1"}, "own_contribution", "Ensure this value is greater than or equal to 0."),
        (
            {"status": "wniosek"},
            "decision_date",
            "An application needs the date of the funder&#x27;s decision.",
        ),
        ({"title": ""}, "title", "This field is required."),
    ],
)
def test_bad_input_is_refused_on_its_field_and_nothing_is_saved(
    client, operator_a, centre_a, changes, field, message
):
    client.force_login(operator_a)

    response = client.post(f"/workspace/centres/{centre_a.slug}/projects/new/", project_data(**changes))

    assert response.status_code == 200
    assert [escape(error) for error in response.context["form"].errors[field]] == [message]
    assert message in response.content.decode()
    assert Project.objects.count() == 0


def test_the_edit_page_links_activities_held_within_the_period(client, operator_a, centre_a, project_a):
    inside = factories.ActivityFactory(centre=centre_a, start=local(date(2026, 5, 6)), title="Piknik")
    factories.ActivityFactory(centre=centre_a, start=local(date(2025, 5, 6)), title="Dawno")
    client.force_login(operator_a)
    path = f"/workspace/centres/{centre_a.slug}/projects/{project_a.pk}/edit/"

    page = client.get(path)
    response = client.post(
        path, project_data(**_as_posted(project_a), version="1", activities=[str(inside.pk)])
    )

    assert [a.title for a in page.context["form"].fields["activities"].queryset] == ["Piknik"]
    assert f'value="{inside.pk}"' in page.content.decode()
    assert response.status_code == 302
    project_a.refresh_from_db()
    assert list(project_a.activities.all()) == [inside]
    assert project_a.version == 2


def _as_posted(project):
    return {
        "title": project.title,
        "summary": project.summary,
        "description": project.description,
        "funder_kind": project.funder_kind,
        "funder_name": project.funder_name,
        "funder_period_start": "",
        "funder_period_end": "",
        "starts_on": project.starts_on.isoformat(),
        "ends_on": project.ends_on.isoformat(),
        "amount": str(project.amount),
        "own_contribution": str(project.own_contribution),
        "status": project.status,
        "decision_date": "",
    }


def test_shortening_the_period_past_a_linked_activity_is_refused(client, operator_a, centre_a, project_a):
    held = factories.ActivityFactory(centre=centre_a, start=local(date(2026, 5, 6)), title="Piknik")
    project_a.activities.add(held)
    client.force_login(operator_a)

    response = client.post(
        f"/workspace/centres/{centre_a.slug}/projects/{project_a.pk}/edit/",
        project_data(
            **{**_as_posted(project_a), "starts_on": "2026-06-01"}, version="1", activities=[str(held.pk)]
        ),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["activities"] == [
        "“Piknik” (2026-05-06) was not held within the project's period (2026-06-01 – 2027-12-31)."
    ]
    project_a.refresh_from_db()
    assert project_a.starts_on == date(2026, 1, 1)


def test_a_stale_edit_shows_what_was_saved_meanwhile(client, operator_a, centre_a, project_a):
    Project.objects.filter(pk=project_a.pk).update(title="Zmienione przez kolegę", version=2)
    client.force_login(operator_a)

    response = client.post(
        f"/workspace/centres/{centre_a.slug}/projects/{project_a.pk}/edit/",
        project_data(**_as_posted(project_a), version="1"),
    )

    assert response.status_code == 200
    assert [e.code for e in response.context["form"].non_field_errors().as_data()] == ["conflict"]
    assert {d["saved"] for d in response.context["conflict"]["differences"]} == {"Zmienione przez kolegę"}
    project_a.refresh_from_db()
    assert project_a.title == "Zmienione przez kolegę"


def test_deleting_asks_first_then_deletes(client, operator_a, centre_a, project_a, indicator_a):
    client.force_login(operator_a)
    path = f"/workspace/centres/{centre_a.slug}/projects/{project_a.pk}/delete/"

    confirmation = client.get(path)
    response = client.post(path, {"version": "1"})

    assert "Delete project: Szczepin od podwórka" in confirmation.content.decode()
    assert response.status_code == 302
    assert response["Location"] == f"/workspace/centres/{centre_a.slug}/projects/"
    assert Project.objects.count() == 0
    assert ProjectIndicator.objects.count() == 0


def test_deleting_from_a_stale_page_deletes_nothing(client, operator_a, centre_a, project_a):
    Project.objects.filter(pk=project_a.pk).update(version=3)
    client.force_login(operator_a)

    response = client.post(
        f"/workspace/centres/{centre_a.slug}/projects/{project_a.pk}/delete/", {"version": "1"}
    )

    assert response.status_code == 200
    assert Project.objects.filter(pk=project_a.pk).exists()
    assert response.context["form"].data["version"] == "3"


# --- The project's page and its indicators ------------------------------------------------------


def test_the_project_page_shows_indicators_with_target_achieved_and_share(
    client, operator_a, centre_a, project_a
):
    held = [
        factories.ActivityFactory(centre=centre_a, start=local(date(2026, 5, day)), in_public_space=True)
        for day in (5, 12, 19)
    ]
    project_a.activities.add(*held)
    ProjectIndicatorFactory(
        project=project_a,
        name="W przestrzeni publicznej",
        measure=IndicatorMeasure.PUBLIC_SPACE,
        target=Decimal(12),
    )
    ProjectIndicatorFactory(
        project=project_a,
        name="Osoby gotowe działać",
        measure=IndicatorMeasure.MANUAL,
        target=Decimal(40),
        value_entered=Decimal(10),
        how_measured="Ankieta po wydarzeniach.",
        unit="osób",
    )
    client.force_login(operator_a)

    response = client.get(f"/workspace/centres/{centre_a.slug}/projects/{project_a.pk}/")

    content = response.content.decode()
    assert [(i.name, i.achieved, i.achieved_percent) for i in response.context["indicators"]] == [
        ("W przestrzeni publicznej", Decimal(3), Decimal("25.0")),
        ("Osoby gotowe działać", Decimal(10), Decimal("25.0")),
    ]
    assert "Ankieta po wydarzeniach." in content
    assert "Notatka dla zespołu." in content  # the internal description: the team sees it here
    assert len(response.context["activities"]) == 3


def test_operator_adds_edits_and_deletes_an_indicator(client, operator_a, centre_a, project_a):
    client.force_login(operator_a)
    base = f"/workspace/centres/{centre_a.slug}/projects/{project_a.pk}/indicators/"
    detail = f"/workspace/centres/{centre_a.slug}/projects/{project_a.pk}/"

    created = client.post(
        f"{base}new/",
        {
            "name": "Uczestnicy",
            "measure": "uczestnicy",
            "target": "200",
            "value_entered": "",
            "how_measured": "",
            "unit": "osób",
        },
    )
    indicator = ProjectIndicator.objects.get()
    edited = client.post(
        f"{base}{indicator.pk}/",
        {
            "version": "1",
            "name": "Uczestnicy",
            "measure": "uczestnicy",
            "target": "250",
            "value_entered": "",
            "how_measured": "",
            "unit": "osób",
        },
    )
    deleted = client.post(f"{base}{indicator.pk}/delete/", {"version": "2"})

    assert [created["Location"], edited["Location"], deleted["Location"]] == [detail] * 3
    assert ProjectIndicator.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"target": ""}, "target", "This field is required."),
        ({"target": "0"}, "target", "The target must be greater than zero."),
        ({"target": "-3"}, "target", "The target must be greater than zero."),
        (
            {"value_entered": "5"},
            "value_entered",
            "The value of this indicator is computed from the linked activities: leave it empty.",
        ),
        (
            {"measure": "reczny", "value_entered": "5", "how_measured": ""},
            "how_measured",
            "Say how the value entered by hand is measured.",
        ),
    ],
)
def test_indicator_bad_input_is_refused_on_its_field(
    client, operator_a, centre_a, project_a, data, field, message
):
    client.force_login(operator_a)
    posted = {
        "name": "Uczestnicy",
        "measure": "uczestnicy",
        "target": "200",
        "value_entered": "",
        "how_measured": "",
        "unit": "",
    }
    posted.update(data)

    response = client.post(
        f"/workspace/centres/{centre_a.slug}/projects/{project_a.pk}/indicators/new/", posted
    )

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert ProjectIndicator.objects.count() == 0


# --- The public page ------------------------------------------------------------------------------


def test_the_public_page_shows_running_projects_with_public_fields_only(
    client, centre_a, project_a, indicator_a
):
    partner = factories.OrganizationFactory(name="Rada Osiedla Szczepin")
    project_a.partners.add(partner)
    ProjectFactory(centre=centre_a, title="Tajny pomysł", status=ProjectStatus.IDEA)

    response = client.get(f"/centres/{centre_a.slug}/")

    content = response.content.decode()
    assert [p.title for p in response.context["projects"]] == ["Szczepin od podwórka"]
    assert '<h2 id="projects-title">Projects</h2>' in content
    assert "Mieszkańcy razem zmieniają podwórko." in content
    assert "Foundation: Fundacja Testowa" in content
    assert "Rada Osiedla Szczepin" in content
    assert "Jan. 1, 2026 – Dec. 31, 2027" in content
    # never the amounts, the internal description or the indicators
    for hidden in (
        "240",
        "Notatka dla zespołu.",
        "Osoby gotowe działać",
        "Ankieta po wydarzeniach.",
        "Tajny pomysł",
    ):
        assert hidden not in content, hidden


def test_the_public_page_has_no_projects_section_without_running_projects(client, centre_a):
    ProjectFactory(centre=centre_a, status=ProjectStatus.CLOSED)

    response = client.get(f"/centres/{centre_a.slug}/")

    assert 'id="projects-title"' not in response.content.decode()


# --- Query counts ----------------------------------------------------------------------------------


def _count(client, user, path):
    client.force_login(_fresh(user))
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _projects(centre, count):
    partners = [factories.OrganizationFactory() for _ in range(2)]
    projects = []
    for n in range(count):
        activity = factories.ActivityFactory(centre=centre)
        projects.append(ProjectFactory(centre=centre, partners=partners[: n % 2 + 1], activities=[activity]))
        ProjectIndicatorFactory(project=projects[-1])
    return projects


def test_the_list_and_the_public_page_query_counts_do_not_grow_with_projects(client, operator_a, centre_a):
    _projects(centre_a, 2)
    list_path = f"/workspace/centres/{centre_a.slug}/projects/"
    public_path = f"/centres/{centre_a.slug}/"
    with_2 = (_count(client, operator_a, list_path), _count(client, operator_a, public_path))

    _projects(centre_a, 18)

    assert (_count(client, operator_a, list_path), _count(client, operator_a, public_path)) == with_2


def test_the_project_page_query_count_does_not_grow_with_indicators_or_activities(
    client, operator_a, centre_a, project_a
):
    def add(count):
        for n in range(count):
            project_a.activities.add(
                factories.ActivityFactory(centre=centre_a, start=local(date(2026, 3, 1) + timedelta(days=n)))
            )
            ProjectIndicatorFactory(project=project_a, measure=list(IndicatorMeasure)[n % 5])
            project_a.partners.add(factories.OrganizationFactory())

    path = f"/workspace/centres/{centre_a.slug}/projects/{project_a.pk}/"
    edit_path = f"{path}edit/"
    add(2)
    with_2 = (_count(client, operator_a, path), _count(client, operator_a, edit_path))

    add(18)

    assert (_count(client, operator_a, path), _count(client, operator_a, edit_path)) == with_2
