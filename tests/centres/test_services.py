from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from centres import services
from centres.access import ROLE_GROUPS
from centres.models import (
    Centre,
    CentreEvent,
    CentreStatus,
    Membership,
    MembershipRole,
    OperatorTerm,
    Organization,
    OrganizationKind,
    Sector,
)
from tests import factories
from tests.factories import valid_nip, valid_regon

CONFLICT_MESSAGE = (
    "Someone else changed this centre while you were editing it. "
    "Your changes were not saved: reload the page to see the current version."
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


# --- centre_update_profile ---------------------------------------------------------------


def test_operator_updates_the_profile_of_their_centre(operator_a, centre_a):
    centre = services.centre_update_profile(
        centre=centre_a,
        actor=operator_a,
        expected_version=1,
        description="Nowy opis",
        opening_hours="pon. 9–17",
        email="kontakt@cal-szczepin.pl",
    )

    centre_a.refresh_from_db()
    assert centre.version == 2
    assert centre_a.version == 2
    assert centre_a.description == "Nowy opis"
    assert centre_a.opening_hours == "pon. 9–17"
    assert centre_a.email == "kontakt@cal-szczepin.pl"


def test_profile_update_is_audited_with_the_actor(operator_a, centre_a):
    services.centre_update_profile(
        centre=centre_a, actor=operator_a, expected_version=1, description="Opis z audytem"
    )

    event = CentreEvent.objects.get(pgh_obj=centre_a, pgh_label="update")
    assert event.description == "Opis z audytem"
    assert event.pgh_context.metadata == {"user": operator_a.pk, "action": "centre.update_profile"}


def test_city_staff_update_the_profile_of_any_centre(city_staff, centre_a):
    services.centre_update_profile(
        centre=centre_a, actor=city_staff, expected_version=1, phone="71 123 45 67"
    )

    centre_a.refresh_from_db()
    assert centre_a.phone == "71 123 45 67"


def test_profile_update_from_an_outdated_version_is_a_conflict_and_keeps_the_first_edit(operator_a, centre_a):
    # Given two people read version 1 and the first one saves
    services.centre_update_profile(
        centre=centre_a, actor=operator_a, expected_version=1, description="Pierwszy"
    )

    # When the second one saves from the same version
    with pytest.raises(services.ConflictError) as exc_info:
        services.centre_update_profile(
            centre=centre_a, actor=operator_a, expected_version=1, description="Drugi"
        )

    # Then the second save is refused and the first edit stays
    assert exc_info.value.code == "conflict"
    assert exc_info.value.messages == [CONFLICT_MESSAGE]
    centre_a.refresh_from_db()
    assert centre_a.description == "Pierwszy"
    assert centre_a.version == 2


def test_profile_update_with_an_invalid_email_saves_nothing(operator_a, centre_a):
    with pytest.raises(ValidationError) as exc_info:
        services.centre_update_profile(
            centre=centre_a, actor=operator_a, expected_version=1, email="not-an-email", description="X"
        )

    assert list(exc_info.value.message_dict) == ["email"]
    centre_a.refresh_from_db()
    assert centre_a.version == 1
    assert centre_a.description == "Miejsce spotkań sąsiedzkich."


def test_profile_update_refuses_fields_that_belong_to_the_city(operator_a, centre_a):
    with pytest.raises(TypeError, match="status"):
        services.centre_update_profile(
            centre=centre_a, actor=operator_a, expected_version=1, status=CentreStatus.CLOSED
        )

    centre_a.refresh_from_db()
    assert centre_a.status == CentreStatus.ACTIVE


def test_another_operator_may_not_update_the_profile(operator_b, centre_a):
    with pytest.raises(PermissionDenied):
        services.centre_update_profile(centre=centre_a, actor=operator_b, expected_version=1, description="X")

    centre_a.refresh_from_db()
    assert centre_a.version == 1


@pytest.mark.parametrize("fixture", ["animator", "team_member"])
def test_network_roles_may_not_update_a_profile(request, fixture, centre_a):
    user = request.getfixturevalue(fixture)

    with pytest.raises(PermissionDenied):
        services.centre_update_profile(centre=centre_a, actor=user, expected_version=1, description="X")


def test_operator_whose_term_has_ended_may_not_update_the_profile(operator_a, centre_a):
    start, end = factories.past_term_dates()
    OperatorTerm.objects.filter(centre=centre_a).update(start=start, end=end)

    with pytest.raises(PermissionDenied):
        services.centre_update_profile(centre=centre_a, actor=operator_a, expected_version=1, description="X")


# --- centre_save -----------------------------------------------------------------------


def test_city_staff_create_a_centre_with_served_osiedla(city_staff):
    primary = factories.OsiedleFactory()
    served = [factories.OsiedleFactory(), factories.OsiedleFactory()]
    centre = Centre(
        name="CAL Nowy",
        slug="cal-nowy",
        street_address="ul. Nowa 1",
        primary_osiedle=primary,
        latitude=Decimal("51.110000"),
        longitude=Decimal("17.030000"),
    )

    saved = services.centre_save(centre=centre, actor=city_staff, served_osiedla=served)

    assert saved.pk is not None
    assert saved.version == 1
    assert set(saved.served_osiedla.all()) == set(served)
    assert saved.status == CentreStatus.PLANNED


def test_centre_save_of_an_existing_centre_bumps_its_version(city_staff, centre_a):
    centre_a.status = CentreStatus.SUSPENDED

    services.centre_save(centre=centre_a, actor=city_staff)

    centre_a.refresh_from_db()
    assert centre_a.version == 2
    assert centre_a.status == CentreStatus.SUSPENDED


def test_centre_save_refuses_only_one_coordinate(city_staff):
    centre = factories.CentreFactory.build(
        primary_osiedle=factories.OsiedleFactory(), latitude=Decimal("51.1"), longitude=None
    )

    with pytest.raises(ValidationError) as exc_info:
        services.centre_save(centre=centre, actor=city_staff)

    assert exc_info.value.message_dict == {"__all__": ["Give both latitude and longitude, or neither."]}
    assert Centre.objects.filter(slug=centre.slug).exists() is False


def test_centre_save_refuses_a_location_outside_the_city(city_staff):
    centre = factories.CentreFactory.build(
        primary_osiedle=factories.OsiedleFactory(), latitude=Decimal("52.2297"), longitude=Decimal("21.0122")
    )

    with pytest.raises(ValidationError) as exc_info:
        services.centre_save(centre=centre, actor=city_staff)

    assert sorted(exc_info.value.message_dict) == ["latitude", "longitude"]


def test_centre_save_without_a_location_is_allowed(city_staff):
    centre = factories.CentreFactory.build(
        primary_osiedle=factories.OsiedleFactory(), latitude=None, longitude=None
    )

    saved = services.centre_save(centre=centre, actor=city_staff)

    assert saved.has_location is False


def test_centre_save_refuses_a_duplicate_slug(city_staff, centre_a):
    centre = factories.CentreFactory.build(primary_osiedle=factories.OsiedleFactory(), slug=centre_a.slug)

    with pytest.raises(ValidationError) as exc_info:
        services.centre_save(centre=centre, actor=city_staff)

    assert list(exc_info.value.message_dict) == ["slug"]


def test_an_operator_may_not_save_a_centre_in_full(operator_a, centre_a):
    centre_a.status = CentreStatus.CLOSED

    with pytest.raises(PermissionDenied):
        services.centre_save(centre=centre_a, actor=operator_a)

    centre_a.refresh_from_db()
    assert centre_a.status == CentreStatus.ACTIVE


def test_centre_save_without_an_actor_is_for_seed_data(db):
    centre = factories.CentreFactory.build(primary_osiedle=factories.OsiedleFactory())

    saved = services.centre_save(centre=centre, actor=None)

    assert Centre.objects.get(pk=saved.pk).name == centre.name


# --- organization_save -------------------------------------------------------------------


def test_city_staff_create_an_organisation_with_normalised_numbers_and_default_sector(city_staff):
    organization = Organization(
        name="Rada Osiedla Szczepin",
        kind=OrganizationKind.COUNCIL,
        nip="123-456-32-18",
        regon="123 456 785",
        krs="0000-123-456",
    )

    saved = services.organization_save(organization=organization, actor=city_staff)

    saved.refresh_from_db()
    assert saved.nip == "1234563218"
    assert saved.regon == "123456785"
    assert saved.krs == "0000123456"
    assert saved.sector == Sector.PUBLIC


def test_organisation_sector_given_explicitly_is_kept(city_staff):
    organization = Organization(name="Sklep", kind=OrganizationKind.NGO, sector=Sector.BUSINESS)

    saved = services.organization_save(organization=organization, actor=city_staff)

    assert saved.sector == Sector.BUSINESS


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("nip", "1234563219", "Enter a valid NIP: 10 digits with a correct check digit."),
        ("regon", "123456784", "Enter a valid REGON: 9 or 14 digits with a correct check digit."),
        ("krs", "12345", "Enter a valid KRS number: 10 digits."),
    ],
)
def test_organisation_with_a_bad_registry_number_is_refused(city_staff, field, value, message):
    organization = Organization(name="Fundacja", kind=OrganizationKind.NGO, **{field: value})

    with pytest.raises(ValidationError) as exc_info:
        services.organization_save(organization=organization, actor=city_staff)

    assert exc_info.value.message_dict == {field: [message]}
    assert Organization.objects.filter(name="Fundacja").exists() is False


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("nip", valid_nip(777000111), "An organisation with this NIP already exists."),
        ("regon", valid_regon(7654321), "An organisation with this REGON already exists."),
        ("krs", "0000654321", "An organisation with this KRS number already exists."),
    ],
)
def test_organisation_with_a_duplicate_registry_number_is_refused(city_staff, field, value, message):
    factories.OrganizationFactory(**{field: value})
    duplicate = Organization(name="Duplikat", kind=OrganizationKind.NGO, **{"nip": "", field: value})

    with pytest.raises(ValidationError) as exc_info:
        services.organization_save(organization=duplicate, actor=city_staff)

    assert exc_info.value.message_dict == {"__all__": [message]}
    assert Organization.objects.filter(name="Duplikat").exists() is False


