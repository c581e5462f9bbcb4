"""Centre reports: the periods, the builder (idempotent, race-safe), the figures against
hand-computed values, and the workflow with its rules and e-mails."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.utils import timezone

from centres.models import ActivityForm, CalMethod, OperatorTerm
from network.models import (
    CentreReport,
    CentreReportEvent,
    CentreReportKind,
    CentreReportStatus,
    ReportSchedule,
)
from network.reports import centre as reports
from tests import factories
from tests.diagnosis.factories import DiagnosisFactory, FindingFactory, FindingResponseFactory
from tests.partnerships.factories import PartnershipFactory, PartnershipMeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mail_on_commit(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test's transaction never commits: send what waits for the commit at once."""
    monkeypatch.setattr(reports.transaction, "on_commit", lambda callback, *args, **kwargs: callback())


def at(day: date, hour: int = 17) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def make_term(centre: Any, *, start: date, end: date | None, **schedule: Any) -> OperatorTerm:
    term = OperatorTerm.objects.get(centre=centre)
    term.start, term.end = start, end
    term.save()
    if schedule:
        ReportSchedule.objects.create(term=term, **schedule)
    return term


# --- Periods ---------------------------------------------------------------------------


def test_periods_of_a_term_with_monthly_partial_and_final_reports(centre_a: Any) -> None:
    term = make_term(
        centre_a, start=date(2025, 1, 15), end=date(2025, 12, 31), monthly=True, partial_every_months=6
    )

    periods = reports.term_periods(term, until=date(2026, 3, 1))

    monthly = [(p.start, p.end) for p in periods if p.kind == CentreReportKind.MONTHLY]
    assert len(monthly) == 12
    assert monthly[0] == (date(2025, 1, 15), date(2025, 1, 31))
    assert monthly[-1] == (date(2025, 12, 1), date(2025, 12, 31))
    assert [(p.start, p.end) for p in periods if p.kind == CentreReportKind.PARTIAL] == [
        (date(2025, 1, 15), date(2025, 7, 14))
    ]
    assert [(p.start, p.end) for p in periods if p.kind == CentreReportKind.FINAL] == [
        (date(2025, 1, 15), date(2025, 12, 31))
    ]


def test_a_term_without_a_schedule_owes_the_final_report_only(centre_a: Any) -> None:
    term = make_term(centre_a, start=date(2024, 1, 1), end=date(2024, 12, 31))

    periods = reports.term_periods(term, until=date(2026, 1, 1))

    assert [(p.kind, p.start, p.end) for p in periods] == [
        (CentreReportKind.FINAL, date(2024, 1, 1), date(2024, 12, 31))
    ]


# --- Builder ---------------------------------------------------------------------------


def test_build_due_builds_every_closed_period_once(centre_a: Any) -> None:
    make_term(centre_a, start=date(2025, 1, 1), end=date(2025, 6, 30), monthly=True)

    first = reports.centre_report_build_due(on=date(2025, 4, 10))
    second = reports.centre_report_build_due(on=date(2025, 4, 10))

    assert (first, second) == (3, 0)
    assert list(
        CentreReport.objects.order_by("period_start").values_list("period_start", "period_end", "kind")
    ) == [
        (date(2025, 1, 1), date(2025, 1, 31), CentreReportKind.MONTHLY),
        (date(2025, 2, 1), date(2025, 2, 28), CentreReportKind.MONTHLY),
        (date(2025, 3, 1), date(2025, 3, 31), CentreReportKind.MONTHLY),
    ]
    report = CentreReport.objects.get(period_start=date(2025, 1, 1))
    assert report.status == CentreReportStatus.DRAFT
    assert report.due_on == date(2025, 3, 2)  # 30 days after the period
    # Catching up after the term: the rest of the months and the final report.
    assert reports.centre_report_build_due(on=date(2025, 9, 1)) == 4
    assert CentreReport.objects.filter(kind=CentreReportKind.FINAL).count() == 1
    assert reports.centre_report_build_due(on=date(2025, 9, 1)) == 0


def test_build_returns_the_existing_report_the_second_time(centre_a: Any) -> None:
    term = make_term(centre_a, start=date(2025, 1, 1), end=date(2025, 12, 31))
    kwargs = {"term_id": term.pk, "period_start": date(2025, 1, 1), "period_end": date(2025, 3, 31)}

    one = reports.centre_report_build(kind=CentreReportKind.PARTIAL, **kwargs)
    two = reports.centre_report_build(kind=CentreReportKind.PARTIAL, **kwargs)

    assert one.pk == two.pk
    assert CentreReport.objects.count() == 1
    assert CentreReportEvent.objects.filter(report=one).count() == 1


