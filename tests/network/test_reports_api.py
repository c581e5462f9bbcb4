"""The reports' API: who reads which centre report, the operator's narrative and
submission and the city's review through the API, and the network reports built on
demand with their progress and downloads."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from centres.models import OperatorTerm
from network.models import (
    CentreReport,
    CentreReportKind,
    CentreReportStatus,
    NetworkReport,
    NetworkReportStatus,
)
from network.reports import centre as reports
from network.reports import network as network_reports

pytestmark = pytest.mark.django_db

REPORTS = "/api/v1/centre-reports/"
NETWORK_REPORTS = "/api/v1/network-reports/"
NARRATIVE = {
    "results": "120 mieszkańców w 40 działaniach (listy obecności).",
    "actions": "Warsztaty i festyn sąsiedzki.",
}


def api(user: Any = None) -> APIClient:
    client = APIClient()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    if user is not None:
        client.force_authenticate(user)
    return client


def build(centre: Any, kind: str = CentreReportKind.MONTHLY) -> CentreReport:
    term = OperatorTerm.objects.get(centre=centre)
    term.start, term.end, term.grant_amount = date(2025, 1, 1), date(2025, 12, 31), Decimal("1000.00")
    term.save()
    start, end = (
        (date(2025, 1, 1), date(2025, 12, 31))
        if kind == CentreReportKind.FINAL
        else (
            date(2025, 1, 1),
            date(2025, 1, 31),
        )
    )
    return reports.centre_report_build(term_id=term.pk, period_start=start, period_end=end, kind=kind)


def submitted(centre: Any, operator: Any) -> CentreReport:
    report = build(centre)
    return reports.centre_report_submit(
        report=report, actor=operator, expected_version=report.version, **NARRATIVE
    )


def detail(report: CentreReport) -> str:
    return f"{REPORTS}{report.pk}/"


def ids(response: Any) -> list[int]:
    assert response.status_code == 200
    return [row["id"] for row in response.json()["results"]]


# --- Centre reports: access -------------------------------------------------------------


def test_anonymous_requests_are_401(centre_a: Any) -> None:
    report = build(centre_a)
    assert api().get(REPORTS).status_code == 401
    assert api().get(detail(report)).status_code == 401
    assert api().patch(detail(report), {"version": 1, "results": "x"}, format="json").status_code == 401
    assert api().post(f"{detail(report)}submit/", {"version": 1}, format="json").status_code == 401
    assert api().get(NETWORK_REPORTS).status_code == 401
    assert api().post(NETWORK_REPORTS, {"start": "2026-01-01", "end": "2026-01-31"}).status_code == 401


def test_the_operator_reads_their_draft_and_another_operator_gets_404(
    centre_a: Any, operator_a: Any, operator_b: Any
) -> None:
    report = build(centre_a)

    assert ids(api(operator_a).get(REPORTS)) == [report.pk]
    body = api(operator_a).get(detail(report)).json()
    assert (body["centre"], body["kind"], body["status"]) == ("cal-szczepin", "miesieczne", "robocze")
    assert (body["period_start"], body["period_end"], body["version"]) == ("2025-01-01", "2025-01-31", 1)
    assert body["links"]["pdf"] == f"http://testserver/network/centre-reports/{report.pk}.pdf"
    # The draft was built by the periodic task: no user made it.
    log = [(e["from_status"], e["to_status"], e["actor"]) for e in body["status_log"]]
    assert log == [(None, "robocze", None)]

    other = api(operator_b)
    assert ids(other.get(REPORTS)) == []
    assert other.get(detail(report)).status_code == 404
    assert other.patch(detail(report), {"version": 1, **NARRATIVE}, format="json").status_code == 404
    assert other.post(f"{detail(report)}submit/", {"version": 1}, format="json").status_code == 404
    report.refresh_from_db()
    assert (report.results, report.version) == ("", 1)


@pytest.mark.parametrize("who", ["animator", "team_member"])
def test_the_network_reads_submitted_reports_but_not_drafts(
    who: str, request: Any, centre_a: Any, operator_a: Any, centre_b: Any
) -> None:
    draft = build(centre_b)
    report = submitted(centre_a, operator_a)
    client = api(request.getfixturevalue(who))

    assert ids(client.get(REPORTS)) == [report.pk]
    assert client.get(detail(draft)).status_code == 404
    assert client.get(detail(report)).json()["status"] == "zlozone"
    # Reading is not reviewing
    response = client.post(f"{detail(report)}accept/", {"version": report.version}, format="json")
    assert response.status_code == 403


def test_city_staff_read_every_report_and_filter_them(
    city_staff: Any, centre_a: Any, operator_a: Any, centre_b: Any
) -> None:
    draft = build(centre_b)
    report = submitted(centre_a, operator_a)
    client = api(city_staff)

    assert sorted(ids(client.get(REPORTS))) == sorted([draft.pk, report.pk])
    assert ids(client.get(REPORTS, {"centre": "cal-gajowice"})) == [draft.pk]
    assert ids(client.get(REPORTS, {"status": "zlozone"})) == [report.pk]
    # City staff review; they do not write the operator's narrative
    response = client.patch(detail(draft), {"version": draft.version, **NARRATIVE}, format="json")
    assert response.status_code == 403


def test_the_operator_may_not_review_their_own_report(centre_a: Any, operator_a: Any) -> None:
    report = submitted(centre_a, operator_a)
    response = api(operator_a).post(
        f"{detail(report)}return/", {"version": report.version, "comment": "?"}, format="json"
    )
    assert response.status_code == 403
    assert api(operator_a).post(f"{detail(report)}accept/", {"version": report.version}).status_code == 403
    report.refresh_from_db()
    assert report.status == CentreReportStatus.SUBMITTED


# --- Centre reports: the workflow -------------------------------------------------------


def test_the_whole_workflow_through_the_api(
    centre_a: Any, operator_a: Any, city_staff: Any, django_capture_on_commit_callbacks: Any
) -> None:
    report = build(centre_a)
    operator, staff = api(operator_a), api(city_staff)

    # The operator writes the narrative
    response = operator.patch(detail(report), {"version": 1, "results": NARRATIVE["results"]}, format="json")
    assert response.status_code == 200
    assert (response.json()["results"], response.json()["version"]) == (NARRATIVE["results"], 2)

    # Submitting without the actions carried out is refused, field by field
    response = operator.post(f"{detail(report)}submit/", {"version": 2}, format="json")
    assert response.status_code == 400
    assert response.json() == {"actions": ["Fill this in before submitting the report."]}

    # Submitted with the rest of the narrative: city staff are told
    with django_capture_on_commit_callbacks(execute=True):
        response = operator.post(
            f"{detail(report)}submit/", {"version": 2, "actions": NARRATIVE["actions"]}, format="json"
        )
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["actions"]) == ("zlozone", NARRATIVE["actions"])
    assert [m.to for m in mail.outbox] == [["staff@example.org"]]
    version = body["version"]

    # A submitted report cannot be changed
    response = operator.patch(detail(report), {"version": version, "results": "Inne."}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["results"]

    # City staff return it: a comment is needed
    response = staff.post(f"{detail(report)}return/", {"version": version, "comment": " "}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["comment"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            f"{detail(report)}return/", {"version": version, "comment": "Podajcie źródła."}, format="json"
        )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["review_comment"]) == (
        "do_poprawy",
        "Podajcie źródła.",
    )
    assert [m.to for m in mail.outbox] == [["operator-a@example.org"]]
    assert "Podajcie źródła." in mail.outbox[0].body
    version = response.json()["version"]

    # The operator fixes and resubmits; city staff accept
    response = operator.post(
        f"{detail(report)}submit/", {"version": version, "results": "130 mieszkańców (listy)."}, format="json"
    )
    assert response.status_code == 200
    version = response.json()["version"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(f"{detail(report)}accept/", {"version": version}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "zaakceptowane"
    assert [m.to for m in mail.outbox] == [["operator-a@example.org"]]

    log = api(operator_a).get(detail(report)).json()["status_log"]
    assert [(e["from_status"], e["to_status"], e["actor"], e["comment"]) for e in log] == [
        (None, "robocze", None, ""),
        ("robocze", "zlozone", "operator-a", ""),
        ("zlozone", "do_poprawy", "staff", "Podajcie źródła."),
        ("do_poprawy", "zlozone", "operator-a", ""),
        ("zlozone", "zaakceptowane", "staff", ""),
    ]


def test_a_stale_version_is_409(centre_a: Any, operator_a: Any, city_staff: Any) -> None:
    report = build(centre_a)
    operator = api(operator_a)
    assert operator.patch(detail(report), {"version": 1, "results": "A."}, format="json").status_code == 200

    response = operator.patch(detail(report), {"version": 1, "results": "B."}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    response = operator.post(f"{detail(report)}submit/", {"version": 1, **NARRATIVE}, format="json")
    assert response.status_code == 409
    report.refresh_from_db()
    assert (report.results, report.status, report.version) == ("A.", CentreReportStatus.DRAFT, 2)

    report = reports.centre_report_submit(report=report, actor=operator_a, expected_version=2, **NARRATIVE)
    response = api(city_staff).post(f"{detail(report)}accept/", {"version": 2}, format="json")
    assert response.status_code == 409
    report.refresh_from_db()
    assert report.status == CentreReportStatus.SUBMITTED


def test_a_final_report_needs_budget_lines_that_add_up(centre_a: Any, operator_a: Any) -> None:
    report = build(centre_a, CentreReportKind.FINAL)
    lines = [
        {"name": "Wynagrodzenia", "granted": "800", "spent": "790", "own": "50", "in_kind": "0"},
        {"name": "Materiały", "granted": "150", "spent": "150", "own": "0", "in_kind": "120"},
    ]
    operator = api(operator_a)

    response = operator.post(
        f"{detail(report)}submit/", {"version": 1, **NARRATIVE, "budget_lines": lines}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "budget_lines": [
            "The budget lines add up to a grant of 950.00 zł, but the agreement grants 1000.00 zł."
        ]
    }

    # Nothing was saved by the refused submission
    assert CentreReport.objects.get(pk=report.pk).version == 1
    lines[1]["granted"] = "200"
    response = operator.post(
        f"{detail(report)}submit/", {"version": 1, **NARRATIVE, "budget_lines": lines}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "zlozone"
    assert response.json()["budget_lines"][1] == {
        "name": "Materiały",
        "granted": "200.00",
        "spent": "150.00",
        "own": "0.00",
        "in_kind": "120.00",
    }


def test_centre_report_list_query_count_does_not_grow(centre_a: Any, operator_a: Any) -> None:
    term = OperatorTerm.objects.get(centre=centre_a)
    term.start, term.end = date(2024, 1, 1), date(2025, 12, 31)
    term.save()
    reports.report_schedule_save(
        schedule=reports.ReportSchedule(term=term, monthly=True, final=False), actor=None
    )
    reports.centre_report_build_due(on=date(2024, 3, 1))
    client = api(operator_a)
    client.get(REPORTS)  # the user's groups are read once

    with CaptureQueriesContext(connection) as two:
        assert len(ids(client.get(REPORTS))) == 2
    reports.centre_report_build_due(on=date(2025, 9, 1))
    with CaptureQueriesContext(connection) as twenty:
        assert len(ids(client.get(REPORTS))) == 20
    assert len(twenty) == len(two)


# --- Network reports --------------------------------------------------------------------


def _complete(start: date, end: date) -> NetworkReport:
    return NetworkReport.objects.create(
        period_start=start, period_end=end, status=NetworkReportStatus.COMPLETE, progress=100
    )


@pytest.mark.parametrize("who", ["animator", "team_member", "city_staff"])
def test_network_viewers_read_network_reports(who: str, request: Any) -> None:
    report = _complete(date(2026, 1, 1), date(2026, 1, 31))
    pending = NetworkReport.objects.create(period_start=date(2026, 2, 1), period_end=date(2026, 2, 10))
    client = api(request.getfixturevalue(who))

    assert ids(client.get(NETWORK_REPORTS)) == [pending.pk, report.pk]
    body = client.get(f"{NETWORK_REPORTS}{report.pk}/").json()
    assert (body["status"], body["progress"], body["is_month"]) == ("complete", 100, True)
    assert body["links"] == {
        "html": f"http://testserver/network/reports/{report.pk}/",
        "status": f"http://testserver/network/reports/{report.pk}/status.json",
        "pdf": f"http://testserver/network/reports/{report.pk}/report.pdf",
        "xlsx": f"http://testserver/network/reports/{report.pk}/report.xlsx",
    }
    body = client.get(f"{NETWORK_REPORTS}{pending.pk}/").json()
    assert (body["status"], body["is_month"], body["links"]["pdf"], body["links"]["xlsx"]) == (
        "pending",
        False,
        None,
        None,
    )


def test_operators_see_no_network_report(operator_a: Any) -> None:
    report = _complete(date(2026, 1, 1), date(2026, 1, 31))
    client = api(operator_a)
    assert ids(client.get(NETWORK_REPORTS)) == []
    assert client.get(f"{NETWORK_REPORTS}{report.pk}/").status_code == 404
    response = client.post(NETWORK_REPORTS, {"start": "2026-01-01", "end": "2026-01-31"}, format="json")
    assert response.status_code == 403
    assert NetworkReport.objects.count() == 1


def test_team_member_may_not_build_on_demand(team_member: Any) -> None:
    response = api(team_member).post(
        NETWORK_REPORTS, {"start": "2026-01-01", "end": "2026-01-31"}, format="json"
    )
    assert response.status_code == 403
    assert NetworkReport.objects.count() == 0


@pytest.mark.parametrize("who", ["animator", "city_staff"])
def test_building_on_demand_returns_the_report_with_its_progress(
    who: str, request: Any, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    queued: list[int] = []
    monkeypatch.setattr(network_reports, "_send_quietly", lambda task, pk: queued.append(pk))
    user = request.getfixturevalue(who)
    client = api(user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(NETWORK_REPORTS, {"start": "2026-01-10", "end": "2026-02-15"}, format="json")

    report = NetworkReport.objects.get()
    assert response.status_code == 202
    body = response.json()
    assert (body["id"], body["status"], body["progress"], body["requested_by"]) == (
        report.pk,
        "pending",
        0,
        user.username,
    )
    assert (body["period_start"], body["period_end"], body["links"]["pdf"]) == (
        "2026-01-10",
        "2026-02-15",
        None,
    )
    assert queued == [report.pk]

    # Once built, asking again for the period gives the same, complete report
    NetworkReport.objects.filter(pk=report.pk).update(status=NetworkReportStatus.COMPLETE, progress=100)
    response = client.post(NETWORK_REPORTS, {"start": "2026-01-10", "end": "2026-02-15"}, format="json")
    assert response.status_code == 200
    assert (response.json()["id"], response.json()["status"]) == (report.pk, "complete")
    assert response.json()["links"]["xlsx"] == f"http://testserver/network/reports/{report.pk}/report.xlsx"
    assert NetworkReport.objects.count() == 1


def test_building_on_demand_refuses_a_bad_period(animator: Any) -> None:
    client = api(animator)
    response = client.post(NETWORK_REPORTS, {"start": "2026-02-01", "end": "2026-01-01"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"end": ["The period must end on or after its start."]}
    response = client.post(NETWORK_REPORTS, {"start": "2026-02-01"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["end"]
    assert NetworkReport.objects.count() == 0


def test_network_report_list_query_count_does_not_grow(animator: Any) -> None:
    client = api(animator)
    for month in (1, 2):
        _complete(date(2025, month, 1), date(2025, month, 28))
    client.get(NETWORK_REPORTS)  # the user's groups are read once
    with CaptureQueriesContext(connection) as two:
        assert len(ids(client.get(NETWORK_REPORTS))) == 2
    for month in range(3, 13):
        _complete(date(2025, month, 1), date(2025, month, 28))
    for month in range(1, 9):
        NetworkReport.objects.create(
            period_start=date(2024, month, 1), period_end=date(2024, month, 28), requested_by=animator
        )
    with CaptureQueriesContext(connection) as twenty:
        assert len(ids(client.get(NETWORK_REPORTS))) == 20
    assert len(twenty) == len(two)
