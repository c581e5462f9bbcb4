"""Factories of projects and their indicators (tests/factories.py holds the rest)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from centres.models import (
    FunderKind,
    IndicatorMeasure,
    Organization,
    Project,
    ProjectActivity,
    ProjectIndicator,
    ProjectPartner,
    ProjectStatus,
)
from tests.factories import CentreFactory


class ProjectFactory(factory.django.DjangoModelFactory):
    """A running project of a foundation, from a month ago for half a year."""

    class Meta:
        model = Project
        skip_postgeneration_save = True

    centre = factory.SubFactory(CentreFactory)
    title = factory.Sequence(lambda n: f"Projekt sąsiedzki {n}")
    summary = "Mieszkańcy razem zmieniają podwórko."
    description = "Notatka wewnętrzna: rozliczenie do końca stycznia."
    funder_kind = FunderKind.FOUNDATION
    funder_name = "Fundacja Testowa"
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=150))
    amount = Decimal("48000.00")
    own_contribution = Decimal("2400.00")
    status = ProjectStatus.RUNNING

    @factory.post_generation
    def partners(self, create: bool, extracted: list[Organization] | None, **kwargs: object) -> None:
        if create and extracted:
            for organization in extracted:
                ProjectPartner.objects.create(project=self, organization=organization)

    @factory.post_generation
    def activities(self, create: bool, extracted: list[object] | None, **kwargs: object) -> None:
        if create and extracted:
            for activity in extracted:
                ProjectActivity.objects.create(project=self, activity=activity)


class ProjectIndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectIndicator

    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"Wskaźnik {n}")
    measure = IndicatorMeasure.ACTIVITIES
    target = Decimal(10)
    unit = "działań"
