"""Reminders: each event reminded once to each person concerned, gathered in one daily
digest e-mail per person.

The events, on a given day:

- a centre report (sprawozdanie) due within seven days, or overdue, still with the
  operator (draft or returned) — to the centre's operators;
- a local partnership led by a centre that has not met for 90 days — to its operators;
- a centre whose latest community diagnosis ended more than 24 months ago — to its operators;
- a CAL certificate expiring within six months — to the centre's operators and city staff;
- a project application whose funder's decision is due within seven days, or overdue while
  the project is still an application — to the centre's operators.

Each event has a key that names it (and the date that makes it a new event, e.g. a new due
date or a new last meeting); a ``ReminderSent`` row per person and key, unique in the
database, is what makes it reminded once, however often or concurrently the digest runs.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from centres.access import CITY_GROUP, current_term_q
from centres.models import OperatorTerm
from centres.selectors import project_list_awaiting_decision
from diagnosis.selectors import centre_list_stale_diagnosis
from network.models import (
    CENTRE_REPORT_EDITABLE_STATUSES,
    CentreReport,
    Certification,
    CertificationStatus,
    ReminderSent,
)
from network.stats import EXPIRY_WARNING_MONTHS, add_months
from partnerships.selectors import partnership_list_stale

logger = logging.getLogger(__name__)

REPORT_DUE_DAYS = 7
PROJECT_DECISION_DAYS = 7


class Kind:
    REPORT_DUE = "report-due"
    REPORT_OVERDUE = "report-overdue"
    PARTNERSHIP = "partnership-stale"
    DIAGNOSIS = "diagnosis-stale"
    CERTIFICATE = "certificate-expiring"
    PROJECT_DECISION = "project-decision"


def kind_titles() -> dict[str, str]:
    """The digest's headings, in its order."""
    return {
        Kind.REPORT_OVERDUE: _("Overdue reports"),
        Kind.REPORT_DUE: _("Reports due within seven days"),
        Kind.PARTNERSHIP: _("Partnerships with no meeting for 90 days"),
        Kind.DIAGNOSIS: _("Community diagnoses older than 24 months"),
        Kind.CERTIFICATE: _("Certificates expiring within six months"),
        Kind.PROJECT_DECISION: _("Project applications awaiting the funder's decision"),
    }


@dataclass(frozen=True)
class Event:
    kind: str
    key: str
    text: str
    path: str = ""


def _d(value: date | None) -> str:
    return date_format(value, "DATE_FORMAT") if value else "—"


def _centre_operators(centre_ids: Iterable[int], on: date) -> dict[int, set[int]]:
    """The users of the organisations that operate each centre on ``on``. One query."""
    result: dict[int, set[int]] = defaultdict(set)
    rows = (
        OperatorTerm.objects.filter(current_term_q(on), centre_id__in=set(centre_ids))
        .filter(organization__memberships__user__is_active=True)
        .values_list("centre_id", "organization__memberships__user_id")
    )
    for centre_id, user_id in rows:
        result[centre_id].add(user_id)
    return result


def _city_staff_ids() -> set[int]:
    return set(
        get_user_model()
        .objects.filter(is_active=True, is_staff=True, groups__name=CITY_GROUP)
        .values_list("pk", flat=True)
    )


def _reverse(name: str, **kwargs: Any) -> str:
    try:
        return reverse(name, kwargs=kwargs)
    except Exception:  # a page of another app that is not there: the reminder still goes
        return ""


