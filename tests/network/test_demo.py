"""The network's demo: seeded on the demo centres, deterministic and idempotent."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from pghistory.models import Events

from centres.demo import ANIMATOR_ORGANIZATION, seed_centres_demo
from network.demo_network import seed_network
from network.models import (
    Adoption,
    Certification,
    CertificationStatus,
    Consultation,
    ConsultationResponse,
    FollowUp,
    GoodPractice,
    NetworkMeeting,
    NetworkMembership,
    PracticeStatus,
    SelfAssessment,
    TeamMember,
)
from network.selectors import current_animator

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        "memberships": NetworkMembership.objects.count(),
        "team": TeamMember.objects.count(),
        "meetings": NetworkMeeting.objects.count(),
        "follow-ups": FollowUp.objects.count(),
        "practices": GoodPractice.objects.count(),
        "adoptions": Adoption.objects.count(),
        "consultations": Consultation.objects.count(),
        "answers": ConsultationResponse.objects.count(),
        "certifications": Certification.objects.count(),
        "self-assessments": SelfAssessment.objects.count(),
    }


SCALE_1 = {
    "memberships": 8,  # the operators of the eight centres, the animator among them
    "team": 4,
    "meetings": 4,
    "follow-ups": 9,
    "practices": 6,
    "adoptions": 5,
    "consultations": 2,
    "answers": 5,
    "certifications": 5,
    "self-assessments": 8,
}


def test_the_network_demo_is_seeded_once():
    network = seed_centres_demo(scale=1)
    seed_network(network=network, scale=1)
    assert counts() == SCALE_1
    events = Events.objects.count()

    again = seed_centres_demo(scale=1)
    seed_network(network=again, scale=1)

    assert counts() == SCALE_1
    assert Events.objects.count() == events
    assert again.tally.changed == 0


def test_scale_two_adds_the_new_centres_members_and_self_assessments():
    network = seed_centres_demo(scale=2)
    seed_network(network=network, scale=2)

    assert counts() == {**SCALE_1, "memberships": 16, "self-assessments": 16}


def test_the_demo_network_has_one_animator_and_an_expiring_certificate():
    network = seed_centres_demo(scale=1)
    seed_network(network=network, scale=1)
    today = timezone.localdate()

    animator = current_animator()
    assert animator is not None
    assert animator.pk == network.organizations[ANIMATOR_ORGANIZATION].pk
    expiring = Certification.objects.filter(
        status=CertificationStatus.GRANTED,
        valid_until__gte=today,
        valid_until__lte=today + timedelta(days=183),
    )
    assert [c.centre.slug for c in expiring] == ["cal-szczepin"]
    assert set(SelfAssessment.objects.values_list("year", flat=True)) == {today.year - 1}
    assert GoodPractice.objects.filter(status=PracticeStatus.PUBLISHED).count() == 4
    assert GoodPractice.objects.filter(status=PracticeStatus.DRAFT).count() == 2
    open_now = [c.title for c in Consultation.objects.all() if c.is_open(today)]
    assert open_now == ["Program współpracy z organizacjami pozarządowymi"]


def test_every_demo_record_passes_full_clean():
    network = seed_centres_demo(scale=1)
    seed_network(network=network, scale=1)
    for model in (NetworkMembership, FollowUp, GoodPractice, Adoption, Certification, SelfAssessment):
        for record in model.objects.all():
            record.full_clean()


def test_the_whole_demo_has_a_report_of_each_kind_to_open() -> None:
    from network.demo import seed_demo
    from network.models import CentreReport, CentreReportStatus, NetworkReport

    # Given the whole demo network, seeded twice
    seed_demo(scale=1)
    seed_demo(scale=1)

    # Then the ended term of the centre that changed operator owes its final report (a
    # draft), and last month's network report is requested, once each
    today = timezone.localdate()
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    assert list(CentreReport.objects.values_list("centre__slug", "kind", "status")) == [
        ("cal-psie-pole-zawidawie", "koncowe", CentreReportStatus.DRAFT)
    ]
    assert list(NetworkReport.objects.values_list("period_start", flat=True)) == [last_month]
