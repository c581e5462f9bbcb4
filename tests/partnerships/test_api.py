"""The partnerships API: reading by role, writes through the services (400 with field
errors, 409 on a stale version), the coverage statistics, flat query counts."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from centres.models import Organization, OrganizationKind
from partnerships.models import Partnership, PartnershipMeeting, PartnershipMember, Phase
from tests import factories
from tests.partnerships.factories import (
    PartnershipFactory,
    PartnershipMeetingFactory,
    PartnershipMemberFactory,
    PriorityFactory,
    days_ago,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_by_default(api_client):
    api_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def _count_queries(client, path, user):
    client.force_authenticate(get_user_model().objects.get(pk=user.pk))
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _full_partnership(centre, **kwargs):
    partnership = PartnershipFactory(lead_centre=centre, founded_on=days_ago(300), **kwargs)
    members = [PartnershipMemberFactory(partnership=partnership) for _ in range(2)]
    PartnershipMeetingFactory(partnership=partnership, attendees=[m.organization for m in members])
    PriorityFactory(partnership=partnership)
    return partnership


# --- reading ------------------------------------------------------------------------------------


def test_an_operator_lists_their_centres_partnerships(api_client, operator_a, centre_a, centre_b):
    mine = _full_partnership(centre_a, name="Razem dla Szczepina", phase=Phase.NORMING)
    _full_partnership(centre_b, name="Gajowice razem")
    api_client.force_authenticate(operator_a)

    response = api_client.get("/api/v1/partnerships/")

    assert response.status_code == 200
    assert response.json()["count"] == 1
    (item,) = response.json()["results"]
    assert item == {
        "id": mine.pk,
        "name": "Razem dla Szczepina",
        "centre": "cal-szczepin",
        "centre_name": "CAL Szczepin",
        "mode": "prowadzi",
        "leader": None,
        "leader_name": None,
        "osiedla": [centre_a.primary_osiedle.slug],
        "phase": "normowanie",
        "founded_on": days_ago(300).isoformat(),
        "goals": "Wspólne działania na rzecz sąsiadów.",
        "voluntariness": False,
        "equality": False,
        "openness": False,
        "locality": False,
        "agreement_status": "brak",
        "agreement_date": None,
        "current_member_count": 2,
        "last_met_on": days_ago(10).isoformat(),
        "version": 1,
    }


def test_filters_by_centre_osiedle_phase_and_mode(api_client, animator, centre_a, centre_b):
    other = factories.OsiedleFactory(name="Osiedle Filtrowane", slug="osiedle-filtrowane")
    PartnershipFactory(name="A", lead_centre=centre_a, phase=Phase.NORMING)
    PartnershipFactory(name="B", lead_centre=centre_b, osiedla=[other], mode="dolacza")
    api_client.force_authenticate(animator)

    def names(query):
        return [item["name"] for item in api_client.get(f"/api/v1/partnerships/?{query}").json()["results"]]

    assert names("centre=cal-szczepin") == ["A"]
    assert names("osiedle=osiedle-filtrowane") == ["B"]
    assert names("phase=normowanie") == ["A"]
    assert names("mode=dolacza") == ["B"]
    assert api_client.get("/api/v1/partnerships/?phase=nonsense").status_code == 400


def test_the_detail_has_members_phase_log_and_priorities(api_client, operator_a, centre_a):
    partnership = _full_partnership(centre_a)
    api_client.force_authenticate(operator_a)

    data = api_client.get(f"/api/v1/partnerships/{partnership.pk}/").json()

    assert [m["current"] for m in data["members"]] == [True, True]
    assert data["phase_changes"] == [
        {
            "id": partnership.phase_changes.get().pk,
            "from_phase": "",
            "to_phase": "formowanie",
            "date": days_ago(300).isoformat(),
            "note": "",
        }
    ]
    assert len(data["priorities"]) == 1


def test_lists_take_as_many_queries_for_20_partnerships_as_for_2(api_client, city_staff, centre_a):
    paths = [
        "/api/v1/partnerships/",
        "/api/v1/partnership-members/",
        "/api/v1/partnership-meetings/",
        "/api/v1/stats/partnership-coverage/",
    ]
    for _ in range(2):
        _full_partnership(centre_a)
    at_two = [_count_queries(api_client, path, city_staff) for path in paths]

    for _ in range(18):
        _full_partnership(centre_a)

    assert [_count_queries(api_client, path, city_staff) for path in paths] == at_two


# --- writing ------------------------------------------------------------------------------------


def test_an_operator_creates_a_partnership_for_their_centre(api_client, operator_a, centre_a):
    api_client.force_authenticate(operator_a)

    response = api_client.post(
        "/api/v1/partnerships/",
        {
            "centre": "cal-szczepin",
            "name": "Razem dla Szczepina",
            "mode": "prowadzi",
            "osiedla": [centre_a.primary_osiedle.slug],
            "founded_on": days_ago(5).isoformat(),
            "locality": True,
        },
        format="json",
    )

    assert response.status_code == 201
    partnership = Partnership.objects.get()
    assert (response.json()["id"], response.json()["phase"], response.json()["locality"]) == (
        partnership.pk,
        "formowanie",
        True,
    )


def test_creating_for_another_centre_or_with_bad_input_is_a_400_with_fields(
    api_client, operator_a, centre_a, centre_b
):
    api_client.force_authenticate(operator_a)

    response = api_client.post(
        "/api/v1/partnerships/",
        {"centre": "cal-gajowice", "name": "", "osiedla": [], "founded_on": "2020-13-01"},
        format="json",
    )

    assert response.status_code == 400
    assert sorted(response.json()) == ["centre", "founded_on", "name"]
    assert Partnership.objects.count() == 0


def test_a_service_rule_is_a_400_on_its_field(api_client, operator_a, centre_a):
    api_client.force_authenticate(operator_a)

    response = api_client.post(
        "/api/v1/partnerships/",
        {
            "centre": "cal-szczepin",
            "name": "Bez osiedli",
            "osiedla": [],
            "founded_on": days_ago(5).isoformat(),
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"osiedla": ["Choose at least one osiedle the partnership works in."]}


def test_patch_with_the_version_read_and_a_stale_one(api_client, operator_a, centre_a):
    partnership = PartnershipFactory(lead_centre=centre_a)
    api_client.force_authenticate(operator_a)
    path = f"/api/v1/partnerships/{partnership.pk}/"

    ok = api_client.patch(path, {"version": 1, "goals": "Nowe cele", "equality": True}, format="json")
    stale = api_client.patch(path, {"version": 1, "goals": "Spóźnione"}, format="json")
    no_version = api_client.patch(path, {"goals": "Bez wersji"}, format="json")

    assert ok.status_code == 200
    assert (ok.json()["goals"], ok.json()["equality"], ok.json()["version"]) == ("Nowe cele", True, 2)
    assert stale.status_code == 409
    assert no_version.status_code == 400
    assert list(no_version.json()) == ["version"]
    assert Partnership.objects.get(pk=partnership.pk).goals == "Nowe cele"


def test_put_is_not_offered(api_client, operator_a, centre_a):
    partnership = PartnershipFactory(lead_centre=centre_a)
    api_client.force_authenticate(operator_a)

    assert api_client.put(f"/api/v1/partnerships/{partnership.pk}/", {}, format="json").status_code == 405


def test_phase_moves_through_the_api(api_client, operator_a, centre_a):
    partnership = PartnershipFactory(lead_centre=centre_a, phase=Phase.NORMING)
    api_client.force_authenticate(operator_a)
    path = f"/api/v1/partnerships/{partnership.pk}/phase-moves/"

    refused = api_client.post(path, {"version": 1, "to_phase": "docieranie-sie"}, format="json")
    moved = api_client.post(
        path, {"version": 1, "to_phase": "wspoldzialanie", "note": "Działamy"}, format="json"
    )

    assert refused.status_code == 400
    assert refused.json() == {
        "note": ["The partnership never reached the phase “storming”: say in a note why it moves back to it."]
    }
    assert moved.status_code == 201
    assert {k: moved.json()[k] for k in ("from_phase", "to_phase", "date", "note")} == {
        "from_phase": "normowanie",
        "to_phase": "wspoldzialanie",
        "date": timezone.localdate().isoformat(),
        "note": "Działamy",
    }


def test_members_join_and_leave_through_the_api(api_client, operator_a, centre_a):
    partnership = PartnershipFactory(lead_centre=centre_a, founded_on=days_ago(100))
    school = factories.OrganizationFactory(name="SP 7", kind=OrganizationKind.SCHOOL)
    api_client.force_authenticate(operator_a)

    joined = api_client.post(
        "/api/v1/partnership-members/",
        {"partnership": partnership.pk, "organization": school.pk, "joined": days_ago(30).isoformat()},
        format="json",
    )
    twice = api_client.post(
        "/api/v1/partnership-members/",
        {"partnership": partnership.pk, "organization": school.pk, "joined": days_ago(3).isoformat()},
        format="json",
    )
    spot = api_client.post(
        "/api/v1/partnership-members/",
        {
            "partnership": partnership.pk,
            "new_organization_name": "Klub Seniora",
            "new_organization_kind": "grupa-nieformalna",
            "joined": days_ago(3).isoformat(),
        },
        format="json",
    )
    member_id = joined.json()["id"]
    early = api_client.post(
        f"/api/v1/partnership-members/{member_id}/leave/", {"left": days_ago(31).isoformat()}, format="json"
    )
    left = api_client.post(
        f"/api/v1/partnership-members/{member_id}/leave/", {"left": days_ago(1).isoformat()}, format="json"
    )

    assert joined.status_code == 201
    assert {k: joined.json()[k] for k in ("organization_name", "organization_kind", "role", "current")} == {
        "organization_name": "SP 7",
        "organization_kind": "szkola",
        "role": "czlonek",
        "current": True,
    }
    assert twice.status_code == 400
    assert list(twice.json()) == ["organization"]
    assert spot.status_code == 201
    assert Organization.objects.get(name="Klub Seniora").kind == "grupa-nieformalna"
    assert early.status_code == 400
    assert list(early.json()) == ["left"]
    assert (left.status_code, left.json()["left"], left.json()["current"]) == (
        200,
        days_ago(1).isoformat(),
        False,
    )


def test_writes_to_another_centres_partnership_are_refused(api_client, operator_b, centre_a, centre_b):
    partnership = PartnershipFactory(lead_centre=centre_a)
    member = PartnershipMemberFactory(partnership=partnership)
    api_client.force_authenticate(operator_b)

    add = api_client.post(
        "/api/v1/partnership-members/",
        {
            "partnership": partnership.pk,
            "organization": factories.OrganizationFactory().pk,
            "joined": "2026-01-01",
        },
        format="json",
    )
    leave = api_client.post(
        f"/api/v1/partnership-members/{member.pk}/leave/", {"left": "2026-01-01"}, format="json"
    )
    meeting = api_client.post(
        "/api/v1/partnership-meetings/",
        {"partnership": partnership.pk, "date": "2026-01-01", "agenda": "X"},
        format="json",
    )

    assert add.status_code == 400
    assert list(add.json()) == ["partnership"]
    assert leave.status_code == 404
    assert meeting.status_code == 400
    assert list(meeting.json()) == ["partnership"]
    assert PartnershipMember.objects.count() == 1


def test_meetings_are_recorded_and_corrected_through_the_api(api_client, operator_a, centre_a):
    partnership = PartnershipFactory(lead_centre=centre_a, founded_on=days_ago(100))
    school = PartnershipMemberFactory(partnership=partnership).organization
    api_client.force_authenticate(operator_a)

    before = api_client.post(
        "/api/v1/partnership-meetings/",
        {"partnership": partnership.pk, "date": days_ago(101).isoformat(), "agenda": "Festyn"},
        format="json",
    )
    created = api_client.post(
        "/api/v1/partnership-meetings/",
        {
            "partnership": partnership.pk,
            "date": days_ago(5).isoformat(),
            "agenda": "Festyn",
            "attendees": [school.pk],
        },
        format="json",
    )
    path = f"/api/v1/partnership-meetings/{created.json()['id']}/"
    patched = api_client.patch(path, {"version": 1, "decisions": "Czerwiec"}, format="json")
    stale = api_client.patch(path, {"version": 1, "decisions": "Lipiec"}, format="json")

    assert before.status_code == 400
    assert list(before.json()) == ["date"]
    assert created.status_code == 201
    assert created.json()["attendees"] == [{"id": school.pk, "name": school.name}]
    assert (patched.status_code, patched.json()["decisions"], patched.json()["version"]) == (
        200,
        "Czerwiec",
        2,
    )
    assert stale.status_code == 409
    assert PartnershipMeeting.objects.get().decisions == "Czerwiec"


# --- coverage -------------------------------------------------------------------------------------


def test_coverage_statistics_for_the_network_dashboard(api_client, animator):
    osiedle = factories.OsiedleFactory(name="Pokrycie API", slug="pokrycie-api")
    partnership = PartnershipFactory(name="Razem", osiedla=[osiedle])
    for kind in (OrganizationKind.COUNCIL, OrganizationKind.POLICE, OrganizationKind.INFORMAL):
        PartnershipMemberFactory(
            partnership=partnership, organization=factories.OrganizationFactory(kind=kind)
        )
    api_client.force_authenticate(animator)

    response = api_client.get("/api/v1/stats/partnership-coverage/?osiedle=pokrycie-api")

    assert response.status_code == 200
    assert response.json() == [
        {
            "osiedle": {"slug": "pokrycie-api", "name": "Pokrycie API", "district": "krzyki"},
            "partnerships": [{"id": partnership.pk, "name": "Razem", "centre": partnership.lead_centre.slug}],
            "present_kinds": ["rada-osiedla", "policja", "grupa-nieformalna"],
            "missing_kinds": [
                "ngo",
                "mops",
                "szkola",
                "biblioteka",
                "kultura",
                "biznes",
                "parafia",
                "wspolnota",
            ],
        }
    ]


def test_coverage_by_district_and_a_bad_filter(api_client, city_staff):
    api_client.force_authenticate(city_staff)

    response = api_client.get("/api/v1/stats/partnership-coverage/?district=psie-pole")
    bad = api_client.get("/api/v1/stats/partnership-coverage/?district=atlantyda")

    assert response.status_code == 200
    assert {item["osiedle"]["district"] for item in response.json()} == {"psie-pole"}
    assert len(response.json()) == 12  # the osiedla of the former Psie Pole district
    assert bad.status_code == 400
    assert list(bad.json()) == ["district"]