def reminder_events(*, on: date) -> dict[int, list[Event]]:
    """Every event of the day, per user id (not yet filtered by what was sent)."""
    per_centre: list[tuple[int, Event]] = []
    staff_events: list[Event] = []

    due_limit = on + timedelta(days=REPORT_DUE_DAYS)
    reports = CentreReport.objects.filter(
        status__in=CENTRE_REPORT_EDITABLE_STATUSES, due_on__lte=due_limit
    ).select_related("centre")
    for report in reports:
        overdue = report.due_on < on
        kind = Kind.REPORT_OVERDUE if overdue else Kind.REPORT_DUE
        params = {
            "centre": report.centre.name,
            "start": _d(report.period_start),
            "end": _d(report.period_end),
            "due": _d(report.due_on),
        }
        text = (
            _("%(centre)s: the report for %(start)s – %(end)s was due on %(due)s.")
            if overdue
            else _("%(centre)s: the report for %(start)s – %(end)s is due on %(due)s.")
        ) % params
        per_centre.append(
            (report.centre_id, Event(kind, f"{kind}:{report.pk}:{report.due_on.isoformat()}", text))
        )

    for partnership in partnership_list_stale(on=on):
        last = getattr(partnership, "last_met_on", None)
        text = _("%(centre)s: the partnership “%(name)s” last met on %(date)s.") % {
            "centre": partnership.lead_centre.name,
            "name": partnership.name,
            "date": _d(last) if last else _("never"),
        }
        key = f"{Kind.PARTNERSHIP}:{partnership.pk}:{last.isoformat() if last else 'never'}"
        per_centre.append((partnership.lead_centre_id, Event(Kind.PARTNERSHIP, key, text)))

    for centre in centre_list_stale_diagnosis(on=on):
        last_end = getattr(centre, "last_diagnosis_end", None)
        text = _("%(centre)s: the latest community diagnosis ended on %(date)s.") % {
            "centre": centre.name,
            "date": _d(last_end),
        }
        key = f"{Kind.DIAGNOSIS}:{centre.pk}:{last_end.isoformat() if last_end else 'never'}"
        per_centre.append((centre.pk, Event(Kind.DIAGNOSIS, key, text)))

    certificates = Certification.objects.filter(
        status=CertificationStatus.GRANTED,
        valid_until__gte=on,
        valid_until__lte=add_months(on, EXPIRY_WARNING_MONTHS),
    ).select_related("centre")
    for certificate in certificates:
        valid_until = certificate.valid_until
        if valid_until is None:  # filtered above; for the type checker
            continue
        text = _("%(centre)s: the CAL certificate expires on %(date)s.") % {
            "centre": certificate.centre.name,
            "date": _d(valid_until),
        }
        event = Event(
            Kind.CERTIFICATE,
            f"{Kind.CERTIFICATE}:{certificate.pk}:{valid_until.isoformat()}",
            text,
        )
        per_centre.append((certificate.centre_id, event))
        staff_events.append(event)

    for project in project_list_awaiting_decision(on=on, within_days=PROJECT_DECISION_DAYS):
        decision = project.decision_date
        if decision is None:  # an application always has one (a constraint); for the type checker
            continue
        params = {"centre": project.centre.name, "title": project.title, "date": _d(decision)}
        text = (
            _("%(centre)s: the decision on the application “%(title)s” was expected on %(date)s.")
            if decision < on
            else _("%(centre)s: the decision on the application “%(title)s” is expected on %(date)s.")
        ) % params
        key = f"{Kind.PROJECT_DECISION}:{project.pk}:{decision.isoformat()}"
        per_centre.append((project.centre_id, Event(Kind.PROJECT_DECISION, key, text)))

    operators = _centre_operators((centre_id for centre_id, _event in per_centre), on)
    events: dict[int, list[Event]] = defaultdict(list)
    for centre_id, event in per_centre:
        for user_id in operators.get(centre_id, ()):
            events[user_id].append(event)
    if staff_events:
        for user_id in _city_staff_ids():
            for event in staff_events:
                if event not in events[user_id]:
                    events[user_id].append(event)
    return dict(events)


def reminder_send_digests(*, on: date | None = None) -> int:
    """Send each person one e-mail with the day's events not reminded to them before;
    return the number of e-mails sent. Running it again the same day sends nothing."""
    on = on or timezone.localdate()
    with translation.override(settings.LANGUAGE_CODE):
        events = reminder_events(on=on)
        if not events:
            return 0
        users = {
            user.pk: user
            for user in get_user_model()
            .objects.filter(pk__in=events.keys(), is_active=True)
            .exclude(email="")
        }
        sent_before = set(
            ReminderSent.objects.filter(user_id__in=users.keys()).values_list("user_id", "event_key")
        )
        sent = 0
        for user_id, user in sorted(users.items()):
            new = [event for event in events[user_id] if (user_id, event.key) not in sent_before]
            if new and _send_digest(user, new, on):
                sent += 1
        return sent


def _send_digest(user: Any, events: list[Event], on: date) -> bool:
    """Record each event as sent and e-mail it, in one transaction: an event another run
    recorded meanwhile is left out; if the e-mail fails, nothing is recorded."""
    with transaction.atomic():
        fresh = []
        for event in events:
            _row, created = ReminderSent.objects.get_or_create(
                user=user, event_key=event.key, defaults={"summary": event.text[:500]}
            )
            if created:
                fresh.append(event)
        if not fresh:
            return False
        titles = kind_titles()
        groups = [
            {"title": title, "events": [event for event in fresh if event.kind == kind]}
            for kind, title in titles.items()
            if any(event.kind == kind for event in fresh)
        ]
        body = render_to_string(
            "network/reports/network_reminder_digest.txt",
            {"user": user, "groups": groups, "on": on, "count": len(fresh)},
        )
        subject = _("CAL Portal: %(count)s reminders for %(date)s") % {"count": len(fresh), "date": _d(on)}
        EmailMessage(subject=subject, body=body, to=[user.email]).send()
    return True
