"""Who opens which page of the network: every page for every role. Another operator's
draft or self-assessment is a 404; a record the user sees but may not change is a 403;
an anonymous visitor is sent to log in (the public good practices excepted)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from network.models import MeetingKind, NetworkMeeting
from tests import factories
from tests.network.factories import (
    ConsultationFactory,
    FollowUpFactory,
    GoodPracticeFactory,
    NetworkMeetingFactory,
    PublishedPracticeFactory,
    SelfAssessmentFactory,
)
from tests.network.helpers import make_network

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "resident", "operator_a", "operator_b", "animator", "team", "staff")
LOGIN = "login"


@pytest.fixture
def world(operator_a, centre_a, operator_b, centre_b, animator, team_member, city_staff) -> dict[str, Any]:
    net = make_network(operator_a, centre_a, operator_b, centre_b)
    year = timezone.localdate().year - 1
    return {
        "users": {
            "resident": factories.UserFactory(username="resident"),
            "operator_a": operator_a,
            "operator_b": operator_b,
            "animator": animator,
            "team": team_member,
            "staff": city_staff,
        },
        "scal": NetworkMeetingFactory(kind=MeetingKind.SCAL),
        "team_meeting": NetworkMeetingFactory(kind=MeetingKind.TEAM),
        "follow_up": FollowUpFactory(assignee=net.org_a),
        "draft": GoodPracticeFactory(centre=centre_a),
        "published": PublishedPracticeFactory(centre=centre_a),
        "consultation": ConsultationFactory(),
        "assessment": SelfAssessmentFactory(centre=centre_a, year=year, submitted=False),
        "year": year,
        "slug": centre_a.slug,
    }


def status_for(world: dict[str, Any], role: str, url: str) -> int | str:
    client = Client()
    if role != "anonymous":
        client.force_login(world["users"][role])
    response = client.get(url)
    if response.status_code == 302 and response["Location"].startswith(reverse("login")):
        return LOGIN
    return response.status_code


# url name, the arguments from the world, and the expected status per role, in ROLES order.
MATRIX: list[tuple[str, tuple[str, ...], tuple[int | str, ...]]] = [
    ("network:meeting-list", (), (LOGIN, 403, 200, 200, 200, 200, 200)),
    ("network:meeting-create", (), (LOGIN, 403, 403, 403, 200, 403, 200)),
    ("network:meeting-detail", ("scal",), (LOGIN, 404, 200, 200, 200, 200, 200)),
    ("network:meeting-detail", ("team_meeting",), (LOGIN, 404, 404, 404, 200, 200, 200)),
    ("network:meeting-edit", ("scal",), (LOGIN, 404, 403, 403, 200, 403, 200)),
    ("network:follow-up-create", ("scal",), (LOGIN, 404, 403, 403, 200, 403, 200)),
    ("network:follow-up-list", (), (LOGIN, 403, 200, 200, 200, 200, 200)),
    ("network:follow-up-edit", ("follow_up",), (LOGIN, 404, 200, 404, 200, 403, 200)),
    ("network:practice-list", (), (LOGIN, 403, 200, 200, 200, 200, 200)),
    ("network:practice-create", (), (LOGIN, 403, 200, 200, 200, 403, 200)),
    ("network:practice-detail", ("draft",), (LOGIN, 404, 200, 404, 200, 200, 200)),
    ("network:practice-detail", ("published",), (LOGIN, 200, 200, 200, 200, 200, 200)),
    ("network:practice-edit", ("draft",), (LOGIN, 404, 200, 404, 200, 403, 200)),
    ("network:practice-edit", ("published",), (LOGIN, 403, 403, 403, 200, 403, 200)),
    ("network:adoption-create", ("published",), (LOGIN, 403, 403, 200, 200, 403, 200)),
    ("network:consultation-list", (), (LOGIN, 403, 200, 200, 200, 200, 200)),
    ("network:consultation-create", (), (LOGIN, 403, 403, 403, 200, 403, 200)),
    ("network:consultation-detail", ("consultation",), (LOGIN, 404, 200, 200, 200, 200, 200)),
    ("network:consultation-edit", ("consultation",), (LOGIN, 404, 403, 403, 200, 403, 200)),
    ("network:consultation-respond", ("consultation",), (LOGIN, 404, 200, 200, 403, 403, 403)),
    ("network:workspace-self-assessment", ("slug",), (LOGIN, 404, 200, 404, 404, 404, 200)),
    ("network:workspace-self-assessment-year", ("slug", "year"), (LOGIN, 404, 200, 404, 404, 404, 200)),
    ("network:practice-public-list", (), (200, 200, 200, 200, 200, 200, 200)),
    ("network:practice-public-detail", ("published",), (200, 200, 200, 200, 200, 200, 200)),
    ("network:practice-public-detail", ("draft",), (404, 404, 404, 404, 404, 404, 404)),
]


def _arg(world: dict[str, Any], name: str) -> Any:
    value = world[name]
    return getattr(value, "pk", value)


@pytest.mark.parametrize(("name", "args", "expected"), MATRIX, ids=[f"{m[0]}{m[1]}" for m in MATRIX])
def test_access_matrix(world, name, args, expected):
    url = reverse(name, args=[_arg(world, arg) for arg in args])

    got = tuple(status_for(world, role, url) for role in ROLES)

    assert dict(zip(ROLES, got, strict=True)) == dict(zip(ROLES, expected, strict=True))


def test_posting_is_refused_like_reading(world):
    """A write is refused as the page is: the team's post to a meeting form changes nothing."""
    client = Client()
    client.force_login(world["users"]["team"])
    before = NetworkMeeting.objects.count()

    response = client.post(reverse("network:meeting-create"), {"kind": "scal", "date": "2025-01-10"})

    assert response.status_code == 403
    assert NetworkMeeting.objects.count() == before


def test_operator_b_does_not_see_operator_a_s_attachment_of_a_draft(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    draft = world["draft"]
    draft.attachment.save("opis.pdf", ContentFile(b"%PDF-1.4"), save=True)
    url = reverse("network:practice-attachment", args=[draft.pk])

    assert [status_for(world, role, url) for role in ("operator_a", "operator_b", "animator")] == [
        200,
        404,
        200,
    ]
    assert (
        status_for(world, "anonymous", reverse("network:practice-public-attachment", args=[draft.pk])) == 404
    )
