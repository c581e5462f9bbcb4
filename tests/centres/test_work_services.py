"""Services of a centre's work: resources, groups, activities (and series), volunteers,
partners added on the spot. Each: success, validation, permission, audit, locking."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone
from pghistory.models import Events

from centres import services
from centres.models import (
    Activity,
    ActivityEvent,
    ActivityPartner,
    ActivityPartnerEvent,
    ActivitySeries,
    ActivitySeriesEvent,
    CalMethod,
    Effect,
    GroupEvent,
    GroupKind,
    LegalBasis,
    OperatorTerm,
    Organization,
    OrganizationEvent,
    OrganizationKind,
    Resource,
    ResourceCategory,
    ResourceEvent,
    ResourceKind,
    Sector,
    SeriesFrequency,
    Volunteer,
    VolunteerEvent,
)
from centres.models import ActivityForm as ActivityFormChoice
from centres.models import Group as CentreGroup
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

WARSAW = ZoneInfo("Europe/Warsaw")
DELETED_MESSAGE = "This record was deleted by someone else while you were editing it."
REQUIRED_CONSENT = "Required: personal data is kept only with a recorded consent or another legal basis."


def conflict_message(record: str) -> str:
    return (
        f"Someone else saved a change to this record ({record}) while you were editing it. Your changes "
        "were not saved: reload the page to see the current version, then make your changes again."
    )


def hours_message(limit: str) -> str:
    return (
        "Volunteer hours cannot exceed the length of the activity times the number of volunteers "
        f"(at most {limit} h)."
    )


def local(year: int, month: int, day: int, hour: int = 17, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=WARSAW)


def activity_fields(**overrides: Any) -> dict[str, Any]:
    start = overrides.pop("start", local(2026, 6, 2, 17))
    fields: dict[str, Any] = {
        "title": "Warsztaty ceramiczne",
        "description": "Lepimy z gliny.",
        "start": start,
        "end": start + timedelta(hours=2),
        "method": CalMethod.ORGANISING,
        "form": ActivityFormChoice.WORKSHOP,
        "place": "Sala główna",
        "participants_26_59": 8,
        "participants_60_plus": 4,
        "volunteers_involved": 2,
        "volunteer_hours": Decimal("3.5"),
        "effects": [Effect.RELATIONS, Effect.INCLUSION],
        "is_public": True,
    }
    fields.update(overrides)
    return fields


def volunteer_fields(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "name": "Anna Sąsiedzka",
        "email": "anna.sasiedzka@example.org",
        "phone": "600 700 800",
        "skills": "szycie, animacja",
        "notes": "Mieszka przy Zachodniej.",
        "consent_date": timezone.localdate() - timedelta(days=3),
        "consent_scope": "Imię, nazwisko i kontakt do organizowania działań.",
        "legal_basis": LegalBasis.CONSENT,
        "agreement_start": date(2026, 1, 1),
        "agreement_end": date(2026, 12, 31),
    }
    fields.update(overrides)
    return fields


def context_of(event: Any) -> dict[str, Any]:
    metadata: dict[str, Any] = event.pgh_context.metadata
    return metadata


def _end_terms_of(centre: Any) -> None:
    start, end = factories.past_term_dates()
    OperatorTerm.objects.filter(centre=centre).update(start=start, end=end)


# --- Who may write: one table for every service --------------------------------------------
# Each entry writes something to centre_a as ``actor``; operator-b, the animator, the standing
# team, an operator whose term ended and a user without membership are refused; city staff
# and operator-a may.


def _create_resource(actor: Any, centre: Any) -> Any:
    return services.resource_create(
        centre=centre, actor=actor, kind=ResourceKind.MATERIAL, category=ResourceCategory.ROOM, name="Sala"
    )


def _update_resource(actor: Any, centre: Any) -> Any:
    resource = factories.ResourceFactory(centre=centre)
    return services.resource_update(resource=resource, actor=actor, expected_version=1, name="Nowa")


def _delete_resource(actor: Any, centre: Any) -> Any:
    resource = factories.ResourceFactory(centre=centre)
    return services.resource_delete(resource=resource, actor=actor, expected_version=1)


def _create_group(actor: Any, centre: Any) -> Any:
    return services.group_create(centre=centre, actor=actor, name="Klub seniora", kind=GroupKind.CLUB)


def _update_group(actor: Any, centre: Any) -> Any:
    group = factories.GroupFactory(centre=centre)
    return services.group_update(group=group, actor=actor, expected_version=1, name="Nowa")


def _delete_group(actor: Any, centre: Any) -> Any:
    group = factories.GroupFactory(centre=centre)
    return services.group_delete(group=group, actor=actor, expected_version=1)


def _create_activity(actor: Any, centre: Any) -> Any:
    return services.activity_create(centre=centre, actor=actor, **activity_fields())


def _update_activity(actor: Any, centre: Any) -> Any:
    activity = factories.ActivityFactory(centre=centre)
    return services.activity_update(activity=activity, actor=actor, expected_version=1, title="Nowy")


def _delete_activity(actor: Any, centre: Any) -> Any:
    activity = factories.ActivityFactory(centre=centre)
    return services.activity_delete(activity=activity, actor=actor, expected_version=1)


def _create_series(actor: Any, centre: Any) -> Any:
    return services.activity_series_create(
        centre=centre,
        actor=actor,
        frequency=SeriesFrequency.WEEKLY,
        until=date(2026, 6, 16),
        **activity_fields(),
    )


def _create_volunteer(actor: Any, centre: Any) -> Any:
    return services.volunteer_create(centre=centre, actor=actor, **volunteer_fields())


def _update_volunteer(actor: Any, centre: Any) -> Any:
    volunteer = factories.VolunteerFactory(centre=centre)
    return services.volunteer_update(volunteer=volunteer, actor=actor, expected_version=1, skills="gotowanie")


def _erase_volunteer(actor: Any, centre: Any) -> Any:
    volunteer = factories.VolunteerFactory(centre=centre)
    return services.volunteer_erase(volunteer=volunteer, actor=actor)


WRITES = {
    "resource_create": _create_resource,
    "resource_update": _update_resource,
    "resource_delete": _delete_resource,
    "group_create": _create_group,
    "group_update": _update_group,
    "group_delete": _delete_group,
    "activity_create": _create_activity,
    "activity_update": _update_activity,
    "activity_delete": _delete_activity,
    "activity_series_create": _create_series,
    "volunteer_create": _create_volunteer,
    "volunteer_update": _update_volunteer,
    "volunteer_erase": _erase_volunteer,
}


def _row_counts() -> dict[str, int]:
    return {
        "resources": Resource.objects.count(),
        "groups": CentreGroup.objects.count(),
        "activities": Activity.objects.count(),
        "series": ActivitySeries.objects.count(),
        "volunteers": Volunteer.objects.count(),
    }


@pytest.mark.parametrize("write", sorted(WRITES))
@pytest.mark.parametrize("who", ["operator_b", "animator", "team_member", "ended_operator", "no_membership"])
def test_writes_to_another_centre_are_refused(request, write, who, operator_a_and_centre, operator_b):
    operator_a, centre_a = operator_a_and_centre
    if who == "ended_operator":
        _end_terms_of(centre_a)
        actor = operator_a
    elif who == "no_membership":
        actor = factories.UserFactory(username="someone")
    else:
        actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        WRITES[write](actor, centre_a)

    # Nothing was created; the record a change, deletion or erasure was about is untouched.
    assert sum(_row_counts().values()) == (0 if write.endswith("_create") else 1)
    assert Resource.objects.filter(name__in=["Sala", "Nowa"]).count() == 0
    assert CentreGroup.objects.filter(name__in=["Klub seniora", "Nowa"]).count() == 0
    assert Activity.objects.filter(title__in=["Warsztaty ceramiczne", "Nowy"]).count() == 0
    assert Volunteer.objects.filter(skills="gotowanie").count() == 0
    assert Volunteer.objects.filter(erased_at__isnull=False).count() == 0
    assert [
        r.version for r in (*Resource.objects.all(), *Activity.objects.all(), *Volunteer.objects.all())
    ] + [g.version for g in CentreGroup.objects.all()] == ([] if write.endswith("_create") else [1])


@pytest.mark.parametrize("write", sorted(WRITES))
@pytest.mark.parametrize("who", ["city_staff", "operator_a"])
def test_city_staff_and_the_centres_operator_may_write(request, write, who, centre_a):
    actor = request.getfixturevalue(who)

    WRITES[write](actor, centre_a)

    # The write happened: deletions leave no record, the rest leave one (a series: three).
    counts = _row_counts()
    if write.endswith("_delete"):
        assert sum(counts.values()) == 0
    elif write == "activity_series_create":
        assert counts == {"resources": 0, "groups": 0, "activities": 3, "series": 1, "volunteers": 0}
    else:
        assert sum(counts.values()) == 1


# --- Resources ----------------------------------------------------------------------------


def test_operator_creates_a_resource(operator_a, centre_a):
    resource = services.resource_create(
        centre=centre_a,
        actor=operator_a,
        kind=ResourceKind.MATERIAL,
        category=ResourceCategory.GARDEN,
        name="Ogród społeczny",
        description="Grządki i ławki.",
        capacity=40,
        accessible=True,
        shareable=True,
    )

    resource.refresh_from_db()
    assert resource.centre == centre_a
    assert (resource.kind, resource.category, resource.name) == ("materialny", "ogrod", "Ogród społeczny")
    assert (resource.capacity, resource.accessible, resource.shareable) == (40, True, True)
    assert resource.version == 1


@pytest.mark.parametrize(
    ("kind", "category"),
    [
        (ResourceKind.MATERIAL, ResourceCategory.STAFF_KNOWLEDGE),
        (ResourceKind.IMMATERIAL, ResourceCategory.ROOM),
        (ResourceKind.IMMATERIAL, ResourceCategory.EQUIPMENT),
    ],
)
def test_resource_category_must_fit_its_kind(operator_a, centre_a, kind, category):
    with pytest.raises(ValidationError) as exc_info:
        services.resource_create(centre=centre_a, actor=operator_a, kind=kind, category=category, name="X")

    assert exc_info.value.message_dict == {
        "category": ["This category does not belong to the chosen kind of resource."]
    }
    assert Resource.objects.count() == 0


def test_every_category_of_a_kind_is_accepted(operator_a, centre_a):
    for category in (ResourceCategory.STAFF_KNOWLEDGE, ResourceCategory.SOCIAL_CAPITAL):
        services.resource_create(
            centre=centre_a, actor=operator_a, kind=ResourceKind.IMMATERIAL, category=category, name=category
        )

    assert sorted(Resource.objects.values_list("category", flat=True)) == ["kapital-spoleczny", "wiedza"]


def test_resource_field_errors(operator_a, centre_a):
    with pytest.raises(ValidationError) as exc_info:
        services.resource_create(
            centre=centre_a,
            actor=operator_a,
            kind="bogus",
            category=ResourceCategory.ROOM,
            name="",
            capacity=-5,
        )

    assert exc_info.value.message_dict == {
        "kind": ["Value 'bogus' is not a valid choice."],
        "name": ["This field cannot be blank."],
        "capacity": ["Ensure this value is greater than or equal to 0."],
        "category": ["This category does not belong to the chosen kind of resource."],
    }
    assert Resource.objects.count() == 0


def test_resource_services_refuse_fields_outside_their_list(operator_a, centre_a, centre_b):
    resource = factories.ResourceFactory(centre=centre_a)

    with pytest.raises(TypeError, match="centre"):
        services.resource_update(resource=resource, actor=operator_a, expected_version=1, centre=centre_b)
    with pytest.raises(TypeError, match="version"):
        services.resource_create(centre=centre_a, actor=operator_a, version=7)

    resource.refresh_from_db()
    assert (resource.centre, resource.version) == (centre_a, 1)


def test_resource_update_changes_it_and_bumps_the_version(operator_a, centre_a):
    resource = factories.ResourceFactory(centre=centre_a, name="Sala 1")

    updated = services.resource_update(
        resource=resource, actor=operator_a, expected_version=1, name="Sala warsztatowa", capacity=12
    )

    resource.refresh_from_db()
    assert (updated.version, resource.version) == (2, 2)
    assert (resource.name, resource.capacity) == ("Sala warsztatowa", 12)


def test_resource_update_is_validated(operator_a, centre_a):
    resource = factories.ResourceFactory(centre=centre_a)

    with pytest.raises(ValidationError) as exc_info:
        services.resource_update(
            resource=resource, actor=operator_a, expected_version=1, kind=ResourceKind.IMMATERIAL
        )

    assert list(exc_info.value.message_dict) == ["category"]
    resource.refresh_from_db()
    assert (resource.kind, resource.version) == (ResourceKind.MATERIAL, 1)


def test_resource_delete(operator_a, centre_a):
    resource = factories.ResourceFactory(centre=centre_a)

    services.resource_delete(resource=resource, actor=operator_a, expected_version=1)

    assert Resource.objects.filter(pk=resource.pk).exists() is False


# --- Audit: every write leaves an event with the user and the action -----------------------


def test_resource_writes_are_audited(operator_a, centre_a):
    resource = _create_resource(operator_a, centre_a)
    services.resource_update(resource=resource, actor=operator_a, expected_version=1, name="Sala B")
    services.resource_delete(resource=resource, actor=operator_a, expected_version=2)

    events = ResourceEvent.objects.filter(pgh_obj_id=resource.pk).order_by("pgh_id")
    assert [(e.pgh_label, e.name, e.version) for e in events] == [
        ("insert", "Sala", 1),
        ("update", "Sala B", 2),
        ("delete", "Sala B", 2),
    ]
    assert [context_of(e) for e in events] == [
        {"user": operator_a.pk, "action": "resource.create"},
        {"user": operator_a.pk, "action": "resource.update"},
        {"user": operator_a.pk, "action": "resource.delete"},
    ]


def test_group_writes_are_audited(city_staff, centre_a):
    group = _create_group(city_staff, centre_a)
    services.group_update(group=group, actor=city_staff, expected_version=1, meets="czwartki 17:00")
    services.group_delete(group=group, actor=city_staff, expected_version=2)

    events = GroupEvent.objects.filter(pgh_obj_id=group.pk).order_by("pgh_id")
    assert [(e.pgh_label, e.meets) for e in events] == [
        ("insert", ""),
        ("update", "czwartki 17:00"),
        ("delete", "czwartki 17:00"),
    ]
    assert [context_of(e)["action"] for e in events] == ["group.create", "group.update", "group.delete"]
    assert {context_of(e)["user"] for e in events} == {city_staff.pk}


def test_activity_writes_are_audited_with_their_partners(operator_a, centre_a):
    partner = factories.OrganizationFactory(name="Biblioteka Szczepin")
    activity = services.activity_create(
        centre=centre_a, actor=operator_a, partners=[partner], **activity_fields()
    )
    services.activity_update(activity=activity, actor=operator_a, expected_version=1, partners=[], title="B")
    services.activity_delete(activity=activity, actor=operator_a, expected_version=2)

    events = ActivityEvent.objects.filter(pgh_obj_id=activity.pk).order_by("pgh_id")
    assert [(e.pgh_label, e.title, context_of(e)) for e in events] == [
        ("insert", "Warsztaty ceramiczne", {"user": operator_a.pk, "action": "activity.create"}),
        ("update", "B", {"user": operator_a.pk, "action": "activity.update"}),
        ("delete", "B", {"user": operator_a.pk, "action": "activity.delete"}),
    ]
    links = ActivityPartnerEvent.objects.filter(activity_id=activity.pk).order_by("pgh_id")
    assert [(e.pgh_label, e.organization_id, context_of(e)["action"]) for e in links] == [
        ("insert", partner.pk, "activity.create"),
        ("delete", partner.pk, "activity.update"),
    ]


def test_volunteer_writes_are_audited(operator_a, centre_a):
    volunteer = services.volunteer_create(centre=centre_a, actor=operator_a, **volunteer_fields())
    services.volunteer_update(volunteer=volunteer, actor=operator_a, expected_version=1, active=False)

    events = VolunteerEvent.objects.filter(pgh_obj_id=volunteer.pk).order_by("pgh_id")
    assert [(e.pgh_label, e.active, context_of(e)) for e in events] == [
        ("insert", True, {"user": operator_a.pk, "action": "volunteer.create"}),
        ("update", False, {"user": operator_a.pk, "action": "volunteer.update"}),
    ]


# --- Optimistic locking: a stale version, or a record deleted meanwhile -------------------

RECORDS = {
    "resource": (factories.ResourceFactory, services.resource_update, services.resource_delete, "name"),
    "group": (factories.GroupFactory, services.group_update, services.group_delete, "name"),
    "activity": (factories.ActivityFactory, services.activity_update, services.activity_delete, "title"),
    "volunteer": (factories.VolunteerFactory, services.volunteer_update, None, "name"),
}


def _snapshot(record: Any) -> dict[str, Any]:
    fresh = type(record).objects.get(pk=record.pk)
    return {f.attname: getattr(fresh, f.attname) for f in fresh._meta.concrete_fields}


@pytest.mark.parametrize("kind", sorted(RECORDS))
def test_update_from_a_stale_version_is_a_conflict_and_changes_nothing(operator_a, centre_a, kind):
    factory, update, _delete, text_field = RECORDS[kind]
    # Given two people read version 1 and the first one saves
    record = factory(centre=centre_a)
    update(**{kind: record, "actor": operator_a, "expected_version": 1, text_field: "Pierwsza zmiana"})
    before = _snapshot(record)

    # When the second one saves from version 1
    with pytest.raises(services.ConflictError) as exc_info:
        update(**{kind: record, "actor": operator_a, "expected_version": 1, text_field: "Druga zmiana"})

    # Then nothing changes and the message names the record
    assert exc_info.value.code == "conflict"
    assert exc_info.value.messages == [conflict_message("Pierwsza zmiana")]
    assert _snapshot(record) == before
    assert before[text_field] == "Pierwsza zmiana"
    assert before["version"] == 2


@pytest.mark.parametrize("kind", ["resource", "group", "activity"])
def test_delete_from_a_stale_version_is_a_conflict_and_deletes_nothing(operator_a, centre_a, kind):
    factory, update, delete, text_field = RECORDS[kind]
    record = factory(centre=centre_a)
    update(**{kind: record, "actor": operator_a, "expected_version": 1, text_field: "Zmieniona"})

    with pytest.raises(services.ConflictError) as exc_info:
        delete(**{kind: record, "actor": operator_a, "expected_version": 1})

    assert exc_info.value.messages == [conflict_message("Zmieniona")]
    assert _snapshot(record)["version"] == 2


@pytest.mark.parametrize("kind", sorted(RECORDS))
def test_update_of_a_record_deleted_meanwhile_is_a_conflict(operator_a, centre_a, kind):
    factory, update, _delete, text_field = RECORDS[kind]
    record = factory(centre=centre_a)
    type(record).objects.filter(pk=record.pk).delete()

    with pytest.raises(services.ConflictError) as exc_info:
        update(**{kind: record, "actor": operator_a, "expected_version": 1, text_field: "Zmiana"})

    assert exc_info.value.code == "conflict"
    assert exc_info.value.messages == [DELETED_MESSAGE]
    assert type(record).objects.count() == 0


@pytest.mark.parametrize("kind", ["resource", "group", "activity"])
def test_delete_of_a_record_deleted_meanwhile_is_a_conflict(operator_a, centre_a, kind):
    factory, _update, delete, _text_field = RECORDS[kind]
    record = factory(centre=centre_a)
    type(record).objects.filter(pk=record.pk).delete()

    with pytest.raises(services.ConflictError) as exc_info:
        delete(**{kind: record, "actor": operator_a, "expected_version": 1})

    assert exc_info.value.messages == [DELETED_MESSAGE]


# --- Groups -----------------------------------------------------------------------------


def test_operator_creates_and_updates_a_group(operator_a, centre_a):
    group = services.group_create(
        centre=centre_a,
        actor=operator_a,
        name="Grupa wsparcia rodziców",
        kind=GroupKind.SELF_HELP,
        meets="co drugi czwartek",
        members_count=9,
    )

    updated = services.group_update(group=group, actor=operator_a, expected_version=1, active=False)

    group.refresh_from_db()
    assert (group.name, group.kind, group.meets, group.members_count) == (
        "Grupa wsparcia rodziców",
        "samopomocowa",
        "co drugi czwartek",
        9,
    )
    assert (group.active, group.version, updated.version) == (False, 2, 2)


def test_group_field_errors(operator_a, centre_a):
    with pytest.raises(ValidationError) as exc_info:
        services.group_create(centre=centre_a, actor=operator_a, name="", kind="bogus", members_count=-1)

    assert exc_info.value.message_dict == {
        "name": ["This field cannot be blank."],
        "kind": ["Value 'bogus' is not a valid choice."],
        "members_count": ["Ensure this value is greater than or equal to 0."],
    }
    assert CentreGroup.objects.count() == 0


def test_group_update_is_validated(operator_a, centre_a):
    group = factories.GroupFactory(centre=centre_a, name="Klub")

    with pytest.raises(ValidationError) as exc_info:
        services.group_update(group=group, actor=operator_a, expected_version=1, name="")

    assert exc_info.value.message_dict == {"name": ["This field cannot be blank."]}
    group.refresh_from_db()
    assert (group.name, group.version) == ("Klub", 1)


def test_group_delete(operator_a, centre_a):
    group = factories.GroupFactory(centre=centre_a)

    services.group_delete(group=group, actor=operator_a, expected_version=1)

    assert CentreGroup.objects.count() == 0


# --- Activities -------------------------------------------------------------------------


def test_operator_creates_an_activity(operator_a, centre_a):
    activity = services.activity_create(centre=centre_a, actor=operator_a, **activity_fields())

    activity = Activity.objects.get(pk=activity.pk)
    assert activity.centre == centre_a
    assert activity.title == "Warsztaty ceramiczne"
    assert timezone.localtime(activity.start) == local(2026, 6, 2, 17)
    assert activity.end - activity.start == timedelta(hours=2)
    assert activity.participants == 12
    assert activity.volunteer_hours == Decimal("3.5")
    assert activity.effects == ["relacje", "wykluczenie"]
    assert (activity.series, activity.version) == (None, 1)
    assert list(activity.partners.all()) == []


@pytest.mark.parametrize("end_offset", [timedelta(0), timedelta(minutes=-30)])
def test_activity_must_end_after_it_starts(operator_a, centre_a, end_offset):
    start = local(2026, 6, 2, 17)

    with pytest.raises(ValidationError) as exc_info:
        services.activity_create(
            centre=centre_a, actor=operator_a, **activity_fields(start=start, end=start + end_offset)
        )

    assert exc_info.value.message_dict == {"end": ["The end must be after the start."]}
    assert Activity.objects.count() == 0


@pytest.mark.parametrize("band", ["participants_0_12", "participants_13_17", "participants_60_plus"])
def test_negative_participants_are_a_field_error(operator_a, centre_a, band):
    with pytest.raises(ValidationError) as exc_info:
        services.activity_create(centre=centre_a, actor=operator_a, **activity_fields(**{band: -1}))

    assert exc_info.value.message_dict == {band: ["Ensure this value is greater than or equal to 0."]}
    assert Activity.objects.count() == 0


def test_negative_participants_in_an_update_are_a_field_error(operator_a, centre_a):
    activity = factories.ActivityFactory(centre=centre_a)

    with pytest.raises(ValidationError) as exc_info:
        services.activity_update(
            activity=activity, actor=operator_a, expected_version=1, participants_26_59=-3
        )

    assert exc_info.value.message_dict == {
        "participants_26_59": ["Ensure this value is greater than or equal to 0."]
    }
    activity.refresh_from_db()
    assert (activity.participants_26_59, activity.version) == (10, 1)


def test_negative_volunteers_are_one_field_error(operator_a, centre_a):
    with pytest.raises(ValidationError) as exc_info:
        services.activity_create(
            centre=centre_a, actor=operator_a, **activity_fields(volunteers_involved=-2, volunteer_hours=0)
        )

    assert exc_info.value.message_dict == {
        "volunteers_involved": ["Ensure this value is greater than or equal to 0."]
    }


def test_negative_volunteer_hours_are_a_field_error(operator_a, centre_a):
    with pytest.raises(ValidationError) as exc_info:
        services.activity_create(
            centre=centre_a, actor=operator_a, **activity_fields(volunteer_hours=Decimal("-1"))
        )

    assert exc_info.value.message_dict == {
        "volunteer_hours": ["Ensure this value is greater than or equal to 0."]
    }


@pytest.mark.parametrize(
    ("length", "volunteers", "hours"),
    [
        (timedelta(hours=2), 3, Decimal("6.0")),
        (timedelta(hours=2), 3, Decimal("0")),
        (timedelta(hours=1, minutes=20), 3, Decimal("4.0")),
        (timedelta(minutes=20), 3, Decimal("1.0")),
        (timedelta(hours=2), 0, Decimal("0")),
    ],
)
def test_volunteer_hours_up_to_length_times_volunteers_are_accepted(
    operator_a, centre_a, length, volunteers, hours
):
    start = local(2026, 6, 2, 17)

    activity = services.activity_create(
        centre=centre_a,
        actor=operator_a,
        **activity_fields(
            start=start, end=start + length, volunteers_involved=volunteers, volunteer_hours=hours
        ),
    )

    assert Activity.objects.get(pk=activity.pk).volunteer_hours == hours


@pytest.mark.parametrize(
    ("length", "volunteers", "hours", "limit"),
    [
        (timedelta(hours=2), 3, Decimal("6.1"), "6.0"),
        (timedelta(hours=2), 0, Decimal("0.5"), "0.0"),
        (timedelta(hours=1, minutes=20), 3, Decimal("4.1"), "4.0"),
        (timedelta(minutes=50), 1, Decimal("0.9"), "0.8"),
    ],
)
def test_volunteer_hours_beyond_length_times_volunteers_are_refused(
    operator_a, centre_a, length, volunteers, hours, limit
):
    start = local(2026, 6, 2, 17)

    with pytest.raises(ValidationError) as exc_info:
        services.activity_create(
            centre=centre_a,
            actor=operator_a,
            **activity_fields(
                start=start, end=start + length, volunteers_involved=volunteers, volunteer_hours=hours
            ),
        )

    assert exc_info.value.message_dict == {"volunteer_hours": [hours_message(limit)]}
    assert Activity.objects.count() == 0


def test_volunteer_hours_are_checked_on_update_against_the_new_length(operator_a, centre_a):
    activity = factories.ActivityFactory(
        centre=centre_a, volunteers_involved=2, volunteer_hours=Decimal("4.0")
    )

    with pytest.raises(ValidationError) as exc_info:
        services.activity_update(
            activity=activity, actor=operator_a, expected_version=1, end=activity.start + timedelta(hours=1)
        )

    assert exc_info.value.message_dict == {"volunteer_hours": [hours_message("2.0")]}


def test_an_unknown_effect_is_refused_with_one_message(operator_a, centre_a):
    with pytest.raises(ValidationError) as exc_info:
        services.activity_create(
            centre=centre_a, actor=operator_a, **activity_fields(effects=[Effect.RELATIONS, "bogus", "abc"])
        )

    assert exc_info.value.message_dict == {"effects": ["Unknown effect: abc, bogus."]}
    assert Activity.objects.count() == 0


def test_activity_choice_fields_are_validated(operator_a, centre_a):
    with pytest.raises(ValidationError) as exc_info:
        services.activity_create(
            centre=centre_a, actor=operator_a, **activity_fields(method="bogus", form="other", title="")
        )

    assert exc_info.value.message_dict == {
        "title": ["This field cannot be blank."],
        "method": ["Value 'bogus' is not a valid choice."],
        "form": ["Value 'other' is not a valid choice."],
    }


def test_activity_with_partners_and_a_new_partner(operator_a, centre_a):
    library = factories.OrganizationFactory(name="Biblioteka Szczepin")
    school = factories.OrganizationFactory(name="SP 12")

    activity = services.activity_create(
        centre=centre_a,
        actor=operator_a,
        partners=[library, school],
        new_partner_name="  Rada   Osiedla Szczepin ",
        new_partner_kind=OrganizationKind.COUNCIL,
        **activity_fields(),
    )

    new = Organization.objects.get(name="Rada Osiedla Szczepin")
    assert (new.kind, new.sector) == (OrganizationKind.COUNCIL, Sector.PUBLIC)
    assert set(activity.partners.all()) == {library, school, new}
    event = OrganizationEvent.objects.get(pgh_obj_id=new.pk)
    assert context_of(event) == {"user": operator_a.pk, "action": "organization.add_partner"}


def test_new_partner_needs_a_kind_and_nothing_is_saved_without_it(operator_a, centre_a):
    with pytest.raises(ValidationError) as exc_info:
        services.activity_create(
            centre=centre_a, actor=operator_a, new_partner_name="Klub Seniora", **activity_fields()
        )

    assert exc_info.value.message_dict == {"new_partner_kind": ["Choose the kind of the new organisation."]}
    assert Activity.objects.count() == 0
    assert Organization.objects.filter(name="Klub Seniora").exists() is False


def test_a_duplicate_new_partner_is_refused_case_insensitively(operator_a, centre_a):
    factories.OrganizationFactory(name="Fundacja Dobra Wola")
    organizations = Organization.objects.count()

    with pytest.raises(ValidationError) as exc_info:
        services.activity_create(
            centre=centre_a,
            actor=operator_a,
            new_partner_name=" fundacja  DOBRA wola",
            new_partner_kind=OrganizationKind.NGO,
            **activity_fields(),
        )

    assert exc_info.value.message_dict == {
        "new_partner_name": [
            "“Fundacja Dobra Wola” is already in the registry: pick it from the list of organisations."
        ]
    }
    assert Activity.objects.count() == 0
    assert Organization.objects.count() == organizations


def test_a_new_partner_of_an_unknown_kind_is_refused_on_the_kind(operator_a, centre_a):
    with pytest.raises(ValidationError) as exc_info:
        services.activity_create(
            centre=centre_a,
            actor=operator_a,
            new_partner_name="Klub Seniora",
            new_partner_kind="bogus",
            **activity_fields(),
        )

    assert exc_info.value.message_dict == {"new_partner_kind": ["Value 'bogus' is not a valid choice."]}
    assert Activity.objects.count() == 0


def test_activity_update_replaces_partners_or_keeps_them(operator_a, centre_a):
    library, school, council = (factories.OrganizationFactory() for _ in range(3))
    activity = factories.ActivityFactory(centre=centre_a, partners=[library, school])

    # partners not given: kept
    services.activity_update(activity=activity, actor=operator_a, expected_version=1, title="Bez zmian")
    assert set(activity.partners.all()) == {library, school}

    # partners given: replaced
    services.activity_update(
        activity=activity, actor=operator_a, expected_version=2, partners=[school, council]
    )
    assert set(activity.partners.all()) == {school, council}

    # a new partner without a list: added to the current ones
    services.activity_update(
        activity=activity,
        actor=operator_a,
        expected_version=3,
        new_partner_name="Parafia św. Mikołaja",
        new_partner_kind=OrganizationKind.RELIGIOUS,
    )
    assert sorted(o.name for o in activity.partners.all()) == sorted(
        [school.name, council.name, "Parafia św. Mikołaja"]
    )
    assert Activity.objects.get(pk=activity.pk).version == 4


def test_activity_delete_removes_its_partner_links(operator_a, centre_a):
    partner = factories.OrganizationFactory()
    activity = factories.ActivityFactory(centre=centre_a, partners=[partner])

    services.activity_delete(activity=activity, actor=operator_a, expected_version=1)

    assert Activity.objects.count() == 0
    assert ActivityPartner.objects.count() == 0
    assert Organization.objects.filter(pk=partner.pk).exists() is True


# --- Series -------------------------------------------------------------------------------


def _series(actor: Any, centre: Any, *, frequency: str, until: date, **overrides: Any) -> ActivitySeries:
    return services.activity_series_create(
        centre=centre, actor=actor, frequency=frequency, until=until, **activity_fields(**overrides)
    )


def test_weekly_series_across_the_autumn_clock_change_keeps_the_local_hour_and_length(operator_a, centre_a):
    # Given a 17:00–19:00 workshop on Tuesdays; clocks go back on Sunday 25 October 2026
    series = _series(
        operator_a,
        centre_a,
        frequency=SeriesFrequency.WEEKLY,
        until=date(2026, 11, 3),
        start=local(2026, 10, 13, 17),
    )

    occurrences = list(series.activities.order_by("start"))
    assert [timezone.localtime(a.start) for a in occurrences] == [
        local(2026, 10, 13, 17),
        local(2026, 10, 20, 17),
        local(2026, 10, 27, 17),
        local(2026, 11, 3, 17),
    ]
    assert [a.start.astimezone(ZoneInfo("UTC")).hour for a in occurrences] == [15, 15, 16, 16]
    assert [a.end - a.start for a in occurrences] == [timedelta(hours=2)] * 4
    assert [timezone.localtime(a.end).hour for a in occurrences] == [19] * 4
    assert (series.frequency, series.occurrences, series.until) == ("weekly", 4, date(2026, 11, 3))
    assert series.first_start == local(2026, 10, 13, 17)


def test_weekly_series_across_the_spring_clock_change_keeps_the_local_hour(operator_a, centre_a):
    series = _series(
        operator_a,
        centre_a,
        frequency=SeriesFrequency.WEEKLY,
        until=date(2027, 4, 2),
        start=local(2027, 3, 19, 18),
    )

    assert [timezone.localtime(a.start) for a in series.activities.order_by("start")] == [
        local(2027, 3, 19, 18),
        local(2027, 3, 26, 18),
        local(2027, 4, 2, 18),
    ]
    assert {a.end - a.start for a in series.activities.all()} == {timedelta(hours=2)}


def test_an_evening_spanning_the_clock_change_keeps_its_real_length(operator_a, centre_a):
    # A night walk 22:00–03:00 (5 hours) on Saturdays; the night of 24/25 October has 6 wall-clock hours.
    start = local(2026, 10, 17, 22)
    series = services.activity_series_create(
        centre=centre_a,
        actor=operator_a,
        frequency=SeriesFrequency.WEEKLY,
        until=date(2026, 10, 31),
        **activity_fields(
            start=start, end=start + timedelta(hours=5), volunteers_involved=1, volunteer_hours=5
        ),
    )

    assert [a.end - a.start for a in series.activities.order_by("start")] == [timedelta(hours=5)] * 3


def test_monthly_series_from_the_31st_uses_the_last_day_of_shorter_months(operator_a, centre_a):
    series = _series(
        operator_a,
        centre_a,
        frequency=SeriesFrequency.MONTHLY,
        until=date(2028, 6, 30),
        start=local(2028, 1, 31, 18),
    )

    starts = [timezone.localtime(a.start) for a in series.activities.order_by("start")]
    assert starts == [
        local(2028, 1, 31, 18),
        local(2028, 2, 29, 18),
        local(2028, 3, 31, 18),
        local(2028, 4, 30, 18),
        local(2028, 5, 31, 18),
        local(2028, 6, 30, 18),
    ]
    assert series.occurrences == 6


def test_monthly_series_in_a_common_year_gives_28_february(operator_a, centre_a):
    series = _series(
        operator_a,
        centre_a,
        frequency=SeriesFrequency.MONTHLY,
        until=date(2027, 3, 30),
        start=local(2027, 1, 31, 18),
    )

    assert [timezone.localtime(a.start).date() for a in series.activities.order_by("start")] == [
        date(2027, 1, 31),
        date(2027, 2, 28),
    ]


def test_series_until_the_day_of_the_first_occurrence_has_one(operator_a, centre_a):
    series = _series(
        operator_a,
        centre_a,
        frequency=SeriesFrequency.WEEKLY,
        until=date(2026, 6, 2),
        start=local(2026, 6, 2, 17),
    )

    assert series.occurrences == 1
    assert series.activities.count() == 1


def test_series_until_before_the_first_date_is_refused(operator_a, centre_a):
    with pytest.raises(ValidationError) as exc_info:
        _series(
            operator_a,
            centre_a,
            frequency=SeriesFrequency.WEEKLY,
            until=date(2026, 6, 1),
            start=local(2026, 6, 2, 17),
        )

    assert exc_info.value.message_dict == {
        "until": ["The series must end on or after the date of its first occurrence."]
    }
    assert (Activity.objects.count(), ActivitySeries.objects.count()) == (0, 0)


def test_series_without_an_end_date_is_refused(operator_a, centre_a):
    with pytest.raises(ValidationError) as exc_info:
        services.activity_series_create(
            centre=centre_a,
            actor=operator_a,
            frequency=SeriesFrequency.WEEKLY,
            until=None,
            **activity_fields(),
        )

    assert exc_info.value.message_dict == {"until": ["This field is required."]}
    assert (Activity.objects.count(), ActivitySeries.objects.count()) == (0, 0)


def test_series_with_an_unknown_frequency_is_refused(operator_a, centre_a):
    with pytest.raises(ValidationError) as exc_info:
        _series(operator_a, centre_a, frequency="daily", until=date(2026, 7, 1))

    assert exc_info.value.message_dict == {"frequency": ["Choose how often the activity repeats."]}
    assert (Activity.objects.count(), ActivitySeries.objects.count()) == (0, 0)


def test_series_of_exactly_the_maximum_is_allowed(operator_a, centre_a):
    start = local(2026, 6, 2, 17)

    series = _series(
        operator_a,
        centre_a,
        frequency=SeriesFrequency.WEEKLY,
        until=date(2026, 6, 2) + timedelta(weeks=199),
        start=start,
    )

    assert series.occurrences == 200
    assert Activity.objects.filter(series=series).count() == 200
    last = series.activities.order_by("-start").first()
    assert last is not None
    assert timezone.localtime(last.start) == local(2030, 3, 26, 17)


def test_series_one_over_the_maximum_is_refused_and_creates_nothing(operator_a, centre_a):
    partner = factories.OrganizationFactory()
    organizations = Organization.objects.count()

    with pytest.raises(ValidationError) as exc_info:
        services.activity_series_create(
            centre=centre_a,
            actor=operator_a,
            frequency=SeriesFrequency.WEEKLY,
            until=date(2026, 6, 2) + timedelta(weeks=200),
            partners=[partner],
            new_partner_name="Nowy Partner",
            new_partner_kind=OrganizationKind.NGO,
            **activity_fields(start=local(2026, 6, 2, 17)),
        )

    assert exc_info.value.message_dict == {
        "until": ["A series can have at most 200 occurrences: choose an earlier end date."]
    }
    assert (Activity.objects.count(), ActivitySeries.objects.count()) == (0, 0)
    assert Organization.objects.count() == organizations
    assert ActivityPartner.objects.count() == 0


def test_a_bad_field_refuses_the_whole_series(operator_a, centre_a):
    with pytest.raises(ValidationError) as exc_info:
        _series(
            operator_a,
            centre_a,
            frequency=SeriesFrequency.WEEKLY,
            until=date(2026, 7, 1),
            participants_13_17=-4,
            method="bogus",
        )

    assert exc_info.value.message_dict == {
        "participants_13_17": ["Ensure this value is greater than or equal to 0."],
        "method": ["Value 'bogus' is not a valid choice."],
    }
    assert (Activity.objects.count(), ActivitySeries.objects.count()) == (0, 0)


def test_series_volunteer_hours_are_checked(operator_a, centre_a):
    with pytest.raises(ValidationError) as exc_info:
        _series(
            operator_a,
            centre_a,
            frequency=SeriesFrequency.WEEKLY,
            until=date(2026, 7, 1),
            volunteers_involved=1,
            volunteer_hours=Decimal("2.5"),
        )

    assert exc_info.value.message_dict == {"volunteer_hours": [hours_message("2.0")]}
    assert (Activity.objects.count(), ActivitySeries.objects.count()) == (0, 0)


def test_series_partners_and_a_new_partner_are_linked_to_every_occurrence(operator_a, centre_a):
    library = factories.OrganizationFactory(name="Biblioteka")

    series = services.activity_series_create(
        centre=centre_a,
        actor=operator_a,
        frequency=SeriesFrequency.WEEKLY,
        until=date(2026, 6, 23),
        partners=[library],
        new_partner_name="Spółdzielnia Szczepin",
        new_partner_kind=OrganizationKind.HOUSING,
        **activity_fields(start=local(2026, 6, 2, 17)),
    )

    new = Organization.objects.get(name="Spółdzielnia Szczepin")
    occurrences = list(series.activities.order_by("start").prefetch_related("partners"))
    assert len(occurrences) == 4
    assert [set(a.partners.all()) for a in occurrences] == [{library, new}] * 4
    assert ActivityPartner.objects.count() == 8


def test_a_duplicate_new_partner_refuses_the_series(operator_a, centre_a):
    factories.OrganizationFactory(name="Biblioteka Miejska")

    with pytest.raises(ValidationError) as exc_info:
        services.activity_series_create(
            centre=centre_a,
            actor=operator_a,
            frequency=SeriesFrequency.WEEKLY,
            until=date(2026, 6, 23),
            new_partner_name="BIBLIOTEKA miejska",
            new_partner_kind=OrganizationKind.LIBRARY,
            **activity_fields(start=local(2026, 6, 2, 17)),
        )

    assert list(exc_info.value.message_dict) == ["new_partner_name"]
    assert (Activity.objects.count(), ActivitySeries.objects.count()) == (0, 0)


def test_series_occurrences_copy_the_fields(operator_a, centre_a):
    series = _series(operator_a, centre_a, frequency=SeriesFrequency.WEEKLY, until=date(2026, 6, 16))

    rows = list(
        series.activities.order_by("start").values_list(
            "title",
            "method",
            "form",
            "participants_60_plus",
            "volunteer_hours",
            "effects",
            "is_public",
            "version",
        )
    )
    assert (
        rows
        == [
            (
                "Warsztaty ceramiczne",
                "organizowanie-aktywnosci",
                "warsztat",
                4,
                Decimal("3.5"),
                ["relacje", "wykluczenie"],
                True,
                1,
            )
        ]
        * 3
    )


def test_series_is_audited(operator_a, centre_a):
    series = _series(operator_a, centre_a, frequency=SeriesFrequency.WEEKLY, until=date(2026, 6, 16))

    series_event = ActivitySeriesEvent.objects.get(pgh_obj_id=series.pk)
    assert context_of(series_event) == {"user": operator_a.pk, "action": "activity_series.create"}
    events = ActivityEvent.objects.filter(series_id=series.pk)
    assert [(e.pgh_label, context_of(e)["action"]) for e in events] == [
        ("insert", "activity_series.create")
    ] * 3


def test_editing_one_occurrence_leaves_the_others_unchanged(operator_a, centre_a):
    series = _series(operator_a, centre_a, frequency=SeriesFrequency.WEEKLY, until=date(2026, 6, 16))
    first, second, third = series.activities.order_by("start")

    services.activity_update(
        activity=second,
        actor=operator_a,
        expected_version=1,
        title="Warsztaty — wydanie specjalne",
        start=second.start + timedelta(hours=1),
        end=second.end + timedelta(hours=1),
    )

    rows = list(series.activities.order_by("start").values_list("pk", "title", "version"))
    assert rows == [
        (first.pk, "Warsztaty ceramiczne", 1),
        (second.pk, "Warsztaty — wydanie specjalne", 2),
        (third.pk, "Warsztaty ceramiczne", 1),
    ]
    assert timezone.localtime(Activity.objects.get(pk=first.pk).start) == local(2026, 6, 2, 17)
    assert timezone.localtime(Activity.objects.get(pk=third.pk).start) == local(2026, 6, 16, 17)


def test_deleting_one_occurrence_keeps_the_series(operator_a, centre_a):
    series = _series(operator_a, centre_a, frequency=SeriesFrequency.WEEKLY, until=date(2026, 6, 16))
    first = series.activities.order_by("start")[0]

    services.activity_delete(activity=first, actor=operator_a, expected_version=1)

    assert series.activities.count() == 2
    assert ActivitySeries.objects.filter(pk=series.pk).exists() is True


# --- Volunteers -------------------------------------------------------------------------


def test_operator_records_a_volunteer(operator_a, centre_a):
    volunteer = services.volunteer_create(
        centre=centre_a, actor=operator_a, is_leader=True, **volunteer_fields()
    )

    volunteer.refresh_from_db()
    assert (volunteer.centre, volunteer.name, volunteer.email) == (
        centre_a,
        "Anna Sąsiedzka",
        "anna.sasiedzka@example.org",
    )
    assert (volunteer.is_leader, volunteer.active, volunteer.erased_at, volunteer.version) == (
        True,
        True,
        None,
        1,
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [("consent_date", None), ("consent_scope", ""), ("legal_basis", "")],
)
def test_volunteer_consent_parts_are_each_required(operator_a, centre_a, field, value):
    with pytest.raises(ValidationError) as exc_info:
        services.volunteer_create(centre=centre_a, actor=operator_a, **volunteer_fields(**{field: value}))

    assert exc_info.value.message_dict == {field: [REQUIRED_CONSENT]}
    assert Volunteer.objects.count() == 0


def test_volunteer_without_a_name_or_consent_gets_every_error(operator_a, centre_a):
    with pytest.raises(ValidationError) as exc_info:
        services.volunteer_create(centre=centre_a, actor=operator_a, name="", email="x@example.org")

    assert exc_info.value.message_dict == {
        "name": ["This field is required."],
        "consent_date": [REQUIRED_CONSENT],
        "consent_scope": [REQUIRED_CONSENT],
        "legal_basis": [REQUIRED_CONSENT],
    }


def test_volunteer_consent_date_in_the_future_is_refused(operator_a, centre_a):
    tomorrow = timezone.localdate() + timedelta(days=1)

    with pytest.raises(ValidationError) as exc_info:
        services.volunteer_create(
            centre=centre_a, actor=operator_a, **volunteer_fields(consent_date=tomorrow)
        )

    assert exc_info.value.message_dict == {"consent_date": ["The consent date cannot be in the future."]}


def test_volunteer_consent_given_today_is_accepted(operator_a, centre_a):
    volunteer = services.volunteer_create(
        centre=centre_a, actor=operator_a, **volunteer_fields(consent_date=timezone.localdate())
    )

    assert Volunteer.objects.get(pk=volunteer.pk).consent_date == timezone.localdate()


def test_volunteer_agreement_ending_before_it_starts_is_refused(operator_a, centre_a):
    with pytest.raises(ValidationError) as exc_info:
        services.volunteer_create(
            centre=centre_a,
            actor=operator_a,
            **volunteer_fields(agreement_start=date(2026, 5, 1), agreement_end=date(2026, 4, 30)),
        )

    assert exc_info.value.message_dict == {"agreement_end": ["The agreement cannot end before it starts."]}


def test_volunteer_agreement_of_one_day_is_accepted(operator_a, centre_a):
    volunteer = services.volunteer_create(
        centre=centre_a,
        actor=operator_a,
        **volunteer_fields(agreement_start=date(2026, 5, 1), agreement_end=date(2026, 5, 1)),
    )

    assert Volunteer.objects.get(pk=volunteer.pk).agreement_end == date(2026, 5, 1)


def test_volunteer_with_an_unknown_legal_basis_or_bad_email_is_refused(operator_a, centre_a):
    with pytest.raises(ValidationError) as exc_info:
        services.volunteer_create(
            centre=centre_a, actor=operator_a, **volunteer_fields(legal_basis="bogus", email="not-an-email")
        )

    assert exc_info.value.message_dict == {
        "email": ["Enter a valid email address."],
        "legal_basis": ["Value 'bogus' is not a valid choice."],
    }


def test_volunteer_update_is_validated(operator_a, centre_a):
    volunteer = factories.VolunteerFactory(centre=centre_a)

    with pytest.raises(ValidationError) as exc_info:
        services.volunteer_update(volunteer=volunteer, actor=operator_a, expected_version=1, consent_scope="")

    assert exc_info.value.message_dict == {"consent_scope": [REQUIRED_CONSENT]}
    volunteer.refresh_from_db()
    assert volunteer.version == 1


def _personal_values() -> list[str]:
    fields = volunteer_fields()
    return [fields[name] for name in ("name", "email", "phone", "skills", "notes", "consent_scope")] + [
        "Anna Nowa-Sąsiedzka",
        "nowy@example.org",
    ]


def _volunteer_with_history(actor: Any, centre: Any) -> Volunteer:
    volunteer = services.volunteer_create(centre=centre, actor=actor, **volunteer_fields())
    return services.volunteer_update(
        volunteer=volunteer,
        actor=actor,
        expected_version=1,
        name="Anna Nowa-Sąsiedzka",
        email="nowy@example.org",
    )


def test_erasure_removes_personal_data_from_the_record(operator_a, centre_a):
    volunteer = _volunteer_with_history(operator_a, centre_a)

    erased = services.volunteer_erase(volunteer=volunteer, actor=operator_a)

    row = Volunteer.objects.get(pk=volunteer.pk)
    assert (row.name, row.email, row.phone, row.skills, row.notes) == ("", "", "", "", "")
    assert (row.consent_date, row.consent_scope, row.legal_basis) == (None, "", "")
    assert (row.agreement_start, row.agreement_end, row.active) == (None, None, False)
    assert row.erased_at is not None
    assert row.erased_at == erased.erased_at
    assert row.version == 3
    assert str(row) == f"Volunteer #{row.pk} (data erased)"


def test_erasure_removes_personal_data_from_the_audit_history(operator_a, centre_a):
    volunteer = _volunteer_with_history(operator_a, centre_a)
    other = factories.VolunteerFactory(centre=centre_a, name="Jan Inny")
    assert VolunteerEvent.objects.filter(pgh_obj_id=volunteer.pk).count() == 2

    services.volunteer_erase(volunteer=volunteer, actor=operator_a)

    # What the history keeps of this volunteer is the erasure itself, with no personal data.
    events = list(Events.objects.tracks(volunteer))
    assert [(e.pgh_label, e.pgh_context) for e in events] == [
        ("update", {"user": operator_a.pk, "action": "volunteer.erase"})
    ]
    assert {
        k: events[0].pgh_data[k] for k in ("name", "email", "phone", "skills", "notes", "consent_scope")
    } == {
        "name": "",
        "email": "",
        "phone": "",
        "skills": "",
        "notes": "",
        "consent_scope": "",
    }
    # No event of any model anywhere still holds one of the values.
    every_event = " ".join(str(e.pgh_data) for e in Events.objects.all())
    assert [value for value in _personal_values() if value in every_event] == []
    # The raw table agrees, row by row.
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM centres_volunteerevent WHERE pgh_obj_id = %s", [volunteer.pk])
        raw = " ".join(str(row) for row in cursor.fetchall())
        cursor.execute("SELECT count(*) FROM centres_volunteerevent WHERE pgh_obj_id = %s", [volunteer.pk])
        assert cursor.fetchone() == (1,)
    assert [value for value in _personal_values() if value in raw] == []
    # Another volunteer's history is untouched.
    assert (
        VolunteerEvent.objects.filter(pgh_obj_id=other.pk).values_list("name", flat=True).get() == "Jan Inny"
    )


def test_erasure_removes_personal_data_from_the_admin_log(city_staff, operator_a, centre_a):
    volunteer = _volunteer_with_history(operator_a, centre_a)
    LogEntry.objects.log_actions(
        city_staff.pk,
        [volunteer],
        CHANGE,
        change_message="Changed e-mail to nowy@example.org",
        single_object=True,
    )
    entry = LogEntry.objects.get()
    assert entry.object_repr == "Anna Nowa-Sąsiedzka"

    services.volunteer_erase(volunteer=volunteer, actor=operator_a)

    entry.refresh_from_db()
    assert (entry.object_repr, entry.change_message) == (f"Volunteer #{volunteer.pk} (data erased)", "")
    assert entry.content_type == ContentType.objects.get_for_model(Volunteer)
    assert entry.object_id == str(volunteer.pk)


def test_erasure_is_idempotent(operator_a, centre_a):
    volunteer = _volunteer_with_history(operator_a, centre_a)
    first = services.volunteer_erase(volunteer=volunteer, actor=operator_a)
    events = VolunteerEvent.objects.count()

    second = services.volunteer_erase(volunteer=volunteer, actor=operator_a)

    assert (second.erased_at, second.version) == (first.erased_at, first.version)
    assert VolunteerEvent.objects.count() == events


def test_erasure_leaves_activity_figures_and_the_count_of_volunteers(operator_a, centre_a):
    volunteer = _volunteer_with_history(operator_a, centre_a)
    activity = factories.ActivityFactory(
        centre=centre_a, volunteers_involved=3, volunteer_hours=Decimal("6.0")
    )

    services.volunteer_erase(volunteer=volunteer, actor=operator_a)

    activity.refresh_from_db()
    assert (activity.volunteers_involved, activity.volunteer_hours, activity.version) == (
        3,
        Decimal("6.0"),
        1,
    )
    assert Volunteer.objects.filter(centre=centre_a).count() == 1


def test_an_erased_volunteer_cannot_be_updated(operator_a, centre_a):
    volunteer = _volunteer_with_history(operator_a, centre_a)
    erased = services.volunteer_erase(volunteer=volunteer, actor=operator_a)

    with pytest.raises(ValidationError) as exc_info:
        services.volunteer_update(volunteer=erased, actor=operator_a, expected_version=3, name="Powrót")

    assert exc_info.value.code == "erased"
    assert exc_info.value.messages == ["This volunteer's personal data has been erased."]
    assert Volunteer.objects.get(pk=volunteer.pk).name == ""


def test_an_erased_volunteer_read_before_the_erasure_cannot_be_updated(operator_a, centre_a):
    # Given the form was read before a colleague erased the volunteer, and sends the current version
    volunteer = _volunteer_with_history(operator_a, centre_a)
    stale = Volunteer.objects.get(pk=volunteer.pk)
    services.volunteer_erase(volunteer=volunteer, actor=operator_a)

    with pytest.raises(ValidationError) as exc_info:
        services.volunteer_update(volunteer=stale, actor=operator_a, expected_version=3, name="Powrót")

    assert exc_info.value.messages == ["This volunteer's personal data has been erased."]
    row = Volunteer.objects.get(pk=volunteer.pk)
    assert (row.name, row.version) == ("", 3)


# --- organization_add_partner -------------------------------------------------------------


def test_operator_adds_a_partner_to_the_registry(operator_a):
    organization = services.organization_add_partner(
        actor=operator_a, name="  Klub   Sportowy Szczepin ", kind=OrganizationKind.INFORMAL
    )

    organization.refresh_from_db()
    assert (organization.name, organization.kind, organization.sector) == (
        "Klub Sportowy Szczepin",
        "grupa-nieformalna",
        "obywatelski",
    )
    event = OrganizationEvent.objects.get(pgh_obj_id=organization.pk)
    assert (event.pgh_label, context_of(event)) == (
        "insert",
        {"user": operator_a.pk, "action": "organization.add_partner"},
    )


def test_city_staff_add_a_partner(city_staff):
    organization = services.organization_add_partner(
        actor=city_staff, name="Policja", kind=OrganizationKind.POLICE
    )

    assert Organization.objects.get(pk=organization.pk).sector == Sector.PUBLIC


@pytest.mark.parametrize("name", ["", "   "])
def test_a_partner_needs_a_name(operator_a, name):
    with pytest.raises(ValidationError) as exc_info:
        services.organization_add_partner(actor=operator_a, name=name, kind=OrganizationKind.NGO)

    assert exc_info.value.message_dict == {"name": ["This field is required."]}


def test_a_partner_already_in_the_registry_is_refused(operator_a):
    factories.OrganizationFactory(name="Fundacja Dobra Wola")

    with pytest.raises(ValidationError) as exc_info:
        services.organization_add_partner(
            actor=operator_a, name="FUNDACJA dobra  wola", kind=OrganizationKind.NGO
        )

    assert exc_info.value.message_dict == {
        "name": ["“Fundacja Dobra Wola” is already in the registry: pick it from the list of organisations."]
    }
    assert Organization.objects.filter(name__iexact="fundacja dobra wola").count() == 1


def test_a_partner_of_an_unknown_kind_is_refused(operator_a):
    count = Organization.objects.count()

    with pytest.raises(ValidationError) as exc_info:
        services.organization_add_partner(actor=operator_a, name="Klub", kind="bogus")

    assert exc_info.value.message_dict == {"kind": ["Value 'bogus' is not a valid choice."]}
    assert Organization.objects.count() == count


def test_a_partner_name_too_long_is_refused(operator_a):
    with pytest.raises(ValidationError) as exc_info:
        services.organization_add_partner(actor=operator_a, name="x" * 256, kind=OrganizationKind.NGO)

    assert exc_info.value.message_dict == {
        "name": ["Ensure this value has at most 255 characters (it has 256)."]
    }


@pytest.mark.parametrize("who", ["animator", "team_member", "ended_operator", "no_membership"])
def test_only_operators_and_city_staff_add_partners(request, who, operator_a_and_centre):
    operator_a, centre_a = operator_a_and_centre
    if who == "ended_operator":
        _end_terms_of(centre_a)
        actor = operator_a
    elif who == "no_membership":
        actor = factories.UserFactory(username="someone")
    else:
        actor = request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        services.organization_add_partner(actor=actor, name="Nowa organizacja", kind=OrganizationKind.NGO)

    assert Organization.objects.filter(name="Nowa organizacja").exists() is False


def test_an_anonymous_user_adds_no_partner(db):
    with pytest.raises(PermissionDenied):
        services.organization_add_partner(
            actor=AnonymousUser(), name="Nowa organizacja", kind=OrganizationKind.NGO
        )


def test_series_starts_stop_at_the_last_representable_date_instead_of_failing() -> None:
    # Given series that would run past the year 9999 (a typo in a form, a fuzzing client)
    warsaw = ZoneInfo("Europe/Warsaw")
    monthly = services.series_starts(
        first_start=datetime(9999, 11, 1, 10, tzinfo=warsaw), frequency="monthly", until=date(9999, 12, 31)
    )
    weekly = services.series_starts(
        first_start=datetime(9999, 12, 1, 10, tzinfo=warsaw), frequency="weekly", until=date(9999, 12, 31)
    )
    # Then the occurrences that exist are returned, and nothing overflows
    assert [start.date() for start in monthly] == [date(9999, 11, 1), date(9999, 12, 1)]
    assert [start.day for start in weekly] == [1, 8, 15, 22, 29]
