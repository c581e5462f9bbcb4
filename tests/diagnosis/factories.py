"""Factories of the diagnosis app (they write rows directly; the services are tested on
their own). A diagnosis covers its centre's osiedle unless given ``osiedla``."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from diagnosis.models import (
    Diagnosis,
    DiagnosisOsiedle,
    DiagnosisStatus,
    Finding,
    FindingKind,
    FindingResponse,
    Method,
    MethodUse,
    ResidentSubmission,
    Theme,
)
from tests.factories import ActivityFactory, CentreFactory


def days_ago(days: int):
    return timezone.localdate() - timedelta(days=days)


class DiagnosisFactory(factory.django.DjangoModelFactory):
    """A diagnosis in progress, of the last two months and the next one."""

    class Meta:
        model = Diagnosis
        skip_postgeneration_save = True

    centre = factory.SubFactory(CentreFactory)
    title = factory.Sequence(lambda n: f"Diagnoza potrzeb {n}")
    description = "Czego potrzebują mieszkańcy i co mają do zaoferowania."
    period_start = factory.LazyFunction(lambda: days_ago(60))
    period_end = factory.LazyFunction(lambda: days_ago(-30))
    status = DiagnosisStatus.RUNNING

    @factory.post_generation
    def osiedla(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if not create:
            return
        for osiedle in extracted if extracted is not None else [self.centre.primary_osiedle]:
            DiagnosisOsiedle.objects.create(diagnosis=self, osiedle=osiedle)


class PublishedDiagnosisFactory(DiagnosisFactory):
    status = DiagnosisStatus.PUBLISHED
    period_start = factory.LazyFunction(lambda: days_ago(400))
    period_end = factory.LazyFunction(lambda: days_ago(300))
    conclusions = "Mieszkańcy potrzebują miejsca spotkań i zieleni."
    published_at = factory.LazyFunction(timezone.now)


class MethodUseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MethodUse

    diagnosis = factory.SubFactory(DiagnosisFactory)
    method = Method.SURVEY
    date = factory.LazyAttribute(lambda m: m.diagnosis.period_start)
    respondents = 40


class FindingFactory(factory.django.DjangoModelFactory):
    """A need with a point near the middle of Wrocław."""

    class Meta:
        model = Finding

    diagnosis = factory.SubFactory(DiagnosisFactory)
    kind = FindingKind.NEED
    theme = Theme.INTEGRATION
    title = factory.Sequence(lambda n: f"Brak miejsca spotkań {n}")
    description = "Sąsiedzi nie mają gdzie się spotykać."
    priority = 3
    latitude = Decimal("51.110000")
    longitude = Decimal("17.030000")


class FindingResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FindingResponse

    finding = factory.SubFactory(FindingFactory)
    activity = factory.LazyAttribute(lambda r: ActivityFactory(centre=r.finding.diagnosis.centre))


class ResidentSubmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResidentSubmission

    diagnosis = factory.SubFactory(DiagnosisFactory, submissions_open=True)
    kind = FindingKind.IDEA
    text = factory.Sequence(lambda n: f"Ławki i stoliki na podwórku przy ul. Testowej {n}.")
