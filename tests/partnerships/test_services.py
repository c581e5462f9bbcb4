"""Services of partnerships: each success path, each refusal with its clear message, and
who may write."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from pghistory.models import Events

from centres.models import Organization, OrganizationKind
from centres.services import ConflictError
from partnerships import services
from partnerships.models import (
    AgreementStatus,
    MemberRole,
    Partnership,
    PartnershipMeeting,
    PartnershipMember,
    PartnershipMode,
    Phase,
    PhaseChange,
    Priority,
    PriorityStatus,
)
from tests import factories
from tests.partnerships.factories import (
    PartnershipFactory,
    PartnershipMeetingFactory,
    PartnershipMemberFactory,
    PriorityFactory,
    days_ago,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

TODAY = timezone.localdate


def _messages(exc: ValidationError) -> dict[str, list[str]]:
    return exc.message_dict


def _create(centre, actor, **changes):
    fields = {
        "name": "Partnerstwo dla Szczepina",
        "mode": PartnershipMode.LEAD,
        "founded_on": days_ago(100),
        "osiedla": [centre.primary_osiedle],
    }
    fields.update(changes)
    return services.partnership_create(centre=centre, actor=actor, **fields)


# --- partnership_create -------------------------------------------------------------------


def test_an_operator_creates_a_partnership_of_their_centre_and_its_log_starts(operator_a, centre_a):
    partnership = _create(centre_a, operator_a, goals="Zieleń i bezpieczeństwo", voluntariness=True)

    partnership.refresh_from_db()
    assert (partnership.lead_centre, partnership.phase, partnership.version) == (centre_a, Phase.FORMING, 1)
    assert (partnership.goals, partnership.voluntariness, partnership.equality) == (
        "Zieleń i bezpieczeństwo",
        True,
        False,
    )
    assert list(partnership.osiedla.all()) == [centre_a.primary_osiedle]
    log = list(partnership.phase_changes.values_list("from_phase", "to_phase", "date", "by"))
    assert log == [("", Phase.FORMING, days_ago(100), operator_a.pk)]


def test_a_centre_joining_an_existing_partnership_records_its_leader_and_current_phase(operator_a, centre_a):
    leader = factories.OrganizationFactory(name="Rada Osiedla Szczepin", kind=OrganizationKind.COUNCIL)

    partnership = _create(centre_a, operator_a, mode=PartnershipMode.JOIN, leader=leader, phase=Phase.NORMING)

    assert (partnership.mode, partnership.leader, partnership.phase) == (
        PartnershipMode.JOIN,
        leader,
        Phase.NORMING,
    )
    assert list(partnership.phase_changes.values_list("to_phase", flat=True)) == [Phase.NORMING]


def test_creating_needs_an_osiedle_and_a_founding_date_not_in_the_future(operator_a, centre_a):
    with pytest.raises(ValidationError) as caught:
        _create(centre_a, operator_a, osiedla=[], founded_on=TODAY() + timedelta(days=1))

    assert _messages(caught.value) == {
        "founded_on": ["The founding date cannot be in the future."],
        "osiedla": ["Choose at least one osiedle the partnership works in."],
    }
    assert Partnership.objects.count() == 0


def test_a_leading_organisation_is_refused_when_the_centre_leads(operator_a, centre_a):
    leader = factories.OrganizationFactory()

    with pytest.raises(ValidationError) as caught:
        _create(centre_a, operator_a, leader=leader)

    assert _messages(caught.value) == {
        "leader": ["The centre leads this partnership: leave the leading organisation empty."]
    }


def test_another_operator_cannot_create_a_partnership_for_a_centre_they_do_not_run(
    operator_b, centre_a, centre_b
):
    with pytest.raises(PermissionDenied):
        _create(centre_a, operator_b)
    assert Partnership.objects.count() == 0


def test_city_staff_create_for_any_centre(city_staff, centre_a):
    assert _create(centre_a, city_staff).lead_centre == centre_a


def test_writes_are_audited_with_the_acting_user(operator_a, centre_a):
    partnership = _create(centre_a, operator_a)

    events = Events.objects.tracks(partnership).filter(pgh_model="partnerships.PartnershipEvent")
    assert [(e.pgh_label, e.pgh_context["user"], e.pgh_context["action"]) for e in events] == [
        ("insert", operator_a.pk, "partnership.create")
    ]


# --- partnership_update and the agreement ---------------------------------------------------


def test_update_saves_with_the_version_read_and_bumps_it(operator_a, centre_a):
    partnership = PartnershipFactory(lead_centre=centre_a)
    other = factories.OsiedleFactory(name="Osiedle Drugie")

    updated = services.partnership_update(
        partnership=partnership,
        actor=operator_a,
        expected_version=1,
        name="Nowa nazwa",
        equality=True,
        osiedla=[centre_a.primary_osiedle, other],
    )

    updated.refresh_from_db()
    assert (updated.name, updated.equality, updated.version) == ("Nowa nazwa", True, 2)
    assert set(updated.osiedla.all()) == {centre_a.primary_osiedle, other}


def test_update_with_a_stale_version_is_a_conflict_and_saves_nothing(operator_a, centre_a):
    partnership = PartnershipFactory(lead_centre=centre_a, name="Stara")
    Partnership.objects.filter(pk=partnership.pk).update(version=2)

    with pytest.raises(ConflictError) as caught:
        services.partnership_update(
            partnership=partnership, actor=operator_a, expected_version=1, name="Moja"
        )

    assert caught.value.code == "conflict"
    assert caught.value.messages == [
        "Someone else changed this local partnership while you were editing it. Your changes were not "
        "saved: reload the page to see the current version, then make your changes again."
    ]
    assert Partnership.objects.get(pk=partnership.pk).name == "Stara"


def test_recording_a_concluded_agreement_needs_its_date(operator_a, centre_a):
    partnership = PartnershipFactory(lead_centre=centre_a)

    with pytest.raises(ValidationError) as caught:
        services.partnership_update(
            partnership=partnership,
            actor=operator_a,
            expected_version=1,
            agreement_status=AgreementStatus.CONCLUDED,
        )
    assert _messages(caught.value) == {
        "agreement_date": ["Give the date on which the agreement was concluded."]
    }

    services.partnership_update(
        partnership=partnership,
        actor=operator_a,
        expected_version=1,
        agreement_status=AgreementStatus.CONCLUDED,
        agreement_date=days_ago(30),
    )
    partnership.refresh_from_db()
    assert (partnership.agreement_status, partnership.agreement_date) == (
        AgreementStatus.CONCLUDED,
        days_ago(30),
    )


def test_an_agreement_cannot_be_dated_before_the_founding(operator_a, centre_a):
    partnership = PartnershipFactory(lead_centre=centre_a, founded_on=days_ago(100))

    with pytest.raises(ValidationError) as caught:
        services.partnership_update(
            partnership=partnership,
            actor=operator_a,
            expected_version=1,
            agreement_status=AgreementStatus.CONCLUDED,
            agreement_date=days_ago(101),
        )

    message = caught.value.message_dict["agreement_date"][0]
    assert message.startswith("The agreement cannot be dated before the partnership was founded (")


def test_the_founding_date_cannot_move_after_the_first_member_joined(operator_a, centre_a):
    partnership = PartnershipFactory(lead_centre=centre_a, founded_on=days_ago(100))
    PartnershipMemberFactory(partnership=partnership, joined=days_ago(90))

    with pytest.raises(ValidationError) as caught:
        services.partnership_update(
            partnership=partnership, actor=operator_a, expected_version=1, founded_on=days_ago(80)
        )

    assert list(caught.value.message_dict) == ["founded_on"]
    assert caught.value.message_dict["founded_on"][0].startswith(
        "The partnership cannot be founded after its own records: the first member joined on "
    )


def test_moving_the_founding_date_earlier_moves_the_start_of_the_phase_log(operator_a, centre_a):
    partnership = PartnershipFactory(lead_centre=centre_a, founded_on=days_ago(100))

    services.partnership_update(
        partnership=partnership, actor=operator_a, expected_version=1, founded_on=days_ago(200)
    )

    assert list(partnership.phase_changes.values_list("date", flat=True)) == [days_ago(200)]


def test_an_osiedle_a_priority_concerns_cannot_be_dropped_from_the_area(operator_a, centre_a):
    other = factories.OsiedleFactory(name="Osiedle Zielone Testowe")
    partnership = PartnershipFactory(lead_centre=centre_a, osiedla=[centre_a.primary_osiedle, other])
    PriorityFactory(partnership=partnership, osiedle=other)

    with pytest.raises(ValidationError) as caught:
        services.partnership_update(
            partnership=partnership, actor=operator_a, expected_version=1, osiedla=[centre_a.primary_osiedle]
        )

    assert _messages(caught.value) == {
        "osiedla": [
            "Priorities of the partnership concern Osiedle Zielone Testowe: keep it or change them first."
        ]
    }


def test_only_the_lead_centres_operators_and_city_staff_update(operator_b, animator, centre_a, centre_b):
    partnership = PartnershipFactory(lead_centre=centre_a)

    for outsider in (operator_b, animator):
        with pytest.raises(PermissionDenied):
            services.partnership_update(partnership=partnership, actor=outsider, expected_version=1, name="X")


# --- partnership_phase_move -----------------------------------------------------------------


def test_a_phase_move_is_logged_with_its_date_note_and_author(operator_a, centre_a):
    partnership = PartnershipFactory(lead_centre=centre_a, founded_on=days_ago(100))

    change = services.partnership_phase_move(
        partnership=partnership,
        actor=operator_a,
        expected_version=1,
        to_phase=Phase.NORMING,
        date=days_ago(5),
        note="Przyjęliśmy regulamin.",
    )

    partnership.refresh_from_db()
    assert (partnership.phase, partnership.version) == (Phase.NORMING, 2)
    assert (change.from_phase, change.to_phase, change.date, change.note, change.by) == (
        Phase.FORMING,
        Phase.NORMING,
        days_ago(5),
        "Przyjęliśmy regulamin.",
        operator_a,
    )
    assert list(partnership.phase_changes.values_list("from_phase", "to_phase")) == [
        ("", Phase.FORMING),
        (Phase.FORMING, Phase.NORMING),
    ]


def test_a_move_to_the_phase_it_is_in_is_refused(operator_a, centre_a):
    partnership = PartnershipFactory(lead_centre=centre_a)

    with pytest.raises(ValidationError) as caught:
        services.partnership_phase_move(partnership=partnership, actor=operator_a, to_phase=Phase.FORMING)

    assert _messages(caught.value) == {"to_phase": ["The partnership is already in this phase."]}


def test_moving_back_to_a_phase_never_reached_needs_a_note(operator_a, centre_a):
    # Founded in forming, moved straight to norming: storming was never reached.
    partnership = PartnershipFactory(lead_centre=centre_a)
    services.partnership_phase_move(partnership=partnership, actor=operator_a, to_phase=Phase.NORMING)

    with pytest.raises(ValidationError) as caught:
        services.partnership_phase_move(partnership=partnership, actor=operator_a, to_phase=Phase.STORMING)

    assert _messages(caught.value) == {
        "note": ["The partnership never reached the phase “storming”: say in a note why it moves back to it."]
    }
    assert Partnership.objects.get(pk=partnership.pk).phase == Phase.NORMING

    services.partnership_phase_move(
        partnership=partnership, actor=operator_a, to_phase=Phase.STORMING, note="Nowi partnerzy, spory."
    )
    assert Partnership.objects.get(pk=partnership.pk).phase == Phase.STORMING


def test_moving_back_to_a_phase_already_reached_needs_no_note(operator_a, centre_a):
    partnership = PartnershipFactory(lead_centre=centre_a)
    services.partnership_phase_move(partnership=partnership, actor=operator_a, to_phase=Phase.STORMING)
    services.partnership_phase_move(partnership=partnership, actor=operator_a, to_phase=Phase.NORMING)

    change = services.partnership_phase_move(
        partnership=partnership, actor=operator_a, to_phase=Phase.STORMING
    )

    assert (change.from_phase, change.to_phase, change.note) == (Phase.NORMING, Phase.STORMING, "")


def test_reopening_an_ended_partnership_needs_a_note(operator_a, centre_a):
    partnership = PartnershipFactory(lead_centre=centre_a, phase=Phase.PERFORMING)
    services.partnership_phase_move(partnership=partnership, actor=operator_a, to_phase=Phase.ENDED)

    with pytest.raises(ValidationError) as caught:
        services.partnership_phase_move(partnership=partnership, actor=operator_a, to_phase=Phase.PERFORMING)

    assert _messages(caught.value) == {"note": ["Say in a note why the ended partnership is reopened."]}


def test_a_phase_move_is_dated_between_the_last_move_and_today(operator_a, centre_a):
    partnership = PartnershipFactory(lead_centre=centre_a, founded_on=days_ago(100))
    services.partnership_phase_move(
        partnership=partnership, actor=operator_a, to_phase=Phase.STORMING, date=days_ago(20)
    )

    with pytest.raises(ValidationError) as caught:
        services.partnership_phase_move(
            partnership=partnership, actor=operator_a, to_phase=Phase.NORMING, date=days_ago(30)
        )
    assert caught.value.message_dict["date"][0].startswith(
        "A phase change cannot be dated before the previous one ("
    )

    with pytest.raises(ValidationError) as caught:
        services.partnership_phase_move(
            partnership=partnership,
            actor=operator_a,
            to_phase=Phase.NORMING,
            date=TODAY() + timedelta(days=1),
        )
    assert _messages(caught.value) == {"date": ["A phase change cannot be dated in the future."]}


def test_a_phase_move_on_a_stale_version_is_a_conflict(operator_a, centre_a):
    partnership = PartnershipFactory(lead_centre=centre_a)
    services.partnership_phase_move(partnership=partnership, actor=operator_a, to_phase=Phase.STORMING)

    with pytest.raises(ConflictError):
        services.partnership_phase_move(
            partnership=partnership, actor=operator_a, expected_version=1, to_phase=Phase.NORMING
        )
    assert PhaseChange.objects.filter(partnership=partnership).count() == 2


def test_another_operator_cannot_move_the_phase(operator_b, centre_a, centre_b):
    partnership = PartnershipFactory(lead_centre=centre_a)

    with pytest.raises(PermissionDenied):
        services.partnership_phase_move(partnership=partnership, actor=operator_b, to_phase=Phase.STORMING)


# --- members ------------------------------------------------------------------------------


def test_a_member_from_the_registry_joins(operator_a, centre_a):
    partnership = PartnershipFactory(lead_centre=centre_a)
    school = factories.OrganizationFactory(name="SP nr 1", kind=OrganizationKind.SCHOOL)

    member = services.partnership_member_add(
        partnership=partnership,
        actor=operator_a,
        organization=school,
        role=MemberRole.LEADER,
        joined=days_ago(3),
    )

    assert (member.organization, member.role, member.joined, member.left) == (
        school,
        MemberRole.LEADER,
        days_ago(3),
        None,
    )


def test_a_missing_organisation_is_added_to_the_registry_on_the_spot(operator_a, centre_a):
    partnership = PartnershipFactory(lead_centre=centre_a)

    member = services.partnership_member_add(
        partnership=partnership,
        actor=operator_a,
        new_organization_name="  Klub  Seniora Szczepin ",
        new_organization_kind=OrganizationKind.INFORMAL,
        joined=days_ago(1),
    )

    organization = Organization.objects.get(name="Klub Seniora Szczepin")
    assert (member.organization, organization.kind, member.role) == (
        organization,
        OrganizationKind.INFORMAL,
        MemberRole.MEMBER,
    )


def test_a_new_organisation_with_a_name_already_in_the_registry_is_refused_on_its_field(operator_a, centre_a):
    partnership = PartnershipFactory(lead_centre=centre_a)
    factories.OrganizationFactory(name="Biblioteka Szczepin")

    with pytest.raises(ValidationError) as caught:
        services.partnership_member_add(
            partnership=partnership,
            actor=operator_a,
            new_organization_name="biblioteka szczepin",
            new_organization_kind=OrganizationKind.LIBRARY,
            joined=days_ago(1),
        )

    assert _messages(caught.value) == {
        "new_organization_name": [
            "“Biblioteka Szczepin” is already in the registry: pick it from the list of organisations."
        ]
    }
    assert PartnershipMember.objects.count() == 0


def test_a_new_organisation_needs_its_kind(operator_a, centre_a):
    partnership = PartnershipFactory(lead_centre=centre_a)

    with pytest.raises(ValidationError) as caught:
        services.partnership_member_add(
            partnership=partnership, actor=operator_a, new_organization_name="Nowa grupa", joined=days_ago(1)
        )

    assert _messages(caught.value) == {"new_organization_kind": ["Choose the kind of the new organisation."]}
    assert not Organization.objects.filter(name="Nowa grupa").exists()


def test_a_member_needs_an_organisation(operator_a, centre_a):
    partnership = PartnershipFactory(lead_centre=centre_a)

    with pytest.raises(ValidationError) as caught:
        services.partnership_member_add(partnership=partnership, actor=operator_a, joined=days_ago(1))

    assert _messages(caught.value) == {
        "organization": ["Choose an organisation from the registry or add a new one."]
    }


def test_an_organisation_added_twice_is_refused(operator_a, centre_a):
    partnership = PartnershipFactory(lead_centre=centre_a, founded_on=days_ago(100))
    school = factories.OrganizationFactory(name="SP nr 1")
    services.partnership_member_add(
        partnership=partnership, actor=operator_a, organization=school, joined=days_ago(50)
    )

    with pytest.raises(ValidationError) as caught:
        services.partnership_member_add(
            partnership=partnership, actor=operator_a, organization=school, joined=days_ago(10)
        )

    assert list(caught.value.message_dict) == ["organization"]
    assert caught.value.message_dict["organization"][0].startswith(
        "SP nr 1 is already a member of this partnership (since "
    )
    assert PartnershipMember.objects.count() == 1


def test_an_organisation_may_join_again_after_it_left_but_not_into_its_old_period(operator_a, centre_a):
    partnership = PartnershipFactory(lead_centre=centre_a, founded_on=days_ago(100))
    school = factories.OrganizationFactory(name="SP nr 1")
    PartnershipMemberFactory(
        partnership=partnership, organization=school, joined=days_ago(90), left=days_ago(60)
    )

    with pytest.raises(ValidationError) as caught:
        services.partnership_member_add(
            partnership=partnership, actor=operator_a, organization=school, joined=days_ago(70)
        )
    assert caught.value.message_dict["organization"][0].startswith(
        "SP nr 1 was a member of this partnership from "
    )

    again = services.partnership_member_add(
        partnership=partnership, actor=operator_a, organization=school, joined=days_ago(59)
    )
    assert again.joined == days_ago(59)
    assert PartnershipMember.objects.filter(organization=school).count() == 2


def test_the_database_refuses_overlapping_memberships_whatever_the_caller(centre_a):
    partnership = PartnershipFactory(lead_centre=centre_a, founded_on=days_ago(100))
    school = factories.OrganizationFactory()
    PartnershipMemberFactory(partnership=partnership, organization=school, joined=days_ago(90))

    with pytest.raises(IntegrityError), transaction.atomic():
        PartnershipMember.objects.create(partnership=partnership, organization=school, joined=days_ago(10))


def test_the_database_refuses_a_member_leaving_before_joining(centre_a):
    partnership = PartnershipFactory(lead_centre=centre_a, founded_on=days_ago(100))

    with pytest.raises(IntegrityError), transaction.atomic():
        PartnershipMemberFactory(partnership=partnership, joined=days_ago(10), left=days_ago(20))


def test_a_member_cannot_join_before_the_partnership_was_founded(operator_a, centre_a):
    partnership = PartnershipFactory(lead_centre=centre_a, founded_on=days_ago(100))

    with pytest.raises(ValidationError) as caught:
        services.partnership_member_add(
            partnership=partnership,
            actor=operator_a,
            organization=factories.OrganizationFactory(),
            joined=days_ago(101),
        )

    assert list(caught.value.message_dict) == ["joined"]
    assert caught.value.message_dict["joined"][0].startswith(
        "A member cannot join before the partnership was founded ("
    )


def test_a_member_who_left_before_joining_is_refused(operator_a, centre_a):
    partnership = PartnershipFactory(lead_centre=centre_a, founded_on=days_ago(100))
    member = PartnershipMemberFactory(partnership=partnership, joined=days_ago(30))

    with pytest.raises(ValidationError) as caught:
        services.partnership_member_leave(member=member, actor=operator_a, left=days_ago(31))

    assert list(caught.value.message_dict) == ["left"]
    assert caught.value.message_dict["left"][0].startswith("A member cannot leave before joining (joined on ")
    assert PartnershipMember.objects.get(pk=member.pk).left is None


def test_a_member_leaves_and_cannot_leave_twice(operator_a, centre_a):
    partnership = PartnershipFactory(lead_centre=centre_a, founded_on=days_ago(100))
    member = PartnershipMemberFactory(
        partnership=partnership,
        organization=factories.OrganizationFactory(name="Piekarnia"),
        joined=days_ago(30),
    )

    services.partnership_member_leave(member=member, actor=operator_a, left=days_ago(2))
    assert PartnershipMember.objects.get(pk=member.pk).left == days_ago(2)

    with pytest.raises(ValidationError) as caught:
        services.partnership_member_leave(member=member, actor=operator_a, left=days_ago(1))
    assert caught.value.message_dict["left"][0].startswith("Piekarnia already left the partnership on ")


def test_a_member_cannot_leave_before_a_meeting_it_attended(operator_a, centre_a):
    partnership = PartnershipFactory(lead_centre=centre_a, founded_on=days_ago(100))
    school = factories.OrganizationFactory(name="SP nr 1")
    member = PartnershipMemberFactory(partnership=partnership, organization=school, joined=days_ago(50))
    PartnershipMeetingFactory(partnership=partnership, date=days_ago(10), attendees=[school])

    with pytest.raises(ValidationError) as caught:
        services.partnership_member_leave(member=member, actor=operator_a, left=days_ago(20))

    assert caught.value.message_dict["left"][0].startswith("SP nr 1 attended the meeting of ")


def test_another_operator_cannot_add_members(operator_b, centre_a, centre_b):
    partnership = PartnershipFactory(lead_centre=centre_a)

    with pytest.raises(PermissionDenied):
        services.partnership_member_add(
            partnership=partnership,
            actor=operator_b,
            organization=factories.OrganizationFactory(),
            joined=TODAY(),
        )


# --- meetings -----------------------------------------------------------------------------


def test_a_meeting_is_recorded_with_its_attending_members(operator_a, centre_a):
    partnership = PartnershipFactory(lead_centre=centre_a, founded_on=days_ago(100))
    school, library = (
        factories.OrganizationFactory(name="SP 1"),
        factories.OrganizationFactory(name="Biblioteka"),
    )
    for organization in (school, library):
        PartnershipMemberFactory(partnership=partnership, organization=organization, joined=days_ago(50))

    meeting = services.partnership_meeting_record(
        partnership=partnership,
        actor=operator_a,
        date=days_ago(7),
        place="CAL Szczepin",
        agenda="Festyn sąsiedzki",
        decisions="Festyn 14 czerwca",
        minutes="",
        attendees=[school, library],
    )

    meeting.refresh_from_db()
    assert (meeting.date, meeting.agenda, meeting.decisions, meeting.version) == (
        days_ago(7),
        "Festyn sąsiedzki",
        "Festyn 14 czerwca",
        1,
    )
    assert sorted(meeting.attendees.values_list("name", flat=True)) == ["Biblioteka", "SP 1"]


def test_a_meeting_dated_before_the_founding_is_refused(operator_a, centre_a):
    partnership = PartnershipFactory(lead_centre=centre_a, founded_on=days_ago(100))

    with pytest.raises(ValidationError) as caught:
        services.partnership_meeting_record(
            partnership=partnership, actor=operator_a, date=days_ago(101), agenda="Spotkanie"
        )

    assert list(caught.value.message_dict) == ["date"]
    assert caught.value.message_dict["date"][0].startswith(
        "A meeting cannot be dated before the partnership was founded ("
    )
    assert PartnershipMeeting.objects.count() == 0


def test_only_members_on_the_day_attend_a_meeting(operator_a, centre_a):
    partnership = PartnershipFactory(lead_centre=centre_a, founded_on=days_ago(100))
    late = factories.OrganizationFactory(name="Spóźniona Fundacja")
    stranger = factories.OrganizationFactory(name="Obca Firma")
    PartnershipMemberFactory(partnership=partnership, organization=late, joined=days_ago(5))

    with pytest.raises(ValidationError) as caught:
        services.partnership_meeting_record(
            partnership=partnership,
            actor=operator_a,
            date=days_ago(10),
            agenda="Spotkanie",
            attendees=[late, stranger],
        )

    assert _messages(caught.value) == {
        "attendees": [
            "Only organisations that were members of the partnership on the day of the meeting can "
            "attend it; not: Obca Firma, Spóźniona Fundacja."
        ]
    }
    assert PartnershipMeeting.objects.count() == 0


def test_a_meeting_is_updated_with_the_version_read(operator_a, centre_a):
    partnership = PartnershipFactory(lead_centre=centre_a, founded_on=days_ago(100))
    meeting = PartnershipMeetingFactory(partnership=partnership)

    services.partnership_meeting_update(
        meeting=meeting, actor=operator_a, expected_version=1, decisions="Nowe decyzje"
    )
    with pytest.raises(ConflictError):
        services.partnership_meeting_update(
            meeting=meeting, actor=operator_a, expected_version=1, minutes="X"
        )

    meeting.refresh_from_db()
    assert (meeting.decisions, meeting.minutes, meeting.version) == ("Nowe decyzje", "", 2)


# --- priorities ---------------------------------------------------------------------------


def test_priorities_are_added_changed_and_removed(operator_a, centre_a):
    partnership = PartnershipFactory(lead_centre=centre_a)

    priority = services.priority_create(
        partnership=partnership,
        actor=operator_a,
        challenge="Bezpieczne przejście",
        osiedle=centre_a.primary_osiedle,
    )
    assert (priority.status, priority.osiedle) == (PriorityStatus.OPEN, centre_a.primary_osiedle)

    services.priority_update(
        priority=priority, actor=operator_a, expected_version=1, status=PriorityStatus.IN_PROGRESS
    )
    assert Priority.objects.get(pk=priority.pk).status == PriorityStatus.IN_PROGRESS

    services.priority_delete(priority=priority, actor=operator_a, expected_version=2)
    assert Priority.objects.count() == 0


def test_a_priority_concerns_an_osiedle_of_the_partnership(operator_a, centre_a):
    partnership = PartnershipFactory(lead_centre=centre_a)

    with pytest.raises(ValidationError) as caught:
        services.priority_create(
            partnership=partnership,
            actor=operator_a,
            challenge="Zieleń",
            osiedle=factories.OsiedleFactory(name="Daleko"),
        )

    assert _messages(caught.value) == {
        "osiedle": ["Choose one of the osiedla the partnership works in, or leave it empty."]
    }


def test_another_operator_cannot_touch_priorities(operator_b, centre_a, centre_b):
    partnership = PartnershipFactory(lead_centre=centre_a)
    priority = PriorityFactory(partnership=partnership)

    with pytest.raises(PermissionDenied):
        services.priority_create(partnership=partnership, actor=operator_b, challenge="X")
    with pytest.raises(PermissionDenied):
        services.priority_delete(priority=priority, actor=operator_b, expected_version=1)
