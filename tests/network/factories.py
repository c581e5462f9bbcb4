"""Factories of the network app. They write rows directly; the services are tested on their own."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import factory
from django.utils import timezone

from centres.models import CalMethod, Effect
from network.models import (
    Adoption,
    Certification,
    CertificationStatus,
    Consultation,
    ConsultationResponse,
    FollowUp,
    FollowUpStatus,
    GoodPractice,
    MeetingKind,
    NetworkMeeting,
    NetworkMembership,
    PracticeStatus,
    SelfAssessment,
    TeamMember,
    TeamRole,
    certificate_valid_until,
)
from tests.factories import CentreFactory, OrganizationFactory


def days_ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)


def days_ahead(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


class NetworkMembershipFactory(factory.django.DjangoModelFactory):
    """A current member since two years ago."""

    class Meta:
        model = NetworkMembership

    organization = factory.SubFactory(OrganizationFactory)
    joined = factory.LazyFunction(lambda: days_ago(730))
    left = None
    is_animator = False


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMember

    person_name = factory.Sequence(lambda n: f"Osoba Zespołu {n}")
    institution = "Wydział Partycypacji Społecznej"
    role = TeamRole.MEMBER
    since = factory.LazyFunction(lambda: days_ago(365))


class NetworkMeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NetworkMeeting

    kind = MeetingKind.SCAL
    date = factory.LazyFunction(lambda: days_ago(30))
    place = "CAL Szczepin"
    agenda = "1. Sprawy bieżące"


class FollowUpFactory(factory.django.DjangoModelFactory):
    """A task for an organisation that is made a network member if it is not one."""

    class Meta:
        model = FollowUp

    meeting = factory.SubFactory(NetworkMeetingFactory)
    title = factory.Sequence(lambda n: f"Zadanie {n}")
    assignee = factory.SubFactory(OrganizationFactory)
    due = factory.LazyFunction(lambda: days_ahead(30))
    status = FollowUpStatus.OPEN

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
        assignee = kwargs["assignee"]
        if not NetworkMembership.objects.filter(organization=assignee).exists():
            NetworkMembershipFactory(organization=assignee)
        return super()._create(model_class, *args, **kwargs)


class GoodPracticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GoodPractice

    centre = factory.SubFactory(CentreFactory)
    title = factory.Sequence(lambda n: f"Dobra praktyka {n}")
    summary = "Sąsiedzi uczą sąsiadów."
    method = CalMethod.COMMUNITY
    effects = factory.LazyFunction(lambda: [Effect.RELATIONS])
    description = "Opis praktyki."
    status = PracticeStatus.DRAFT


class PublishedPracticeFactory(GoodPracticeFactory):
    status = PracticeStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class AdoptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Adoption

    practice = factory.SubFactory(PublishedPracticeFactory)
    centre = factory.SubFactory(CentreFactory)
    adopted_on = factory.LazyFunction(lambda: days_ago(10))
    outcome = "Przyjęło się."


class ConsultationFactory(factory.django.DjangoModelFactory):
    """Open from a week ago to a week ahead."""

    class Meta:
        model = Consultation

    title = factory.Sequence(lambda n: f"Konsultacja {n}")
    subject = "Program współpracy z organizacjami pozarządowymi"
    opens = factory.LazyFunction(lambda: days_ago(7))
    closes = factory.LazyFunction(lambda: days_ahead(7))


class ConsultationResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsultationResponse

    consultation = factory.SubFactory(ConsultationFactory)
    organization = factory.SubFactory(OrganizationFactory)
    text = "Nasze uwagi."
    submitted_at = factory.LazyFunction(timezone.now)


class CertificationFactory(factory.django.DjangoModelFactory):
    """A certificate granted a year ago, valid for five years."""

    class Meta:
        model = Certification

    centre = factory.SubFactory(CentreFactory)
    status = CertificationStatus.GRANTED
    applied_on = factory.LazyFunction(lambda: days_ago(500))
    visited_on = factory.LazyFunction(lambda: days_ago(400))
    granted_on = factory.LazyFunction(lambda: days_ago(365))
    valid_until = factory.LazyAttribute(
        lambda c: certificate_valid_until(c.granted_on) if c.granted_on else None
    )


class SelfAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SelfAssessment

    centre = factory.SubFactory(CentreFactory)
    year = factory.LazyFunction(lambda: timezone.localdate().year - 1)
    score_place = 5
    score_needs = 4
    score_fields = 3
    score_volunteering = 4
    score_initiatives = 2
    evidence_place = "Lokal przy ulicy."
    submitted = True
    submitted_at = factory.LazyFunction(timezone.now)
