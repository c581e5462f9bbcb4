"""The admin of projects and indicators: city staff only; saves go through the services
(validation, optimistic locking, audit)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from centres.models import IndicatorMeasure, Project, ProjectEvent, ProjectIndicator
from tests import factories
from tests.centres.project_factories import ProjectFactory, ProjectIndicatorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, city_staff, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(city_staff)
    return client


def admin_data(centre, **changes):
    data = {
        "centre": str(centre.pk),
        "title": "Zielone podwórko",
        "summary": "",
        "description": "",
        "status": "w-realizacji",
        "decision_date": "",
        "funder_kind": "fundacja",
        "funder_name": "Działaj Lokalnie",
        "funder_period_start": "",
        "funder_period_end": "",
        "starts_on": "2026-03-01",
        "ends_on": "2026-10-31",
        "amount": "6000",
        "own_contribution": "0",
        "indicators-TOTAL_FORMS": "0",
        "indicators-INITIAL_FORMS": "0",
        "indicators-MIN_NUM_FORMS": "0",
        "indicators-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("path", ["/admin/centres/project/", "/admin/centres/projectindicator/"])
@pytest.mark.parametrize("who", ["operator_a", "animator", "team_member"])
def test_only_city_staff_enter(request, client, who, path):
    client.force_login(request.getfixturevalue(who))

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_city_staff_see_the_pages_with_the_achieved_values(staff_client, centre_a):
    project = ProjectFactory(centre=centre_a, activities=[factories.ActivityFactory(centre=centre_a)])
    indicator = ProjectIndicatorFactory(
        project=project, measure=IndicatorMeasure.ACTIVITIES, target=Decimal(4)
    )

    pages = [
        staff_client.get("/admin/centres/project/"),
        staff_client.get(f"/admin/centres/project/{project.pk}/change/"),
        staff_client.get("/admin/centres/projectindicator/"),
        staff_client.get(f"/admin/centres/projectindicator/{indicator.pk}/change/"),
    ]

    assert [page.status_code for page in pages] == [200, 200, 200, 200]
    assert [row.achieved for row in pages[2].context["cl"].result_list] == [Decimal(1)]
    assert f'name="read_version" value="{project.version}"' in pages[1].content.decode()


def test_adding_a_project_goes_through_the_service(staff_client, city_staff, centre_a):
    partner = factories.OrganizationFactory()

    response = staff_client.post(
        "/admin/centres/project/add/", admin_data(centre_a, partner_organizations=[str(partner.pk)])
    )

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    project = Project.objects.get()
    assert list(project.partners.all()) == [partner]
    [event] = ProjectEvent.objects.filter(pgh_obj_id=project.pk)
    context = event.pgh_context.metadata
    assert (context["user"], context["action"]) == (city_staff.pk, "project.create")


def test_a_rule_refused_by_the_service_is_shown_and_nothing_saved(staff_client, centre_a):
    response = staff_client.post(
        "/admin/centres/project/add/", admin_data(centre_a, status="wniosek", decision_date="")
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["decision_date"] == [
        "An application needs the date of the funder's decision."
    ]
    assert Project.objects.count() == 0


def test_a_change_from_a_stale_read_is_refused(staff_client, centre_a):
    project = ProjectFactory(centre=centre_a, starts_on=date(2026, 3, 1), ends_on=date(2026, 10, 31))
    Project.objects.filter(pk=project.pk).update(version=2)

    response = staff_client.post(
        f"/admin/centres/project/{project.pk}/change/",
        admin_data(centre_a, read_version="1", title="Nadpisane"),
    )

    assert response.status_code == 200
    assert Project.objects.get().title == project.title


def test_adding_an_indicator_goes_through_the_service(staff_client, city_staff, centre_a):
    project = ProjectFactory(centre=centre_a)

    response = staff_client.post(
        "/admin/centres/projectindicator/add/",
        {
            "project": str(project.pk),
            "name": "Ankieta",
            "measure": "reczny",
            "target": "10",
            "unit": "",
            "value_entered": "4",
            "how_measured": "Ankieta po wydarzeniu.",
        },
    )

    assert response.status_code == 302
    indicator = ProjectIndicator.objects.get()
    assert (indicator.value_entered, indicator.version) == (Decimal(4), 1)
