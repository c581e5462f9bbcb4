"""Factories of the partnerships app (they write rows directly; the services are tested
on their own). A partnership starts its phase log the way the service does."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from partnerships.models import (
    Partnership,
    PartnershipMeeting,
    PartnershipMeetingAttendee,
    PartnershipMember,
    PartnershipMode,
    PartnershipOsiedle,
    Phase,
    PhaseChange,
    Priority,
)
from tests.factories import CentreFactory, OrganizationFactory


def days_ago(days: int):
    return timezone.localdate() - timedelta(days=days)


class PartnershipFactory(factory.django.DjangoModelFactory):
    """A partnership founded a year ago, covering its centre's osiedle (or ``osiedla``)."""

    class Meta:
        model = Partnership
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Partnerstwo lokalne {n}")
    lead_centre = factory.SubFactory(CentreFactory)
    mode = PartnershipMode.LEAD
    phase = Phase.FORMING
    founded_on = factory.LazyFunction(lambda: days_ago(365))
    goals = "Wspólne działania na rzecz sąsiadów."

    @factory.post_generation
    def osiedla(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if not create:
            return
        for osiedle in extracted if extracted is not None else [self.lead_centre.primary_osiedle]:
            PartnershipOsiedle.objects.create(partnership=self, osiedle=osiedle)
        PhaseChange.objects.create(partnership=self, from_phase="", to_phase=self.phase, date=self.founded_on)


class PartnershipMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnershipMember

    partnership = factory.SubFactory(PartnershipFactory)
    organization = factory.SubFactory(OrganizationFactory)
    joined = factory.LazyAttribute(lambda m: m.partnership.founded_on)
    left = None


class PartnershipMeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnershipMeeting
        skip_postgeneration_save = True

    partnership = factory.SubFactory(PartnershipFactory)
    date = factory.LazyFunction(lambda: days_ago(10))
    place = "Sala sąsiedzka"
    agenda = "Plan działań na kwartał."
    decisions = "Wspólny festyn w czerwcu."

    @factory.post_generation
    def attendees(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            for organization in extracted:
                PartnershipMeetingAttendee.objects.create(meeting=self, organization=organization)


class PriorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Priority

    partnership = factory.SubFactory(PartnershipFactory)
    challenge = factory.Sequence(lambda n: f"Wyzwanie {n}: zieleń na podwórkach")
