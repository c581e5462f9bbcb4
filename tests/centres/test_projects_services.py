"""Services of projects and their indicators: success, each rule refused with its message
(and backed by the database), permission, optimistic locking, audit."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from centres import services
from centres.models import (
    FunderKind,
    IndicatorMeasure,
    Project,
    ProjectActivity,
    ProjectActivityEvent,
    ProjectEvent,
    ProjectIndicator,
    ProjectIndicatorEvent,
    ProjectPartner,
    ProjectPartnerEvent,
    ProjectStatus,
)
from tests import factories
from tests.centres.project_factories import ProjectFactory, ProjectIndicatorFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def local(day: date, hour: int = 17) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def project_fields(**changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "title": "Zielone podwórko",
        "summary": "Ogród sąsiedzki.",
        "description": "Wewnętrzne.",
        "funder_kind": FunderKind.FOUNDATION,
        "funder_name": "Działaj Lokalnie",
        "funder_period_start": date(2026, 1, 1),
        "funder_period_end": date(2026, 12, 31),
        "starts_on": date(2026, 3, 1),
        "ends_on": date(2026, 10, 31),
        "amount": Decimal("6000.00"),
        "own_contribution": Decimal("600.00"),
        "status": ProjectStatus.RUNNING,
        "decision_date": None,
    }
    fields.update(changes)
    return fields


def indicator_fields(**changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "name": "Uczestnicy",
        "measure": IndicatorMeasure.PARTICIPANTS,
        "target": Decimal(100),
        "value_entered": None,
        "how_measured": "",
        "unit": "osób",
    }
    fields.update(changes)
    return fields


def errors_of(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


def context_of(event: Any) -> dict[str, Any]:
    metadata: dict[str, Any] = event.pgh_context.metadata
    return metadata


# --- Projects: success ------------------------------------------------------------------------


def test_operator_creates_a_project_with_partners_and_activities(operator_a, centre_a):
    partners = [factories.OrganizationFactory(name="Rada Osiedla"), factories.OrganizationFactory()]
    held = factories.ActivityFactory(centre=centre_a, start=local(date(2026, 4, 2)))

    project = services.project_create(
        centre=centre_a, actor=operator_a, partners=partners, activities=[held], **project_fields()
    )

    project.refresh_from_db()
    assert (project.title, project.status, project.version) == ("Zielone podwórko", ProjectStatus.RUNNING, 1)
    assert project.centre == centre_a
    assert sorted(
        ProjectPartner.objects.filter(project=project).values_list("organization_id", flat=True)
    ) == sorted(p.pk for p in partners)
    assert list(project.activities.all()) == [held]
    assert project.total_budget == Decimal("6600.00")


def test_update_changes_fields_partners_and_activities_and_bumps_the_version(operator_a, centre_a):
    first, second = factories.OrganizationFactory(), factories.OrganizationFactory()
    april = factories.ActivityFactory(centre=centre_a, start=local(date(2026, 4, 2)))
    may = factories.ActivityFactory(centre=centre_a, start=local(date(2026, 5, 7)))
    project = services.project_create(
        centre=centre_a, actor=operator_a, partners=[first], activities=[april], **project_fields()
    )

    updated = services.project_update(
        project=project,
        actor=operator_a,
        expected_version=1,
        partners=[second],
        activities=[may],
        title="Zielony dziedziniec",
        amount=Decimal("7000.00"),
    )

    assert (updated.title, updated.amount, updated.version) == ("Zielony dziedziniec", Decimal("7000.00"), 2)
    assert list(updated.partners.all()) == [second]
    assert list(updated.activities.all()) == [may]


def test_update_without_partners_or_activities_keeps_them(operator_a, centre_a):
    partner = factories.OrganizationFactory()
    april = factories.ActivityFactory(centre=centre_a, start=local(date(2026, 4, 2)))
    project = services.project_create(
        centre=centre_a, actor=operator_a, partners=[partner], activities=[april], **project_fields()
    )

    services.project_update(project=project, actor=operator_a, expected_version=1, summary="Nowe.")

    assert list(project.partners.all()) == [partner]
    assert list(project.activities.all()) == [april]


def test_delete_removes_indicators_and_links_but_not_the_activities(operator_a, centre_a):
    activity = factories.ActivityFactory(centre=centre_a, start=local(date(2026, 4, 2)))
    project = services.project_create(
        centre=centre_a,
        actor=operator_a,
        partners=[factories.OrganizationFactory()],
        activities=[activity],
        **project_fields(),
    )
    services.project_indicator_create(project=project, actor=operator_a, **indicator_fields())

    services.project_delete(project=project, actor=operator_a, expected_version=1)

    assert Project.objects.count() == 0
    assert ProjectIndicator.objects.count() == 0
    assert ProjectActivity.objects.count() == 0
    assert ProjectPartner.objects.count() == 0
    activity.refresh_from_db()
    assert activity.title.startswith("Warsztaty")


def test_an_application_with_its_decision_date_is_accepted(operator_a, centre_a):
    project = services.project_create(
        centre=centre_a,
        actor=operator_a,
        **project_fields(status=ProjectStatus.APPLICATION, decision_date=date(2026, 2, 15)),
    )

    assert project.decision_date == date(2026, 2, 15)


def test_without_funder_dates_any_period_is_accepted(operator_a, centre_a):
    project = services.project_create(
        centre=centre_a,
        actor=operator_a,
        **project_fields(funder_period_start=None, funder_period_end=None, starts_on=date(2020, 1, 1)),
    )

    assert project.starts_on == date(2020, 1, 1)


# --- Projects: each rule ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"ends_on": date(2026, 2, 1)},
            {"ends_on": ["The project cannot end before it starts."]},
        ),
        (
            {"starts_on": date(2025, 12, 1)},
            {"starts_on": ["The project cannot start before the funder's period (from 2026-01-01)."]},
        ),
        (
            {"ends_on": date(2027, 1, 31)},
            {"ends_on": ["The project cannot end after the funder's period (until 2026-12-31)."]},
        ),
        (
            {"funder_period_end": date(2025, 12, 31)},
            {"funder_period_end": ["The funder's period cannot end before it starts."]},
        ),
        (
            {"amount": Decimal("-1.00")},
            {"amount": ["Ensure this value is greater than or equal to 0."]},
        ),
        (
            {"own_contribution": Decimal("-0.01")},
            {"own_contribution": ["Ensure this value is greater than or equal to 0."]},
        ),
        (
            {"status": ProjectStatus.APPLICATION},
            {"decision_date": ["An application needs the date of the funder's decision."]},
        ),
        (
            {"title": ""},
            {"title": ["This field cannot be blank."]},
        ),
        (
            {"funder_kind": "lottery"},
            {"funder_kind": ["Value 'lottery' is not a valid choice."]},
        ),
    ],
)
def test_project_rules_are_refused_on_their_fields(operator_a, centre_a, changes, expected):
    with pytest.raises(ValidationError) as exc:
        services.project_create(centre=centre_a, actor=operator_a, **project_fields(**changes))

    assert errors_of(exc) == expected
    assert Project.objects.count() == 0


def test_update_applies_the_same_rules_and_changes_nothing(operator_a, centre_a):
    project = services.project_create(centre=centre_a, actor=operator_a, **project_fields())

    with pytest.raises(ValidationError) as exc:
        services.project_update(
            project=project, actor=operator_a, expected_version=1, status=ProjectStatus.APPLICATION
        )

    assert errors_of(exc) == {"decision_date": ["An application needs the date of the funder's decision."]}
    project.refresh_from_db()
    assert (project.status, project.version) == (ProjectStatus.RUNNING, 1)


@pytest.mark.parametrize(
    ("changes", "constraint"),
    [
        ({"ends_on": date(2026, 2, 1)}, "project_ends_after_start"),
        ({"starts_on": date(2025, 12, 1)}, "project_starts_within_funder_period"),
        ({"ends_on": date(2027, 1, 31)}, "project_ends_within_funder_period"),
        ({"amount": Decimal(-1)}, "project_amounts_not_negative"),
        ({"own_contribution": Decimal(-1)}, "project_amounts_not_negative"),
        ({"status": ProjectStatus.APPLICATION}, "project_application_has_decision_date"),
    ],
)
def test_the_database_refuses_what_the_rules_refuse(centre_a, changes, constraint):
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        Project.objects.create(centre=centre_a, **project_fields(**changes))


# --- Projects: the activities carried out under them -------------------------------------------


def test_another_centres_activity_cannot_be_linked(operator_a, centre_a, centre_b):
    theirs = factories.ActivityFactory(centre=centre_b, start=local(date(2026, 4, 2)), title="Tajne")

    with pytest.raises(ValidationError) as exc:
        services.project_create(centre=centre_a, actor=operator_a, activities=[theirs], **project_fields())

    assert errors_of(exc) == {"activities": [f"Activity #{theirs.pk} is not an activity of this centre."]}
    assert Project.objects.count() == 0


def test_an_activity_outside_the_period_cannot_be_linked(operator_a, centre_a):
    before = factories.ActivityFactory(centre=centre_a, start=local(date(2026, 2, 28)), title="Luty")
    after = factories.ActivityFactory(centre=centre_a, start=local(date(2026, 11, 1)), title="Listopad")
    first_day = factories.ActivityFactory(centre=centre_a, start=local(date(2026, 3, 1), 9), title="Start")
    last_day = factories.ActivityFactory(centre=centre_a, start=local(date(2026, 10, 31), 20), title="Koniec")

    with pytest.raises(ValidationError) as exc:
        services.project_create(
            centre=centre_a,
            actor=operator_a,
            activities=[after, first_day, before, last_day],
            **project_fields(),
        )

    assert errors_of(exc) == {
        "activities": [
            "“Luty” (2026-02-28) was not held within the project's period (2026-03-01 – 2026-10-31).",
            "“Listopad” (2026-11-01) was not held within the project's period (2026-03-01 – 2026-10-31).",
        ]
    }
    # the first and the last day of the period are within it
    project = services.project_create(
        centre=centre_a, actor=operator_a, activities=[first_day, last_day], **project_fields()
    )
    assert sorted(project.activities.values_list("title", flat=True)) == ["Koniec", "Start"]


def test_a_new_period_must_still_hold_the_linked_activities(operator_a, centre_a):
    april = factories.ActivityFactory(centre=centre_a, start=local(date(2026, 4, 2)), title="Kwiecień")
    project = services.project_create(
        centre=centre_a, actor=operator_a, activities=[april], **project_fields()
    )

    with pytest.raises(ValidationError) as exc:
        services.project_update(
            project=project, actor=operator_a, expected_version=1, starts_on=date(2026, 5, 1)
        )

    assert errors_of(exc) == {
        "activities": [
            "“Kwiecień” (2026-04-02) was not held within the project's period (2026-05-01 – 2026-10-31)."
        ]
    }
    # unlinking it in the same change is accepted
    updated = services.project_update(
        project=project, actor=operator_a, expected_version=1, starts_on=date(2026, 5, 1), activities=[]
    )
    assert (updated.starts_on, list(updated.activities.all())) == (date(2026, 5, 1), [])


def test_a_linked_activity_cannot_be_moved_outside_the_project_period(operator_a, centre_a):
    april = factories.ActivityFactory(
        centre=centre_a,
        start=local(date(2026, 4, 2)),
        end=local(date(2026, 4, 2), hour=19),
        title="Kwiecień",
    )
    services.project_create(centre=centre_a, actor=operator_a, activities=[april], **project_fields())

    with pytest.raises(ValidationError) as exc:
        services.activity_update(
            activity=april,
            actor=operator_a,
            expected_version=april.version,
            start=local(date(2026, 11, 5)),
            end=local(date(2026, 11, 5), hour=19),
        )

    assert errors_of(exc) == {
        "start": [
            "The activity is carried out under the project “Zielone podwórko” and must be held within "
            "its period (2026-03-01 – 2026-10-31); unlink it from the project first."
        ]
    }
    april.refresh_from_db()
    assert april.start == local(date(2026, 4, 2))  # nothing half-saved
    # Within the period it moves freely.
    moved = services.activity_update(
        activity=april,
        actor=operator_a,
        expected_version=april.version,
        start=local(date(2026, 10, 30)),
        end=local(date(2026, 10, 30), hour=19),
    )
    assert moved.start == local(date(2026, 10, 30))


# --- Projects: who may write, and optimistic locking ----------------------------------------------


@pytest.mark.parametrize("who", ["operator_b", "animator", "team_member"])
def test_only_those_who_edit_the_centre_may_write_its_projects(request, who, operator_a, centre_a):
    actor = request.getfixturevalue(who)
    project = ProjectFactory(centre=centre_a)
    indicator = ProjectIndicatorFactory(project=project)

    with pytest.raises(PermissionDenied):
        services.project_create(centre=centre_a, actor=actor, **project_fields())
    with pytest.raises(PermissionDenied):
        services.project_update(project=project, actor=actor, expected_version=1, title="X")
    with pytest.raises(PermissionDenied):
        services.project_delete(project=project, actor=actor, expected_version=1)
    with pytest.raises(PermissionDenied):
        services.project_indicator_create(project=project, actor=actor, **indicator_fields())
    with pytest.raises(PermissionDenied):
        services.project_indicator_update(indicator=indicator, actor=actor, expected_version=1, name="X")
    with pytest.raises(PermissionDenied):
        services.project_indicator_delete(indicator=indicator, actor=actor, expected_version=1)
    assert Project.objects.count() == 1
    assert ProjectIndicator.objects.get().name == indicator.name


def test_city_staff_write_any_centres_projects(city_staff, centre_a):
    project = services.project_create(centre=centre_a, actor=city_staff, **project_fields())

    assert (
        services.project_update(project=project, actor=city_staff, expected_version=1, title="B").version == 2
    )


def test_a_stale_version_is_a_conflict_and_changes_nothing(operator_a, centre_a):
    project = services.project_create(centre=centre_a, actor=operator_a, **project_fields())
    services.project_update(project=project, actor=operator_a, expected_version=1, title="Pierwsza zmiana")

    with pytest.raises(services.ConflictError) as exc:
        services.project_update(project=project, actor=operator_a, expected_version=1, title="Druga")
    with pytest.raises(services.ConflictError):
        services.project_delete(project=project, actor=operator_a, expected_version=1)

    assert exc.value.code == "conflict"
    project.refresh_from_db()
    assert (project.title, project.version) == ("Pierwsza zmiana", 2)


def test_project_writes_are_audited_with_their_links(operator_a, centre_a):
    partner = factories.OrganizationFactory()
    april = factories.ActivityFactory(centre=centre_a, start=local(date(2026, 4, 2)))
    project = services.project_create(
        centre=centre_a, actor=operator_a, partners=[partner], activities=[april], **project_fields()
    )
    services.project_update(project=project, actor=operator_a, expected_version=1, partners=[], title="B")
    project_id = project.pk
    services.project_delete(project=project, actor=operator_a, expected_version=2)

    events = ProjectEvent.objects.filter(pgh_obj_id=project_id).order_by("pgh_id")
    assert [(e.pgh_label, e.title, context_of(e)) for e in events] == [
        ("insert", "Zielone podwórko", {"user": operator_a.pk, "action": "project.create"}),
        ("update", "B", {"user": operator_a.pk, "action": "project.update"}),
        ("delete", "B", {"user": operator_a.pk, "action": "project.delete"}),
    ]
    partners = ProjectPartnerEvent.objects.filter(project_id=project_id).order_by("pgh_id")
    assert [(e.pgh_label, e.organization_id, context_of(e)["action"]) for e in partners] == [
        ("insert", partner.pk, "project.create"),
        ("delete", partner.pk, "project.update"),
    ]
    links = ProjectActivityEvent.objects.filter(project_id=project_id).order_by("pgh_id")
    assert [(e.pgh_label, e.activity_id, context_of(e)["action"]) for e in links] == [
        ("insert", april.pk, "project.create"),
        ("delete", april.pk, "project.delete"),
    ]


def test_services_refuse_fields_outside_their_list(operator_a, centre_a):
    with pytest.raises(TypeError):
        services.project_create(centre=centre_a, actor=operator_a, version=7, **project_fields())
    project = ProjectFactory(centre=centre_a)
    with pytest.raises(TypeError):
        services.project_update(project=project, actor=operator_a, expected_version=1, centre=None)


# --- Indicators -----------------------------------------------------------------------------------


def test_indicators_are_created_updated_and_deleted(operator_a, centre_a):
    project = ProjectFactory(centre=centre_a)

    computed = services.project_indicator_create(project=project, actor=operator_a, **indicator_fields())
    manual = services.project_indicator_create(
        project=project,
        actor=operator_a,
        **indicator_fields(
            name="Osoby gotowe działać dalej",
            measure=IndicatorMeasure.MANUAL,
            value_entered=Decimal(12),
            how_measured="Ankieta po wydarzeniach.",
        ),
    )
    updated = services.project_indicator_update(
        indicator=manual, actor=operator_a, expected_version=1, value_entered=Decimal(15)
    )
    services.project_indicator_delete(indicator=computed, actor=operator_a, expected_version=1)

    assert (updated.value_entered, updated.version) == (Decimal(15), 2)
    assert list(ProjectIndicator.objects.values_list("name", flat=True)) == ["Osoby gotowe działać dalej"]
    events = ProjectIndicatorEvent.objects.filter(pgh_obj_id=manual.pk).order_by("pgh_id")
    assert [(e.pgh_label, context_of(e)) for e in events] == [
        ("insert", {"user": operator_a.pk, "action": "project_indicator.create"}),
        ("update", {"user": operator_a.pk, "action": "project_indicator.update"}),
    ]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"target": None}, {"target": ["This field cannot be null."]}),
        ({"target": Decimal(0)}, {"target": ["The target must be greater than zero."]}),
        ({"target": Decimal("-5")}, {"target": ["The target must be greater than zero."]}),
        (
            {"value_entered": Decimal(3)},
            {
                "value_entered": [
                    "The value of this indicator is computed from the linked activities: leave it empty."
                ]
            },
        ),
        (
            {"measure": IndicatorMeasure.MANUAL, "value_entered": Decimal(3), "how_measured": "  "},
            {"how_measured": ["Say how the value entered by hand is measured."]},
        ),
        (
            {"measure": IndicatorMeasure.MANUAL, "value_entered": Decimal(-1), "how_measured": "Ankieta."},
            {"value_entered": ["Ensure this value is greater than or equal to 0."]},
        ),
        ({"measure": "guess"}, {"measure": ["Value 'guess' is not a valid choice."]}),
        ({"name": ""}, {"name": ["This field cannot be blank."]}),
    ],
)
def test_indicator_rules_are_refused_on_their_fields(operator_a, centre_a, changes, expected):
    project = ProjectFactory(centre=centre_a)

    with pytest.raises(ValidationError) as exc:
        services.project_indicator_create(project=project, actor=operator_a, **indicator_fields(**changes))

    assert errors_of(exc) == expected
    assert ProjectIndicator.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "constraint"),
    [
        ({"target": Decimal(0)}, "project_indicator_target_positive"),
        ({"value_entered": Decimal(1)}, "project_indicator_value_only_manual"),
        ({"measure": IndicatorMeasure.MANUAL, "how_measured": ""}, "project_indicator_manual_how_measured"),
        (
            {"measure": IndicatorMeasure.MANUAL, "how_measured": "x", "value_entered": Decimal(-1)},
            "project_indicator_value_not_negative",
        ),
    ],
)
def test_the_database_refuses_what_the_indicator_rules_refuse(centre_a, changes, constraint):
    project = ProjectFactory(centre=centre_a)

    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        ProjectIndicator.objects.create(project=project, **indicator_fields(**changes))


def test_a_stale_indicator_version_is_a_conflict(operator_a, centre_a):
    indicator = ProjectIndicatorFactory(project=ProjectFactory(centre=centre_a))
    services.project_indicator_update(indicator=indicator, actor=operator_a, expected_version=1, name="A")

    with pytest.raises(services.ConflictError):
        services.project_indicator_update(indicator=indicator, actor=operator_a, expected_version=1, name="B")
    with pytest.raises(services.ConflictError):
        services.project_indicator_delete(indicator=indicator, actor=operator_a, expected_version=1)

    indicator.refresh_from_db()
    assert (indicator.name, indicator.version) == ("A", 2)


def test_an_indicator_deleted_meanwhile_is_a_conflict(operator_a, centre_a):
    indicator = ProjectIndicatorFactory(project=ProjectFactory(centre=centre_a))
    ProjectIndicator.objects.filter(pk=indicator.pk).delete()

    with pytest.raises(services.ConflictError) as exc:
        services.project_indicator_update(indicator=indicator, actor=operator_a, expected_version=1, name="B")

    assert exc.value.messages == ["This record was deleted by someone else while you were editing it."]


def test_operator_loses_write_access_when_the_term_ends(operator_a, centre_a):
    from centres.models import OperatorTerm

    start, end = factories.past_term_dates()
    OperatorTerm.objects.filter(centre=centre_a).update(start=start, end=end)
    operator = type(operator_a).objects.get(pk=operator_a.pk)

    with pytest.raises(PermissionDenied):
        services.project_create(centre=centre_a, actor=operator, **project_fields())
    assert Project.objects.count() == 0
