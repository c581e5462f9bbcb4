"""The admin of partnerships: city staff only; saving goes through the services."""

import re

import pytest

from partnerships.models import Partnership, PartnershipMember, Phase
from tests import factories
from tests.partnerships.factories import (
    PartnershipFactory,
    PartnershipMeetingFactory,
    PartnershipMemberFactory,
    PriorityFactory,
    days_ago,
)

pytestmark = pytest.mark.django_db

INLINES = ("osiedle_links", "members", "meetings", "priorities", "phase_changes")


@pytest.fixture
def staff_client(client, city_staff, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(city_staff)
    return client


def _management(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_city_staff_open_the_list_the_add_and_the_change_page(staff_client, centre_a):
    partnership = PartnershipFactory(lead_centre=centre_a)
    PartnershipMemberFactory(partnership=partnership)
    PartnershipMeetingFactory(partnership=partnership)
    PriorityFactory(partnership=partnership)

    pages = [
        staff_client.get("/admin/partnerships/partnership/"),
        staff_client.get("/admin/partnerships/partnership/add/"),
        staff_client.get(f"/admin/partnerships/partnership/{partnership.pk}/change/"),
    ]

    assert [page.status_code for page in pages] == [200, 200, 200]
    change = pages[2].content.decode()
    # The phase is shown, not edited: it moves with a logged phase change.
    assert 'name="phase"' not in change
    assert 'name="phase_changes-0-note"' not in change


@pytest.mark.parametrize("fixture", ["operator_a", "animator"])
def test_others_are_sent_to_the_admin_login(request, client, fixture):
    client.force_login(request.getfixturevalue(fixture))

    response = client.get("/admin/partnerships/partnership/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_adding_a_partnership_in_the_admin_starts_its_phase_log(staff_client, centre_a, city_staff):
    data = {
        "name": "Partnerstwo z urzędu",
        "lead_centre": centre_a.pk,
        "mode": "prowadzi",
        "phase": "normowanie",
        "founded_on": days_ago(30).isoformat(),
        "goals": "",
        "agreement_status": "brak",
        **_management("osiedle_links", total=1),
        "osiedle_links-0-osiedle": centre_a.primary_osiedle_id,
        **_management("members"),
        **_management("meetings"),
        **_management("priorities"),
        **_management("phase_changes"),
    }

    response = staff_client.post("/admin/partnerships/partnership/add/", data)

    assert response.status_code == 302, re.findall(
        r'class="errorlist[^"]*">(.*?)</ul>', response.content.decode()
    )
    partnership = Partnership.objects.get()
    assert (partnership.phase, list(partnership.osiedla.all())) == (Phase.NORMING, [centre_a.primary_osiedle])
    assert list(partnership.phase_changes.values_list("from_phase", "to_phase", "by")) == [
        ("", Phase.NORMING, city_staff.pk)
    ]


def test_an_organisation_twice_at_once_is_a_form_error_in_the_admin(staff_client, centre_a):
    partnership = PartnershipFactory(lead_centre=centre_a, founded_on=days_ago(100))
    school = factories.OrganizationFactory()
    data = {
        "name": partnership.name,
        "lead_centre": centre_a.pk,
        "mode": "prowadzi",
        "founded_on": partnership.founded_on.isoformat(),
        "goals": "",
        "agreement_status": "brak",
        **_management("osiedle_links", total=1, initial=1),
        "osiedle_links-0-id": partnership.osiedle_links.get().pk,
        "osiedle_links-0-partnership": partnership.pk,
        "osiedle_links-0-osiedle": centre_a.primary_osiedle_id,
        **_management("members", total=2),
        "members-0-organization": school.pk,
        "members-0-role": "czlonek",
        "members-0-joined": days_ago(50).isoformat(),
        "members-1-organization": school.pk,
        "members-1-role": "czlonek",
        "members-1-joined": days_ago(10).isoformat(),
        **_management("meetings"),
        **_management("priorities"),
        **_management("phase_changes", total=1, initial=1),
        "phase_changes-0-id": partnership.phase_changes.get().pk,
        "phase_changes-0-partnership": partnership.pk,
    }

    response = staff_client.post(f"/admin/partnerships/partnership/{partnership.pk}/change/", data)

    assert response.status_code == 200
    assert (
        "This organisation is already a member of the partnership in that period."
        in response.content.decode()
    )
    assert PartnershipMember.objects.count() == 0
