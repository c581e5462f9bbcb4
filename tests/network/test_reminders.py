"""Reminders: each event once per person, gathered in one daily digest e-mail."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import translation

from centres.models import OperatorTerm
from diagnosis.models import DiagnosisStatus
from network import reminders
from network.models import CentreReport, CentreReportKind, CentreReportStatus, ReminderSent
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