def test_organisations_without_numbers_do_not_clash(city_staff):
    for name in ("Grupa A", "Grupa B"):
        services.organization_save(
            organization=Organization(name=name, kind=OrganizationKind.INFORMAL, nip=""), actor=city_staff
        )

    assert Organization.objects.filter(nip="", name__startswith="Grupa").count() == 2


def test_organisation_without_a_name_is_refused(city_staff):
    with pytest.raises(ValidationError) as exc_info:
        services.organization_save(organization=Organization(kind=OrganizationKind.NGO), actor=city_staff)

    assert list(exc_info.value.message_dict) == ["name"]


@pytest.mark.parametrize("fixture", ["operator_a", "animator", "team_member"])
def test_only_city_staff_save_organisations(request, fixture):
    user = request.getfixturevalue(fixture)

    with pytest.raises(PermissionDenied):
        services.organization_save(
            organization=Organization(name="Fundacja X", kind=OrganizationKind.NGO), actor=user
        )

    assert Organization.objects.filter(name="Fundacja X").exists() is False


# --- operator_term_save ------------------------------------------------------------------


def _today():
    return timezone.localdate()


def test_city_staff_record_a_term_after_the_previous_one_ends(city_staff, centre_a):
    # Given the current term of centre A ends yesterday
    OperatorTerm.objects.filter(centre=centre_a).update(
        start=_today() - timedelta(days=365), end=_today() - timedelta(days=1)
    )
    new_operator = factories.OrganizationFactory()

    # When city staff record the next operator from today
    term = services.operator_term_save(
        term=OperatorTerm(centre=centre_a, organization=new_operator, start=_today()), actor=city_staff
    )

    # Then both terms exist and only the new one is current
    assert OperatorTerm.objects.filter(centre=centre_a).count() == 2
    assert term.is_current() is True


