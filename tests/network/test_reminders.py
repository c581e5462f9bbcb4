"""Reminders: each event once per person, gathered in one daily digest e-mail."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import translation

from centres.models import OperatorTerm, Project, ProjectStatus
from diagnosis.models import DiagnosisStatus
from network import reminders
from network.models import CentreReport, CentreReportKind, CentreReportStatus, ReminderSent
from tests.centres.project_factories import ProjectFactory
from tests.diagnosis.factories import DiagnosisFactory
from tests.network.factories import CertificationFactory
from tests.partnerships.factories import PartnershipFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 5, 10)


def _titles() -> dict[str, str]:
    """The digest's headings in the portal's language (the e-mails are written in it)."""
    with translation.override("pl"):
        return reminders.kind_titles()


def _report(centre: Any, *, due_on: date, status: str = CentreReportStatus.DRAFT) -> CentreReport:
    term = OperatorTerm.objects.get(centre=centre)
    return CentreReport.objects.create(
        centre=centre,
        term=term,
        kind=CentreReportKind.PARTIAL,
        period_start=date(2026, 3, 1),
        period_end=date(2026, 3, 31),
        due_on=due_on,
        status=status,
    )


@pytest.fixture
def events(centre_a: Any, operator_a: Any, city_staff: Any, english: Any) -> dict[str, Any]:
    """Every kind of event, all of centre A (operator-a's)."""
    OperatorTerm.objects.filter(centre=centre_a).update(start=date(2024, 1, 1))
    return {
        "due": _report(centre_a, due_on=TODAY + timedelta(days=7)),
        "partnership": PartnershipFactory(lead_centre=centre_a, founded_on=date(2025, 1, 1), name="Razem"),
        "diagnosis": DiagnosisFactory(
            centre=centre_a,
            period_start=date(2023, 1, 1),
            period_end=date(2024, 3, 31),
            status=DiagnosisStatus.FINISHED,
        ),
        "certificate": CertificationFactory(
            centre=centre_a,
            applied_on=date(2021, 1, 1),
            visited_on=date(2021, 2, 1),
            granted_on=date(2021, 9, 1),
        ),
    }


def test_one_digest_per_person_with_every_event_grouped(
    events: dict[str, Any], operator_a: Any, city_staff: Any, operator_b: Any
) -> None:
    sent = reminders.reminder_send_digests(on=TODAY)

    assert sent == 2
    by_address = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_address) == ["operator-a@example.org", "staff@example.org"]
    body = by_address["operator-a@example.org"].body
    titles = _titles()
    positions = [
        body.index(titles[kind])
        for kind in (
            reminders.Kind.REPORT_DUE,
            reminders.Kind.PARTNERSHIP,
            reminders.Kind.DIAGNOSIS,
            reminders.Kind.CERTIFICATE,
        )
    ]
    assert positions == sorted(positions)
    assert titles[reminders.Kind.REPORT_OVERDUE] not in body
    assert "Razem" in body
    assert body.count("\n- ") == 4
    # City staff hear of certificates only
    staff_body = by_address["staff@example.org"].body
    assert titles[reminders.Kind.CERTIFICATE] in staff_body
    assert titles[reminders.Kind.PARTNERSHIP] not in staff_body
    assert staff_body.count("\n- ") == 1
    assert ReminderSent.objects.filter(user=operator_a).count() == 4
    assert ReminderSent.objects.filter(user=city_staff).count() == 1


def test_each_event_is_reminded_once(events: dict[str, Any], operator_a: Any) -> None:
    reminders.reminder_send_digests(on=TODAY)
    mail.outbox.clear()

    assert reminders.reminder_send_digests(on=TODAY) == 0
    assert reminders.reminder_send_digests(on=TODAY + timedelta(days=1)) == 0
    assert mail.outbox == []


def test_an_overdue_report_is_a_new_event(events: dict[str, Any], operator_a: Any) -> None:
    reminders.reminder_send_digests(on=TODAY)
    mail.outbox.clear()

    # Eight days later the report is overdue: one reminder of that, nothing else again
    assert reminders.reminder_send_digests(on=TODAY + timedelta(days=8)) == 1
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    titles = _titles()
    assert titles[reminders.Kind.REPORT_OVERDUE] in body
    assert titles[reminders.Kind.PARTNERSHIP] not in body
    assert body.count("\n- ") == 1


