"""A mail server that is down does not turn a committed change of a centre report into a 500:
the change stays made and the failure is logged."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client

from network.models import CentreReportStatus
from tests.network.test_centre_reports_views import build, form_data, login

# The service commits for real, so that its on-commit e-mail is sent as in production.
pytestmark = pytest.mark.django_db(transaction=True)


class BrokenMailBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Any) -> int:
        raise ConnectionRefusedError("the mail server is down")


def test_submitting_with_the_mail_server_down_still_submits(
    settings: Any, centre_a: Any, operator_a: Any, city_staff: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.EMAIL_BACKEND = f"{__name__}.BrokenMailBackend"
    report = build(centre_a)
    client = login(Client(raise_request_exception=True), operator_a)

    with caplog.at_level(logging.ERROR, logger="django.db.backends.base"):
        response = client.post(report.get_absolute_url(), form_data(report, submit="1"))

    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == CentreReportStatus.SUBMITTED
    assert "the mail server is down" in caplog.text