def test_overlapping_terms_of_one_centre_are_refused(city_staff, centre_a):
    term = OperatorTerm(
        centre=centre_a,
        organization=factories.OrganizationFactory(),
        start=_today() - timedelta(days=10),
        end=_today() + timedelta(days=10),
    )

    with pytest.raises(ValidationError) as exc_info:
        services.operator_term_save(term=term, actor=city_staff)

    assert exc_info.value.message_dict == {
        "__all__": ["This centre already has an operator term in that period."]
    }
    assert OperatorTerm.objects.filter(centre=centre_a).count() == 1


def test_terms_touching_on_the_same_day_overlap(city_staff, centre_a):
    # Both bounds are inclusive: a term ending on the day the next one starts overlaps it.
    OperatorTerm.objects.filter(centre=centre_a).update(
        start=_today() - timedelta(days=100), end=_today() - timedelta(days=10)
    )
    term = OperatorTerm(
        centre=centre_a, organization=factories.OrganizationFactory(), start=_today() - timedelta(days=10)
    )

    with pytest.raises(ValidationError):
        services.operator_term_save(term=term, actor=city_staff)


def test_overlapping_terms_of_different_centres_are_allowed(city_staff, centre_a, centre_b):
    organization = centre_a.terms.get().organization

    services.operator_term_save(
        term=OperatorTerm(centre=factories.CentreFactory(), organization=organization, start=_today()),
        actor=city_staff,
    )

    assert OperatorTerm.objects.filter(organization=organization).count() == 2


