"""Workspace pages of partnerships and the section of the centre's public page: what a
person sees and what their forms do."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from centres.extensions import workspace_links
from centres.models import Organization, OrganizationKind
from partnerships.models import (
    AgreementStatus,
    Partnership,
    PartnershipMeeting,
    PartnershipMember,
    Phase,
    Priority,
)
from tests import factories
from tests.partnerships.factories import (
    PartnershipFactory,
    PartnershipMeetingFactory,
    PartnershipMemberFactory,
    days_ago,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _count_queries(client, path, user):
    # A fresh user object per request, as in production: access caches groups on it.
    client.force_login(get_user_model().objects.get(pk=user.pk))
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def _url(name, partnership, **kwargs):
    return reverse(
        f"partnerships:{name}", kwargs={"slug": partnership.lead_centre.slug, "pk": partnership.pk, **kwargs}
    )


def _full_partnership(centre, members=2, meetings=2):
    partnership = PartnershipFactory(lead_centre=centre, founded_on=days_ago(300))
    organizations = []
    for i in range(members):
        member = PartnershipMemberFactory(partnership=partnership, joined=days_ago(200 - i))
        organizations.append(member.organization)
    for i in range(meetings):
        PartnershipMeetingFactory(
            partnership=partnership, date=days_ago(100 - i), attendees=organizations[:2]
        )
    return partnership


# --- the list ---------------------------------------------------------------------------------


def test_the_list_shows_each_partnership_with_its_phase_members_and_last_meeting(
    client, operator_a, centre_a
):
    active = PartnershipFactory(name="Razem dla Szczepina", lead_centre=centre_a, phase=Phase.NORMING)
    PartnershipMemberFactory(partnership=active)
    PartnershipMeetingFactory(partnership=active, date=days_ago(10))
    PartnershipFactory(name="Cisza na osiedlu", lead_centre=centre_a, founded_on=days_ago(400))
    client.force_login(operator_a)

    response = client.get(reverse("partnerships:workspace-partnerships", kwargs={"slug": centre_a.slug}))

    text = _text(response)
    assert response.status_code == 200
    assert [p.name for p, _stale in response.context["rows"]] == ["Cisza na osiedlu", "Razem dla Szczepina"]
    assert [stale for _p, stale in response.context["rows"]] == [True, False]
    assert "No meeting for 90 days" in text
    assert ">Norming</span>" in text
    assert "New partnership" in text


def test_the_list_takes_as_many_queries_for_20_partnerships_as_for_2(client, operator_a, centre_a):
    for _ in range(2):
        _full_partnership(centre_a)
    url = reverse("partnerships:workspace-partnerships", kwargs={"slug": centre_a.slug})
    at_two = _count_queries(client, url, operator_a)

    for _ in range(18):
        _full_partnership(centre_a)

    assert _count_queries(client, url, operator_a) == at_two


def test_the_partnership_page_takes_as_many_queries_for_20_members_and_meetings_as_for_2(
    client, operator_a, centre_a
):
    small = _full_partnership(centre_a, members=2, meetings=2)
    big = _full_partnership(centre_a, members=20, meetings=20)

    at_two = _count_queries(client, _url("workspace-partnership-detail", small), operator_a)

    assert _count_queries(client, _url("workspace-partnership-detail", big), operator_a) == at_two


# --- a partnership's page ------------------------------------------------------------------------


def test_the_page_shows_members_over_time_meetings_phase_log_and_coverage(client, operator_a, centre_a):
    partnership = PartnershipFactory(
        name="Razem dla Szczepina", lead_centre=centre_a, founded_on=days_ago(99), voluntariness=True
    )
    school = factories.OrganizationFactory(name="Szkoła Podstawowa nr 7", kind=OrganizationKind.SCHOOL)
    shop = factories.OrganizationFactory(name="Sklep Pod Lipą", kind=OrganizationKind.BUSINESS)
    PartnershipMemberFactory(partnership=partnership, organization=school)
    PartnershipMemberFactory(
        partnership=partnership, organization=shop, joined=days_ago(49), left=days_ago(25)
    )
    PartnershipMeetingFactory(
        partnership=partnership,
        date=days_ago(30),
        agenda="Plan festynu",
        decisions="Festyn w czerwcu",
        attendees=[school, shop],
    )
    client.force_login(operator_a)

    response = client.get(_url("workspace-partnership-detail", partnership))

    text = _text(response)
    assert response.status_code == 200
    assert "<h1>Razem dla Szczepina</h1>" in text
    # members over time: a table with dates and a bar per membership on the axis
    assert re.findall(r'class="member-bar__span[^"]*" x="([\d.]+)" y="0" width="([\d.]+)"', text) == [
        ("50.00", "25.00"),
        ("0.00", "100.00"),
    ]
    assert "still a member" in text
    # meetings as a timeline
    assert '<ol class="timeline"' in text
    assert "Plan festynu" in text
    assert "Festyn w czerwcu" in text
    assert "Szkoła Podstawowa nr 7, Sklep Pod Lipą" not in text  # attendees are ordered by name
    assert "Sklep Pod Lipą, Szkoła Podstawowa nr 7" in text
    # the phase log starts with the founding phase
    assert "Began in the phase: forming" in text
    # coverage of its osiedle: the school is there, the shop left
    (coverage,) = response.context["coverage"]
    assert coverage.present_kinds == ["szkola"]
    assert "biznes" in coverage.missing_kinds
    # principles
    assert "Voluntariness: kept" in text
    assert "Equality: not confirmed yet" in text


def test_a_partnership_without_meetings_for_90_days_says_so(client, operator_a, centre_a):
    partnership = PartnershipFactory(lead_centre=centre_a, founded_on=days_ago(200))
    client.force_login(operator_a)

    text = _text(client.get(_url("workspace-partnership-detail", partnership)))

    assert "The partnership has not met in the last 90 days." in text


# --- creating and editing ---------------------------------------------------------------------------


def test_creating_a_partnership_the_centre_leads(client, operator_a, centre_a):
    client.force_login(operator_a)
    url = reverse("partnerships:workspace-partnership-create", kwargs={"slug": centre_a.slug})
    form = client.get(url).context["form"]
    assert form.initial["osiedla"] == [centre_a.primary_osiedle_id]

    response = client.post(
        url,
        {
            "name": "Razem dla Szczepina",
            "mode": "prowadzi",
            "phase": "formowanie",
            "founded_on": days_ago(10).isoformat(),
            "osiedla": [centre_a.primary_osiedle_id],
            "goals": "Zieleń",
            "openness": "on",
        },
    )

    partnership = Partnership.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("workspace-partnership-detail", partnership)
    assert (partnership.lead_centre, partnership.openness, partnership.voluntariness) == (
        centre_a,
        True,
        False,
    )
    assert partnership.phase_changes.count() == 1


def test_a_form_error_is_shown_on_its_field_and_nothing_is_saved(client, operator_a, centre_a):
    client.force_login(operator_a)
    url = reverse("partnerships:workspace-partnership-create", kwargs={"slug": centre_a.slug})

    response = client.post(
        url,
        {
            "name": "Za wcześnie",
            "mode": "prowadzi",
            "phase": "formowanie",
            "founded_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "founded_on": ["The founding date cannot be in the future."],
        "osiedla": ["This field is required."],
    }
    assert Partnership.objects.count() == 0


def test_the_edit_form_refuses_a_stale_version(client, operator_a, centre_a):
    partnership = PartnershipFactory(lead_centre=centre_a, name="Stara nazwa")
    client.force_login(operator_a)
    url = _url("workspace-partnership-edit", partnership)
    assert client.get(url).context["form"].initial["version"] == 1
    Partnership.objects.filter(pk=partnership.pk).update(name="Nazwa kolegi", version=2)

    response = client.post(
        url,
        {
            "version": 1,
            "name": "Moja nazwa",
            "mode": "prowadzi",
            "founded_on": partnership.founded_on.isoformat(),
            "osiedla": [centre_a.primary_osiedle_id],
        },
    )

    assert response.status_code == 200
    assert "Someone else changed this local partnership while you were editing it." in _text(response)
    assert Partnership.objects.get(pk=partnership.pk).name == "Nazwa kolegi"


def test_a_rule_about_a_field_the_form_does_not_show_appears_above_the_form(client, operator_a, centre_a):
    partnership = PartnershipFactory(
        lead_centre=centre_a,
        founded_on=days_ago(100),
        agreement_status=AgreementStatus.CONCLUDED,
        agreement_date=days_ago(50),
    )
    client.force_login(operator_a)

    response = client.post(
        _url("workspace-partnership-edit", partnership),
        {
            "version": 1,
            "name": partnership.name,
            "mode": "prowadzi",
            "founded_on": days_ago(40).isoformat(),
            "osiedla": [centre_a.primary_osiedle_id],
        },
    )

    assert response.status_code == 200
    (error,) = response.context["form"].non_field_errors()
    assert error.startswith("The agreement cannot be dated before the partnership was founded (")
    assert Partnership.objects.get(pk=partnership.pk).founded_on == days_ago(100)


def test_recording_the_agreement(client, operator_a, centre_a):
    partnership = PartnershipFactory(lead_centre=centre_a)
    client.force_login(operator_a)

    response = client.post(
        _url("workspace-partnership-agreement", partnership),
        {"version": 1, "agreement_status": "zawarte", "agreement_date": days_ago(3).isoformat()},
    )

    assert response.status_code == 302
    partnership.refresh_from_db()
    assert (partnership.agreement_status, partnership.agreement_date, partnership.version) == (
        AgreementStatus.CONCLUDED,
        days_ago(3),
        2,
    )


def test_moving_the_phase_with_a_note(client, operator_a, centre_a):
    partnership = PartnershipFactory(lead_centre=centre_a)
    client.force_login(operator_a)
    url = _url("workspace-partnership-phase", partnership)
    choices = [value for value, _label in client.get(url).context["form"].fields["to_phase"].choices]
    assert choices == ["docieranie-sie", "normowanie", "wspoldzialanie", "zakonczone"]

    response = client.post(
        url, {"version": 1, "to_phase": "normowanie", "date": days_ago(1).isoformat(), "note": "Regulamin"}
    )

    assert response.status_code == 302
    partnership.refresh_from_db()
    assert partnership.phase == Phase.NORMING
    assert list(partnership.phase_changes.values_list("to_phase", "note")) == [
        ("formowanie", ""),
        ("normowanie", "Regulamin"),
    ]


def test_moving_back_to_a_phase_never_reached_without_a_note_shows_the_error(client, operator_a, centre_a):
    partnership = PartnershipFactory(lead_centre=centre_a, phase=Phase.NORMING)
    client.force_login(operator_a)

    response = client.post(
        _url("workspace-partnership-phase", partnership),
        {"version": 1, "to_phase": "docieranie-sie", "date": timezone.localdate().isoformat(), "note": ""},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "note": ["The partnership never reached the phase “storming”: say in a note why it moves back to it."]
    }


# --- members -------------------------------------------------------------------------------------


def test_adding_a_member_from_the_registry_and_one_on_the_spot(client, operator_a, centre_a):
    partnership = PartnershipFactory(lead_centre=centre_a)
    library = factories.OrganizationFactory(name="Biblioteka Szczepin", kind=OrganizationKind.LIBRARY)
    client.force_login(operator_a)
    url = _url("workspace-member-add", partnership)
    page = _text(client.get(url))
    assert "Biblioteka Szczepin (library)" in page
    assert 'data-select-filter="true"' in page

    first = client.post(
        url,
        {
            "organization": library.pk,
            "role": "czlonek",
            "joined": timezone.localdate().isoformat(),
            "add_another": "1",
        },
    )
    second = client.post(
        url,
        {
            "new_organization_name": "Klub Seniora",
            "new_organization_kind": "grupa-nieformalna",
            "role": "wspierajacy",
            "joined": timezone.localdate().isoformat(),
        },
    )

    assert (first.status_code, first["Location"]) == (302, url)
    assert (second.status_code, second["Location"]) == (
        302,
        _url("workspace-partnership-detail", partnership),
    )
    assert sorted(partnership.members.values_list("organization__name", "role")) == [
        ("Biblioteka Szczepin", "czlonek"),
        ("Klub Seniora", "wspierajacy"),
    ]
    assert Organization.objects.get(name="Klub Seniora").kind == OrganizationKind.INFORMAL


def test_adding_the_same_organisation_twice_shows_the_error_on_its_field(client, operator_a, centre_a):
    partnership = PartnershipFactory(lead_centre=centre_a)
    library = factories.OrganizationFactory(name="Biblioteka Szczepin")
    PartnershipMemberFactory(partnership=partnership, organization=library, joined=days_ago(10))
    client.force_login(operator_a)

    response = client.post(
        _url("workspace-member-add", partnership),
        {"organization": library.pk, "role": "czlonek", "joined": timezone.localdate().isoformat()},
    )

    assert response.status_code == 200
    (error,) = response.context["form"].errors["organization"]
    assert error.startswith("Biblioteka Szczepin is already a member of this partnership (since ")
    assert PartnershipMember.objects.count() == 1


def test_a_duplicate_new_organisation_is_refused_on_the_name_field(client, operator_a, centre_a):
    partnership = PartnershipFactory(lead_centre=centre_a)
    factories.OrganizationFactory(name="Klub Seniora")
    client.force_login(operator_a)

    response = client.post(
        _url("workspace-member-add", partnership),
        {
            "new_organization_name": "klub seniora",
            "new_organization_kind": "grupa-nieformalna",
            "role": "czlonek",
            "joined": timezone.localdate().isoformat(),
        },
    )

    assert response.context["form"].errors == {
        "new_organization_name": [
            "“Klub Seniora” is already in the registry: pick it from the list of organisations."
        ]
    }


def test_a_member_leaving_before_joining_shows_the_error(client, operator_a, centre_a):
    partnership = PartnershipFactory(lead_centre=centre_a, founded_on=days_ago(100))
    member = PartnershipMemberFactory(partnership=partnership, joined=days_ago(10))
    client.force_login(operator_a)
    url = reverse(
        "partnerships:workspace-member-leave",
        kwargs={"slug": centre_a.slug, "partnership_pk": partnership.pk, "pk": member.pk},
    )

    response = client.post(url, {"left": days_ago(11).isoformat()})

    (error,) = response.context["form"].errors["left"]
    assert error.startswith("A member cannot leave before joining (joined on ")
    assert client.post(url, {"left": days_ago(1).isoformat()}).status_code == 302
    assert PartnershipMember.objects.get(pk=member.pk).left == days_ago(1)


# --- meetings and priorities ------------------------------------------------------------------------


def test_recording_a_meeting_with_attendees_chosen_among_the_members(client, operator_a, centre_a):
    partnership = PartnershipFactory(lead_centre=centre_a, founded_on=days_ago(100))
    school = factories.OrganizationFactory(name="SP 7")
    gone = factories.OrganizationFactory(name="Dawny Partner")
    PartnershipMemberFactory(partnership=partnership, organization=school)
    PartnershipMemberFactory(partnership=partnership, organization=gone, left=days_ago(50))
    client.force_login(operator_a)
    url = _url("workspace-meeting-create", partnership)
    labels = [label for _value, label in client.get(url).context["form"].fields["attendees"].choices]
    assert labels[0].startswith("Dawny Partner (left on ")
    assert labels[1:] == ["SP 7"]

    response = client.post(
        url,
        {
            "date": days_ago(2).isoformat(),
            "agenda": "Festyn",
            "decisions": "Termin: czerwiec",
            "attendees": [school.pk],
        },
    )

    assert response.status_code == 302
    meeting = PartnershipMeeting.objects.get()
    assert (meeting.agenda, list(meeting.attendees.all())) == ("Festyn", [school])


def test_a_meeting_before_the_founding_shows_the_error_on_the_date(client, operator_a, centre_a):
    partnership = PartnershipFactory(lead_centre=centre_a, founded_on=days_ago(100))
    client.force_login(operator_a)

    response = client.post(
        _url("workspace-meeting-create", partnership), {"date": days_ago(101).isoformat(), "agenda": "Festyn"}
    )

    (error,) = response.context["form"].errors["date"]
    assert error.startswith("A meeting cannot be dated before the partnership was founded (")
    assert PartnershipMeeting.objects.count() == 0


def test_adding_and_changing_a_priority(client, operator_a, centre_a):
    partnership = PartnershipFactory(lead_centre=centre_a)
    client.force_login(operator_a)

    client.post(
        _url("workspace-priority-create", partnership),
        {"challenge": "Zieleń na podwórkach", "osiedle": centre_a.primary_osiedle_id, "status": "otwarty"},
    )
    priority = Priority.objects.get()
    response = client.post(
        reverse(
            "partnerships:workspace-priority-edit",
            kwargs={"slug": centre_a.slug, "partnership_pk": partnership.pk, "pk": priority.pk},
        ),
        {"version": 1, "challenge": "Zieleń na podwórkach", "osiedle": "", "status": "w-realizacji"},
    )

    assert response.status_code == 302
    priority.refresh_from_db()
    assert (priority.status, priority.osiedle, priority.version) == ("w-realizacji", None, 2)


# --- the centre's public page and the workspace navigation --------------------------------------------


def test_the_public_centre_page_lists_partnerships_and_member_names_and_kinds_only(client, centre_a):
    partnership = PartnershipFactory(name="Razem dla Szczepina", lead_centre=centre_a, phase=Phase.NORMING)
    school = factories.OrganizationFactory(
        name="Szkoła Podstawowa nr 7", kind=OrganizationKind.SCHOOL, email="sekretariat@sp7.example.org"
    )
    PartnershipMemberFactory(partnership=partnership, organization=school)
    PartnershipMemberFactory(
        partnership=partnership,
        organization=factories.OrganizationFactory(name="Dawny Partner"),
        left=days_ago(5),
    )

    text = _text(client.get(centre_a.get_absolute_url()))

    assert "Local partnerships" in text
    assert "Razem dla Szczepina" in text
    assert (
        'Szkoła Podstawowa nr 7 <span class="partnership-summary__kind">(school or kindergarten)</span>'
        in text
    )
    assert "sekretariat@sp7.example.org" not in text
    assert "Dawny Partner" not in text


def test_the_public_section_takes_as_many_queries_for_20_partnerships_as_for_2(client, centre_a):
    for _ in range(2):
        _full_partnership(centre_a)
    with CaptureQueriesContext(connection) as at_two:
        assert client.get(centre_a.get_absolute_url()).status_code == 200
    for _ in range(18):
        _full_partnership(centre_a)
    with CaptureQueriesContext(connection) as at_twenty:
        assert client.get(centre_a.get_absolute_url()).status_code == 200

    assert len(at_twenty.captured_queries) == len(at_two.captured_queries)


def test_a_centre_without_partnerships_shows_no_section(client, centre_a):
    assert "Local partnerships" not in _text(client.get(centre_a.get_absolute_url()))


def test_the_workspace_navigation_links_to_a_centres_partnerships(centre_a, english):
    (link,) = [link for link in workspace_links() if link.url_name.startswith("partnerships:")]

    assert reverse(link.url_name, args=[centre_a.slug]) == f"/workspace/centres/{centre_a.slug}/partnerships/"
    assert str(link.label) == "Partnerships"
