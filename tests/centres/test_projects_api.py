"""The API of projects and their indicators: /api/v1/projects/ and /api/v1/project-indicators/."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from centres.models import IndicatorMeasure, Project, ProjectIndicator, ProjectStatus
from tests import factories
from tests.centres.project_factories import ProjectFactory, ProjectIndicatorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(api_client):
    api_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def _login(client, user):
    client.force_authenticate(type(user).objects.get(pk=user.pk))


def local(day: date, hour: int = 17) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def new_project(centre, **changes):
    data = {
        "centre": centre.slug,
        "title": "Zielone podwórko",
        "summary": "Ogród sąsiedzki.",
        "funder_kind": "fundacja",
        "funder_name": "Działaj Lokalnie",
        "funder_period_start": "2026-01-01",
        "funder_period_end": "2026-12-31",
        "starts_on": "2026-03-01",
        "ends_on": "2026-10-31",
        "amount": "6000.00",
        "own_contribution": "600.00",
        "status": "w-realizacji",
    }
    data.update(changes)
    return data


@pytest.fixture
def project_a(centre_a):
    return ProjectFactory(
        centre=centre_a, title="Szczepin od podwórka", starts_on=date(2026, 1, 1), ends_on=date(2027, 12, 31)
    )


# --- Reading ----------------------------------------------------------------------------------


def test_anonymous_gets_a_401(api_client, project_a):
    assert api_client.get("/api/v1/projects/").status_code == 401
    assert api_client.get(f"/api/v1/projects/{project_a.pk}/").status_code == 401
    assert api_client.get("/api/v1/project-indicators/").status_code == 401
    assert (
        api_client.post("/api/v1/projects/", new_project(project_a.centre), format="json").status_code == 401
    )


@pytest.mark.parametrize(
    ("who", "sees_b"),
    [("operator_a", False), ("animator", True), ("team_member", True), ("city_staff", True)],
)
def test_the_list_follows_access(request, api_client, who, sees_b, project_a, centre_b):
    theirs = ProjectFactory(centre=centre_b)
    _login(api_client, request.getfixturevalue(who))

    ids = [row["id"] for row in api_client.get("/api/v1/projects/").json()["results"]]

    assert sorted(ids) == sorted([project_a.pk, theirs.pk] if sees_b else [project_a.pk])


def test_another_operators_project_is_a_404(api_client, operator_b, project_a):
    indicator = ProjectIndicatorFactory(project=project_a)
    _login(api_client, operator_b)

    assert api_client.get(f"/api/v1/projects/{project_a.pk}/").status_code == 404
    assert (
        api_client.patch(
            f"/api/v1/projects/{project_a.pk}/", {"version": 1, "title": "X"}, format="json"
        ).status_code
        == 404
    )
    assert api_client.delete(f"/api/v1/projects/{project_a.pk}/?version=1").status_code == 404
    assert api_client.get(f"/api/v1/project-indicators/{indicator.pk}/").status_code == 404
    assert api_client.delete(f"/api/v1/project-indicators/{indicator.pk}/?version=1").status_code == 404
    assert Project.objects.filter(pk=project_a.pk, title="Szczepin od podwórka").exists()


def test_a_project_with_its_partners_activities_and_indicators(api_client, operator_a, centre_a, project_a):
    partner = factories.OrganizationFactory(name="Rada Osiedla")
    held = [
        factories.ActivityFactory(
            centre=centre_a, start=local(date(2026, 5, day)), participants_26_59=n, participants_0_12=0
        )
        for day, n in ((5, 10), (12, 7))
    ]
    project_a.partners.add(partner)
    project_a.activities.add(*held)
    computed = ProjectIndicatorFactory(
        project=project_a, name="Uczestnicy", measure=IndicatorMeasure.PARTICIPANTS, target=Decimal(34)
    )
    manual = ProjectIndicatorFactory(
        project=project_a,
        name="Ankieta",
        measure=IndicatorMeasure.MANUAL,
        target=Decimal(8),
        value_entered=Decimal(2),
        how_measured="Ankieta.",
    )
    _login(api_client, operator_a)

    body = api_client.get(f"/api/v1/projects/{project_a.pk}/").json()

    assert body["centre"] == "cal-szczepin"
    assert body["status"] == "w-realizacji"
    assert body["partners"] == [{"id": partner.pk, "name": "Rada Osiedla", "kind": "ngo"}]
    assert sorted(body["activities"]) == sorted(a.pk for a in held)
    assert [
        (i["id"], i["measure"], i["achieved"], i["achieved_percent"], i["is_computed"])
        for i in body["indicators"]
    ] == [
        (computed.pk, "uczestnicy", "17.00", "50.0", True),
        (manual.pk, "reczny", "2.00", "25.0", False),
    ]


def test_the_list_filters_by_centre_status_and_funder_kind(api_client, city_staff, centre_a, centre_b):
    eu = ProjectFactory(centre=centre_a, funder_kind="fundusze-ue", status=ProjectStatus.RUNNING)
    ProjectFactory(centre=centre_a, funder_kind="fundacja", status=ProjectStatus.IDEA)
    theirs = ProjectFactory(centre=centre_b, funder_kind="fundusze-ue", status=ProjectStatus.RUNNING)
    _login(api_client, city_staff)

    def ids(query):
        return sorted(row["id"] for row in api_client.get(f"/api/v1/projects/?{query}").json()["results"])

    assert ids("funder_kind=fundusze-ue") == sorted([eu.pk, theirs.pk])
    assert ids("centre=cal-szczepin&status=w-realizacji") == [eu.pk]
    assert api_client.get("/api/v1/projects/?status=maybe").status_code == 400


# --- Writing ----------------------------------------------------------------------------------


def test_operator_creates_a_project(api_client, operator_a, centre_a):
    partner = factories.OrganizationFactory()
    held = factories.ActivityFactory(centre=centre_a, start=local(date(2026, 4, 2)))
    _login(api_client, operator_a)

    response = api_client.post(
        "/api/v1/projects/", new_project(centre_a, partners=[partner.pk], activities=[held.pk]), format="json"
    )

    assert response.status_code == 201, response.content
    body = response.json()
    project = Project.objects.get()
    assert (body["id"], body["version"], body["amount"], body["indicators"]) == (project.pk, 1, "6000.00", [])
    assert body["activities"] == [held.pk]
    assert [p["id"] for p in body["partners"]] == [partner.pk]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"ends_on": "2026-02-01"}, {"ends_on": ["The project cannot end before it starts."]}),
        (
            {"starts_on": "2025-12-01"},
            {"starts_on": ["The project cannot start before the funder's period (from 2026-01-01)."]},
        ),
        ({"amount": "-1"}, {"amount": ["Ensure this value is greater than or equal to 0."]}),
        (
            {"own_contribution": "-1"},
            {"own_contribution": ["Ensure this value is greater than or equal to 0."]},
        ),
        (
            {"status": "wniosek"},
            {"decision_date": ["An application needs the date of the funder's decision."]},
        ),
        ({"funder_kind": "lottery"}, {"funder_kind": ['"lottery" is not a valid choice.']}),
        ({"centre": "cal-gajowice"}, {"centre": ["Object with slug=cal-gajowice does not exist."]}),
    ],
)
def test_bad_input_is_a_400_with_field_errors(api_client, operator_a, centre_a, centre_b, changes, expected):
    _login(api_client, operator_a)

    response = api_client.post("/api/v1/projects/", {**new_project(centre_a), **changes}, format="json")

    assert response.status_code == 400
    assert response.json() == expected
    assert Project.objects.count() == 0


def test_activities_of_another_centre_are_not_found(api_client, operator_a, centre_a, centre_b):
    theirs = factories.ActivityFactory(centre=centre_b, start=local(date(2026, 4, 2)))
    outside = factories.ActivityFactory(centre=centre_a, start=local(date(2025, 4, 2)), title="Dawno")
    _login(api_client, operator_a)

    foreign = api_client.post(
        "/api/v1/projects/", new_project(centre_a, activities=[theirs.pk]), format="json"
    )
    late = api_client.post("/api/v1/projects/", new_project(centre_a, activities=[outside.pk]), format="json")

    assert foreign.status_code == 400
    assert foreign.json() == {"activities": [f'Invalid pk "{theirs.pk}" - object does not exist.']}
    assert late.json() == {
        "activities": [
            "“Dawno” (2025-04-02) was not held within the project's period (2026-03-01 – 2026-10-31)."
        ]
    }
    assert Project.objects.count() == 0


def test_update_with_the_version_read_and_a_stale_one_is_a_409(api_client, operator_a, project_a):
    _login(api_client, operator_a)
    path = f"/api/v1/projects/{project_a.pk}/"

    first = api_client.patch(path, {"version": 1, "title": "Nowy tytuł"}, format="json")
    stale = api_client.patch(path, {"version": 1, "title": "Inny"}, format="json")
    missing = api_client.patch(path, {"title": "Bez wersji"}, format="json")

    assert (first.status_code, first.json()["version"], first.json()["title"]) == (200, 2, "Nowy tytuł")
    assert stale.status_code == 409
    assert stale.json()["code"] == "conflict"
    assert missing.status_code == 400
    assert missing.json() == {"version": ["This field is required."]}
    project_a.refresh_from_db()
    assert (project_a.title, project_a.version) == ("Nowy tytuł", 2)


def test_delete_needs_the_version_read(api_client, operator_a, project_a):
    _login(api_client, operator_a)
    path = f"/api/v1/projects/{project_a.pk}/"

    assert api_client.delete(f"{path}?version=5").status_code == 409
    assert api_client.delete(path).status_code == 400
    assert api_client.delete(f"{path}?version=1").status_code == 204
    assert Project.objects.count() == 0


def test_animator_reads_but_may_not_write(api_client, animator, project_a, centre_a):
    _login(api_client, animator)

    created = api_client.post("/api/v1/projects/", new_project(centre_a), format="json")
    changed = api_client.patch(
        f"/api/v1/projects/{project_a.pk}/", {"version": 1, "title": "X"}, format="json"
    )

    assert created.status_code == 400
    assert created.json() == {"centre": ["Object with slug=cal-szczepin does not exist."]}
    assert changed.status_code == 403
    assert Project.objects.get().title == "Szczepin od podwórka"


# --- Indicators -----------------------------------------------------------------------------------


def test_indicators_are_created_changed_and_deleted(api_client, operator_a, project_a):
    _login(api_client, operator_a)

    created = api_client.post(
        "/api/v1/project-indicators/",
        {"project": project_a.pk, "name": "Działania", "measure": "liczba-dzialan", "target": "12"},
        format="json",
    )
    indicator_id = created.json()["id"]
    changed = api_client.patch(
        f"/api/v1/project-indicators/{indicator_id}/", {"version": 1, "target": "15"}, format="json"
    )
    stale = api_client.patch(
        f"/api/v1/project-indicators/{indicator_id}/", {"version": 1, "target": "16"}, format="json"
    )
    listed = api_client.get(f"/api/v1/project-indicators/?project={project_a.pk}")
    deleted = api_client.delete(f"/api/v1/project-indicators/{indicator_id}/?version=2")

    assert created.status_code == 201, created.content
    assert (created.json()["achieved"], created.json()["achieved_percent"]) == ("0.00", "0.0")
    assert (changed.status_code, changed.json()["target"], changed.json()["version"]) == (200, "15.00", 2)
    assert stale.status_code == 409
    assert [row["id"] for row in listed.json()["results"]] == [indicator_id]
    assert deleted.status_code == 204
    assert ProjectIndicator.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"target": None}, {"target": ["This field may not be null."]}),
        ({"target": "0"}, {"target": ["The target must be greater than zero."]}),
        (
            {"value_entered": "3"},
            {
                "value_entered": [
                    "The value of this indicator is computed from the linked activities: leave it empty."
                ]
            },
        ),
        (
            {"measure": "reczny", "value_entered": "3"},
            {"how_measured": ["Say how the value entered by hand is measured."]},
        ),
    ],
)
def test_indicator_bad_input_is_a_400(api_client, operator_a, project_a, changes, expected):
    _login(api_client, operator_a)
    data = {
        "project": project_a.pk,
        "name": "Działania",
        "measure": "liczba-dzialan",
        "target": "12",
        **changes,
    }

    response = api_client.post("/api/v1/project-indicators/", data, format="json")

    assert response.status_code == 400
    assert response.json() == expected
    assert ProjectIndicator.objects.count() == 0


def test_an_indicator_cannot_be_added_to_another_operators_project(api_client, operator_b, project_a):
    _login(api_client, operator_b)

    response = api_client.post(
        "/api/v1/project-indicators/",
        {"project": project_a.pk, "name": "X", "measure": "liczba-dzialan", "target": "1"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"project": [f'Invalid pk "{project_a.pk}" - object does not exist.']}


# --- Query counts and the schema --------------------------------------------------------------------


def _count(client, user, path):
    _login(client, user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.json()["count"]


def _projects(centres, count):
    partners = [factories.OrganizationFactory() for _ in range(2)]
    for n in range(count):
        centre = centres[n % len(centres)]
        project = ProjectFactory(
            centre=centre,
            partners=partners[: n % 2 + 1],
            activities=[factories.ActivityFactory(centre=centre)],
        )
        ProjectIndicatorFactory(
            project=project, measure=list(IndicatorMeasure)[n % 6], value_entered=None, how_measured="x"
        )


@pytest.mark.parametrize("who", ["operator_a", "animator", "city_staff"])
def test_list_query_counts_do_not_grow_with_rows(request, api_client, who, centre_a, centre_b):
    viewer = request.getfixturevalue(who)
    centres = [centre_a] if who == "operator_a" else [centre_a, centre_b]

    _projects(centres, 2)
    at_two = (
        _count(api_client, viewer, "/api/v1/projects/"),
        _count(api_client, viewer, "/api/v1/project-indicators/"),
    )
    _projects(centres, 18)
    at_twenty = (
        _count(api_client, viewer, "/api/v1/projects/"),
        _count(api_client, viewer, "/api/v1/project-indicators/"),
    )

    assert [count for _queries, count in at_two] == [2, 2]
    assert [count for _queries, count in at_twenty] == [20, 20]
    assert [queries for queries, _count in at_twenty] == [queries for queries, _count in at_two]


def test_openapi_schema_validates_with_the_projects(tmp_path, db):
    schema_file = tmp_path / "schema.yaml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(schema_file))

    schema = schema_file.read_text()
    assert "/api/v1/projects/{id}/" in schema
    assert "/api/v1/project-indicators/{id}/" in schema
    assert "ProjectStatusEnum" in schema
