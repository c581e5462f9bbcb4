"""How people reach the reports: the operator from their centre's workspace, the
network's viewers from the dashboard."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from centres.models import OperatorTerm
from network.models import CentreReport, CentreReportKind, CentreReportStatus
from network.reports import centre as reports

pytestmark = pytest.mark.django_db


def build(centre: Any, month: int = 1) -> CentreReport:
    term = OperatorTerm.objects.get(centre=centre)
    term.start = date(2025, 1, 1)
    term.save()
    return reports.centre_report_build(
        term_id=term.pk,
        period_start=date(2025, month, 1),
        period_end=date(2025, month, 28),
        kind=CentreReportKind.MONTHLY,
    )


def test_the_workspace_links_to_the_centres_reports(
    client: Client, operator_a: Any, centre_a: Any, centre_b: Any
) -> None:
    mine = build(centre_a)
    build(centre_b)
    client.force_login(operator_a)
    url = reverse("network:workspace-centre-reports", args=["cal-szczepin"])

    workspace = client.get(reverse("centres:workspace-centre-edit", args=["cal-szczepin"]))
    assert f'href="{url}"' in workspace.content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert [report.pk for report in response.context["reports"]] == [mine.pk]
    assert f'href="{url}" aria-current="page"' in response.content.decode()
    assert client.get(url, {"status": CentreReportStatus.SUBMITTED}).context["reports"] == []


def test_another_operators_centre_reports_are_a_404(client: Client, operator_b: Any, centre_a: Any) -> None:
    build(centre_a)
    client.force_login(operator_b)
    url = reverse("network:workspace-centre-reports", args=["cal-szczepin"])
    assert client.get(url).status_code == 404
    client.logout()
    response = client.get(url)
    assert (response.status_code, response["Location"]) == (302, f"{reverse('login')}?next={url}")


def test_workspace_list_query_count_does_not_grow(client: Client, operator_a: Any, centre_a: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for month in (1, 2):
        build(centre_a, month)
    client.force_login(operator_a)
    url = reverse("network:workspace-centre-reports", args=["cal-szczepin"])
    client.get(url)
    with CaptureQueriesContext(connection) as two:
        assert len(client.get(url).context["reports"]) == 2
    term = OperatorTerm.objects.get(centre=centre_a)
    for month in range(3, 12):
        reports.centre_report_build(
            term_id=term.pk,
            period_start=date(2025, month, 1),
            period_end=date(2025, month, 28),
            kind=CentreReportKind.MONTHLY,
        )
        reports.centre_report_build(
            term_id=term.pk,
            period_start=date(2025, month, 2),
            period_end=date(2025, month, 27),
            kind=CentreReportKind.MONTHLY,
        )
    with CaptureQueriesContext(connection) as twenty:
        assert len(client.get(url).context["reports"]) == 20
    assert len(twenty) == len(two)


def test_the_dashboard_links_to_network_and_centre_reports(client: Client, animator: Any) -> None:
    client.force_login(animator)
    page = client.get(reverse("network:dashboard")).content.decode()
    assert f'href="{reverse("network:network-report-list")}"' in page
    assert f'href="{reverse("network:centre-report-list")}"' in page


def test_report_statuses_read_in_english() -> None:
    # (pgettext_lazy: the catalogue translates them in the "report status" context.)
    with translation.override("en"):
        assert [str(label) for label in CentreReportStatus.labels] == [
            "draft",
            "submitted",
            "returned for correction",
            "accepted",
        ]