def test_submitted_reports_and_fresh_records_remind_nothing(
    centre_a: Any, operator_a: Any, english: Any
) -> None:
    OperatorTerm.objects.filter(centre=centre_a).update(start=date(2024, 1, 1))
    _report(centre_a, due_on=TODAY - timedelta(days=3), status=CentreReportStatus.SUBMITTED)
    PartnershipFactory(lead_centre=centre_a, founded_on=TODAY - timedelta(days=30))
    DiagnosisFactory(
        centre=centre_a,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 6, 30),
        status=DiagnosisStatus.FINISHED,
    )

    assert reminders.reminder_send_digests(on=TODAY) == 0
    assert mail.outbox == []


def test_a_person_without_an_email_gets_nothing_and_nothing_is_recorded(
    events: dict[str, Any], operator_a: Any, city_staff: Any
) -> None:
    operator_a.email = ""
    operator_a.save()
    city_staff.email = ""
    city_staff.save()

    assert reminders.reminder_send_digests(on=TODAY) == 0
    assert ReminderSent.objects.count() == 0


def test_the_digest_task_runs_the_service(events: dict[str, Any]) -> None:
    from network.tasks import reminder_digest_task

    assert reminder_digest_task.run(TODAY.isoformat()) == 2


# --- Project applications awaiting the funder's decision ------------------------------------


def _application(centre: Any, *, decision_date: date, status: str = ProjectStatus.APPLICATION) -> Project:
    project: Project = ProjectFactory(
        centre=centre, title="Zielony dziedziniec", status=status, decision_date=decision_date
    )
    return project


def test_an_application_due_within_seven_days_is_reminded_once(
    centre_a: Any, operator_a: Any, operator_b: Any, city_staff: Any, english: Any
) -> None:
    project = _application(centre_a, decision_date=TODAY + timedelta(days=7))

    assert reminders.reminder_send_digests(on=TODAY) == 1
    [message] = mail.outbox
    assert message.to == ["operator-a@example.org"]
    assert _titles()[reminders.Kind.PROJECT_DECISION] in message.body
    assert "Zielony dziedziniec" in message.body
    assert message.body.count("\n- ") == 1
    assert list(ReminderSent.objects.values_list("user__username", "event_key")) == [
        ("operator-a", f"project-decision:{project.pk}:2026-05-17")
    ]
    mail.outbox.clear()

    # the same event is not reminded again, on that day or later, overdue or not
    assert reminders.reminder_send_digests(on=TODAY) == 0
    assert reminders.reminder_send_digests(on=TODAY + timedelta(days=10)) == 0
    assert mail.outbox == []


def test_a_new_decision_date_is_a_new_event(centre_a: Any, operator_a: Any, english: Any) -> None:
    project = _application(centre_a, decision_date=TODAY + timedelta(days=2))
    reminders.reminder_send_digests(on=TODAY)
    mail.outbox.clear()
    Project.objects.filter(pk=project.pk).update(decision_date=TODAY + timedelta(days=5))

    assert reminders.reminder_send_digests(on=TODAY) == 1
    assert ReminderSent.objects.filter(user=operator_a).count() == 2


def test_an_overdue_application_says_the_decision_was_expected(centre_a: Any, operator_a: Any) -> None:
    _application(centre_a, decision_date=TODAY - timedelta(days=3))

    with translation.override("en"):
        events = reminders.reminder_events(on=TODAY)

    assert [event.text for event in events[operator_a.pk]] == [
        "CAL Szczepin: the decision on the application “Zielony dziedziniec” was expected on May 7, 2026."
    ]


def test_later_decisions_and_other_statuses_remind_nothing(centre_a: Any, operator_a: Any) -> None:
    _application(centre_a, decision_date=TODAY + timedelta(days=8))
    _application(centre_a, decision_date=TODAY, status=ProjectStatus.GRANTED)
    _application(centre_a, decision_date=TODAY - timedelta(days=1), status=ProjectStatus.REJECTED)

    assert reminders.reminder_send_digests(on=TODAY) == 0
    assert ReminderSent.objects.count() == 0