def test_a_concurrent_build_hits_the_unique_constraint_and_reads_the_winner(
    centre_a: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    term = make_term(centre_a, start=date(2025, 1, 1), end=date(2025, 12, 31))
    winner = reports.centre_report_build(
        term_id=term.pk,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
        kind=CentreReportKind.FINAL,
    )
    # The loser looked before the winner's row was committed: it saw nothing.
    real_existing = reports._existing
    calls: list[int] = []

    def first_sees_nothing(*args: Any) -> CentreReport | None:
        calls.append(1)
        return None if len(calls) == 1 else real_existing(*args)

    monkeypatch.setattr(reports, "_existing", first_sees_nothing)

    loser = reports.centre_report_build(
        term_id=term.pk,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
        kind=CentreReportKind.FINAL,
    )

    assert loser.pk == winner.pk
    assert len(calls) == 2
    assert CentreReport.objects.count() == 1


def test_the_database_refuses_a_duplicate_report(centre_a: Any) -> None:
    term = make_term(centre_a, start=date(2025, 1, 1), end=date(2025, 12, 31))
    report = reports.centre_report_build(
        term_id=term.pk,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
        kind=CentreReportKind.FINAL,
    )

    with pytest.raises(IntegrityError):
        CentreReport.objects.create(
            centre=centre_a,
            term=term,
            kind=report.kind,
            period_start=report.period_start,
            period_end=report.period_end,
            due_on=report.due_on,
        )


def test_a_period_outside_the_term_is_refused(centre_a: Any, english: None) -> None:
    term = make_term(centre_a, start=date(2025, 1, 1), end=date(2025, 12, 31))

    with pytest.raises(ValidationError) as error:
        reports.centre_report_build(
            term_id=term.pk, period_start=date(2024, 12, 1), period_end=date(2026, 1, 31), kind="czesciowe"
        )

    assert error.value.message_dict == {
        "period_start": ["The period starts before the operator term (01/01/2025 – 12/31/2025)."],
        "period_end": ["The period ends after the operator term (01/01/2025 – 12/31/2025)."],
    }
    assert CentreReport.objects.count() == 0


# --- Figures ---------------------------------------------------------------------------


def test_figures_match_hand_computed_values(centre_a: Any, centre_b: Any) -> None:
    term = make_term(centre_a, start=date(2025, 1, 1), end=date(2025, 12, 31))
    march = date(2025, 3, 10)
    factories.ActivityFactory(
        centre=centre_a,
        start=at(march),
        end=at(march, 19),
        method=CalMethod.ORGANISING,
        form=ActivityForm.WORKSHOP,
        participants_0_12=4,
        participants_26_59=6,
        volunteers_involved=2,
        volunteer_hours=Decimal("4.5"),
        resident_initiated=True,
        in_public_space=True,
    )
    factories.ActivityFactory(
        centre=centre_a,
        start=at(date(2025, 3, 20)),
        end=at(date(2025, 3, 20), 19),
        method=CalMethod.PUBLIC_SPACE,
        form=ActivityForm.EVENT,
        participants_26_59=0,
        participants_60_plus=5,
        volunteers_involved=1,
        volunteer_hours=Decimal("2.0"),
    )
    # Outside the period, and another centre's: not counted.
    factories.ActivityFactory(centre=centre_a, start=at(date(2025, 4, 2)), end=at(date(2025, 4, 2), 19))
    factories.ActivityFactory(centre=centre_b, start=at(march), end=at(march, 19))
    factories.GroupFactory(centre=centre_a, members_count=12)
    factories.GroupFactory(centre=centre_a, members_count=8)
    factories.GroupFactory(centre=centre_a, members_count=5, active=False)
    centre_a.groups.update(created_at=at(date(2025, 1, 10)))
    # A group that started after the period is not counted.
    factories.GroupFactory(centre=centre_a, members_count=7)
    partnership = PartnershipFactory(lead_centre=centre_a, founded_on=date(2024, 6, 1))
    PartnershipMeetingFactory(partnership=partnership, date=date(2025, 3, 5))
    PartnershipMeetingFactory(partnership=partnership, date=date(2025, 3, 25))
    PartnershipMeetingFactory(partnership=partnership, date=date(2025, 5, 1))
    diagnosis = DiagnosisFactory(centre=centre_a, period_start=date(2025, 2, 1), period_end=date(2025, 3, 15))
    answered = FindingFactory(diagnosis=diagnosis)
    FindingFactory(diagnosis=diagnosis)
    first_activity = centre_a.activities.get(start=at(march))
    FindingResponseFactory(finding=answered, activity=first_activity)

    report = reports.centre_report_build(
        term_id=term.pk, period_start=date(2025, 3, 1), period_end=date(2025, 3, 31), kind="czesciowe"
    )

    figures = report.figures
    assert figures["activities"]["total"] == 2
    assert figures["activities"]["in_public_space"] == 1
    by_form = {
        row["form"]: (row["activities"], row["participants"]) for row in figures["activities"]["by_form"]
    }
    assert by_form[ActivityForm.WORKSHOP] == (1, 10)
    assert by_form[ActivityForm.EVENT] == (1, 5)
    assert sum(row["activities"] for row in figures["activities"]["by_method"]) == 2
    assert figures["participants"]["total"] == 15
    by_age = {row["band"]: row["participants"] for row in figures["participants"]["by_age"]}
    assert by_age == {
        "participants_0_12": 4,
        "participants_13_17": 0,
        "participants_18_25": 0,
        "participants_26_59": 6,
        "participants_60_plus": 5,
    }
    assert figures["volunteers"]["involvements"] == 3
    assert figures["volunteers"]["hours"] == "6.5"
    assert figures["resident_initiatives"] == {"activities": 2, "resident_initiated": 1, "share": "50.0"}
    assert figures["groups"] == {"active": 2, "members": 20}
    assert figures["partnership_meetings"] == {"meetings": 2, "partnerships": 1}
    assert figures["diagnoses"]["diagnoses"] == 1
    assert figures["diagnoses"]["needs_answered_in_period"] == 1
    assert figures["diagnoses"]["needs_in_progress"] == 1
    assert figures["diagnoses"]["needs_open"] == 1


# --- Workflow --------------------------------------------------------------------------


@pytest.fixture
def final_report(centre_a: Any) -> CentreReport:
    term = make_term(centre_a, start=date(2025, 1, 1), end=date(2025, 12, 31))
    term.grant_amount = Decimal("1000.00")
    term.save()
    return reports.centre_report_build(
        term_id=term.pk,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
        kind=CentreReportKind.FINAL,
    )


BUDGET = [
    {"name": "Wynagrodzenia", "granted": "800", "spent": "800", "own": "100", "in_kind": "0"},
    {"name": "Materiały", "granted": "200.00", "spent": "150,50", "own": "0", "in_kind": "300"},
]
NARRATIVE = {
    "results": "120 mieszkańców w 40 działaniach (listy obecności).",
    "actions": "Warsztaty, festyn.",
}


def test_submit_refuses_an_empty_narrative_and_a_missing_budget(
    final_report: CentreReport, operator_a: Any, english: None
) -> None:
    with pytest.raises(ValidationError) as error:
        reports.centre_report_submit(
            report=final_report, actor=operator_a, expected_version=final_report.version
        )

    assert set(error.value.message_dict) == {"results", "actions", "budget_lines"}
    final_report.refresh_from_db()
    assert final_report.status == CentreReportStatus.DRAFT


def test_budget_lines_that_do_not_add_up_are_refused(
    final_report: CentreReport, operator_a: Any, english: None
) -> None:
    with pytest.raises(ValidationError) as error:
        reports.centre_report_update(
            report=final_report,
            actor=operator_a,
            expected_version=final_report.version,
            budget_lines=[
                {"name": "Materiały", "granted": "100", "spent": "150", "own": "0", "in_kind": "0"}
            ],
        )
    assert error.value.message_dict == {
        "budget_lines": ["Line 1 (Materiały): the grant spent (150.00) exceeds the grant (100.00)."]
    }

    with pytest.raises(ValidationError) as error:
        reports.centre_report_submit(
            report=final_report,
            actor=operator_a,
            expected_version=final_report.version,
            budget_lines=BUDGET[:1],
            **NARRATIVE,
        )
    assert error.value.message_dict == {
        "budget_lines": [
            "The budget lines add up to a grant of 800.00 zł, but the agreement grants 1000.00 zł."
        ]
    }


def test_the_workflow_freezes_figures_logs_and_mails(
    final_report: CentreReport, operator_a: Any, city_staff: Any, centre_a: Any, english: None
) -> None:
    mail.outbox.clear()
    report = reports.centre_report_submit(
        report=final_report,
        actor=operator_a,
        expected_version=final_report.version,
        budget_lines=BUDGET,
        **NARRATIVE,
    )
    assert report.status == CentreReportStatus.SUBMITTED
    assert report.budget_lines[1] == {
        "name": "Materiały",
        "granted": "200.00",
        "spent": "150.50",
        "own": "0.00",
        "in_kind": "300.00",
    }
    assert [message.to for message in mail.outbox] == [["staff@example.org"]]
    frozen = report.figures
    assert frozen["activities"]["total"] == 0

    # Data added later does not change a submitted report.
    factories.ActivityFactory(centre=centre_a, start=at(date(2025, 5, 5)), end=at(date(2025, 5, 5), 19))
    report.refresh_from_db()
    assert report.figures == frozen

    # A submitted report refuses changes, with the error on the field.
    with pytest.raises(ValidationError) as error:
        reports.centre_report_update(
            report=report, actor=operator_a, expected_version=report.version, results="Inne wyniki."
        )
    assert error.value.message_dict == {"results": ["This report is submitted and can no longer be changed."]}

    # The operator cannot review; staff must comment to return it.
    with pytest.raises(PermissionDenied):
        reports.centre_report_accept(report=report, actor=operator_a)
    with pytest.raises(ValidationError) as error:
        reports.centre_report_return(report=report, actor=city_staff, comment=" ")
    assert list(error.value.message_dict) == ["review_comment"]

    mail.outbox.clear()
    report = reports.centre_report_return(report=report, actor=city_staff, comment="Podajcie źródło liczb.")
    assert report.status == CentreReportStatus.RETURNED
    assert [message.to for message in mail.outbox] == [["operator-a@example.org"]]
    assert "Podajcie źródło liczb." in mail.outbox[0].body

    report = reports.centre_report_submit(
        report=report, actor=operator_a, expected_version=report.version, results="121 mieszkańców (listy)."
    )
    # Resubmitting reads the figures again: the May activity is in the year.
    assert report.figures["activities"]["total"] == 1
    mail.outbox.clear()
    report = reports.centre_report_accept(report=report, actor=city_staff)
    assert report.status == CentreReportStatus.ACCEPTED
    assert [message.to for message in mail.outbox] == [["operator-a@example.org"]]
    assert list(report.status_log.values_list("from_status", "to_status", "actor__username", "comment")) == [
        ("", "robocze", None, ""),
        ("robocze", "zlozone", "operator-a", ""),
        ("zlozone", "do_poprawy", "staff", "Podajcie źródło liczb."),
        ("do_poprawy", "zlozone", "operator-a", ""),
        ("zlozone", "zaakceptowane", "staff", ""),
    ]


def test_another_operator_may_not_write_the_report(final_report: CentreReport, operator_b: Any) -> None:
    with pytest.raises(PermissionDenied):
        reports.centre_report_update(
            report=final_report, actor=operator_b, expected_version=final_report.version, results="x"
        )


def test_a_stale_version_is_a_conflict(final_report: CentreReport, operator_a: Any) -> None:
    reports.centre_report_update(
        report=final_report, actor=operator_a, expected_version=final_report.version, results="a"
    )

    with pytest.raises(ValidationError) as error:
        reports.centre_report_update(
            report=final_report, actor=operator_a, expected_version=final_report.version, results="b"
        )

    assert error.value.code == "conflict"


def test_visibility_of_reports(
    final_report: CentreReport,
    operator_a: Any,
    operator_b: Any,
    animator: Any,
    city_staff: Any,
    team_member: Any,
) -> None:
    assert list(reports.visible_centre_reports(operator_a)) == [final_report]
    assert list(reports.visible_centre_reports(operator_b)) == []
    assert list(reports.visible_centre_reports(city_staff)) == [final_report]
    # A draft is the operator's: the animator and the team read submitted reports only.
    assert list(reports.visible_centre_reports(animator)) == []
    reports.centre_report_submit(
        report=final_report,
        actor=operator_a,
        expected_version=final_report.version,
        budget_lines=BUDGET,
        **NARRATIVE,
    )
    assert list(reports.visible_centre_reports(animator)) == [final_report]
    assert list(reports.visible_centre_reports(team_member)) == [final_report]