def test_changing_a_term_does_not_overlap_with_itself(city_staff, centre_a):
    term = centre_a.terms.get()
    term.end = _today() + timedelta(days=30)

    services.operator_term_save(term=term, actor=city_staff)

    term.refresh_from_db()
    assert term.end == _today() + timedelta(days=30)


def test_term_ending_before_it_starts_is_refused(city_staff):
    term = OperatorTerm(
        centre=factories.CentreFactory(),
        organization=factories.OrganizationFactory(),
        start=_today(),
        end=_today() - timedelta(days=1),
    )

    with pytest.raises(ValidationError) as exc_info:
        services.operator_term_save(term=term, actor=city_staff)

    assert exc_info.value.message_dict == {"end": ["The end of the term cannot be before its start."]}
    assert OperatorTerm.objects.count() == 0


def test_term_without_a_start_is_refused(city_staff):
    term = OperatorTerm(centre=factories.CentreFactory(), organization=factories.OrganizationFactory())

    with pytest.raises(ValidationError) as exc_info:
        services.operator_term_save(term=term, actor=city_staff)

    assert list(exc_info.value.message_dict) == ["start"]


@pytest.mark.parametrize("fixture", ["operator_a", "animator", "team_member"])
def test_only_city_staff_save_terms(request, fixture):
    user = request.getfixturevalue(fixture)
    term = OperatorTerm(
        centre=factories.CentreFactory(), organization=factories.OrganizationFactory(), start=_today()
    )

    with pytest.raises(PermissionDenied):
        services.operator_term_save(term=term, actor=user)

    assert OperatorTerm.objects.filter(centre=term.centre).exists() is False


# --- membership_save ---------------------------------------------------------------------


def test_city_staff_add_a_member_to_an_organisation(city_staff):
    user = factories.UserFactory()
    organization = factories.OrganizationFactory()

    services.membership_save(
        membership=Membership(user=user, organization=organization, role=MembershipRole.ANIMATOR),
        actor=city_staff,
    )

    assert Membership.objects.get(user=user).role == MembershipRole.ANIMATOR


def test_a_duplicate_membership_is_refused(city_staff):
    existing = factories.MembershipFactory()
    duplicate = Membership(
        user=existing.user, organization=existing.organization, role=MembershipRole.ANIMATOR
    )

    with pytest.raises(ValidationError) as exc_info:
        services.membership_save(membership=duplicate, actor=city_staff)

    assert exc_info.value.messages == ["This user is already a member of this organisation."]


def test_a_membership_with_an_unknown_role_is_refused(city_staff):
    membership = Membership(
        user=factories.UserFactory(), organization=factories.OrganizationFactory(), role="prezes"
    )

    with pytest.raises(ValidationError) as exc_info:
        services.membership_save(membership=membership, actor=city_staff)

    assert list(exc_info.value.message_dict) == ["role"]


def test_an_operator_may_not_add_members(operator_a):
    organization = Membership.objects.get(user=operator_a).organization
    membership = Membership(
        user=factories.UserFactory(), organization=organization, role=MembershipRole.COORDINATOR
    )

    with pytest.raises(PermissionDenied):
        services.membership_save(membership=membership, actor=operator_a)

    assert Membership.objects.filter(organization=organization).count() == 1


# --- role_groups_ensure ------------------------------------------------------------------


def test_role_groups_ensure_is_idempotent(db):
    first = services.role_groups_ensure()
    second = services.role_groups_ensure()

    assert [g.name for g in first] == list(ROLE_GROUPS)
    assert [g.pk for g in first] == [g.pk for g in second]
    assert Group.objects.filter(name__in=ROLE_GROUPS).count() == 3
