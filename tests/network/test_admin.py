"""The admin of the network: city staff manage memberships, the team and certification."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from network.models import Certification, NetworkMembership
from tests.factories import CentreFactory, OrganizationFactory
from tests.network.factories import (
    AdoptionFactory,
    CertificationFactory,
    ConsultationResponseFactory,
    FollowUpFactory,
    NetworkMembershipFactory,
    SelfAssessmentFactory,
    TeamMemberFactory,
)

pytestmark = pytest.mark.django_db

MODELS = (
    "networkmembership",
    "teammember",
    "networkmeeting",
    "followup",
    "goodpractice",
    "consultation",
    "certification",
    "selfassessment",
)


def staff_client(user) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


@pytest.fixture
def records() -> None:
    NetworkMembershipFactory(is_animator=True)
    TeamMemberFactory()
    FollowUpFactory()
    AdoptionFactory()
    ConsultationResponseFactory()
    CertificationFactory()
    SelfAssessmentFactory()


@pytest.mark.parametrize("model", MODELS)
def test_city_staff_open_every_admin_page(city_staff, records, model):
    client = staff_client(city_staff)
    changelist = client.get(reverse(f"admin:network_{model}_changelist"))
    assert changelist.status_code == 200
    assert client.get(reverse(f"admin:network_{model}_add")).status_code == 200
    obj = changelist.context["cl"].result_list[0]
    assert client.get(reverse(f"admin:network_{model}_change", args=[obj.pk])).status_code == 200


@pytest.mark.parametrize("model", MODELS)
def test_the_animator_has_no_admin(animator, model):
    animator.is_staff = True
    animator.save()

    assert staff_client(animator).get(reverse(f"admin:network_{model}_changelist")).status_code == 403


def test_a_second_animator_is_a_form_error_in_the_admin(city_staff):
    NetworkMembershipFactory(is_animator=True)
    organization = OrganizationFactory()

    response = staff_client(city_staff).post(
        reverse("admin:network_networkmembership_add"),
        {"organization": organization.pk, "joined": "2025-01-01", "is_animator": "on", "note": ""},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "is_animator": [
            "The network already has an animator organisation in that period: "
            "end its animator membership first."
        ]
    }
    assert NetworkMembership.objects.count() == 1


def test_city_staff_grant_a_certificate_in_the_admin(city_staff):
    centre = CentreFactory()

    response = staff_client(city_staff).post(
        reverse("admin:network_certification_add"),
        {
            "centre": centre.pk,
            "status": "przyznany",
            "applied_on": "2024-01-10",
            "visited_on": "",
            "granted_on": "2024-03-01",
            "valid_until": "2027-03-01",
            "decision_note": "",
        },
    )
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["valid_until"]

    response = staff_client(city_staff).post(
        reverse("admin:network_certification_add"),
        {
            "centre": centre.pk,
            "status": "przyznany",
            "applied_on": "2024-01-10",
            "visited_on": "",
            "granted_on": "2024-03-01",
            "valid_until": "",
            "decision_note": "",
        },
    )
    assert response.status_code == 302
    assert str(Certification.objects.get().valid_until) == "2029-03-01"
