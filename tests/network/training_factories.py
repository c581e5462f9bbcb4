"""Factories of the animators' training. They write rows directly; the services are
tested on their own (tests/network/test_training_services.py)."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

import factory
from django.utils import timezone

from network.models import (
    TrainingAttendance,
    TrainingEnrolment,
    TrainingProgramme,
    TrainingRole,
    TrainingSession,
    TrainingSessionKind,
    TrainingTopic,
)
from tests.factories import CentreFactory, VolunteerFactory
from tests.network.factories import days_ago, days_ahead


def at(day: date, hour: int = 10) -> datetime:
    """``day`` at ``hour``:00 local time (aware)."""
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


class TrainingProgrammeFactory(factory.django.DjangoModelFactory):
    """A running programme: began 30 days ago, ends in 30 days."""

    class Meta:
        model = TrainingProgramme

    title = factory.Sequence(lambda n: f"Szkoła animatorów {n}")
    description = "Cykl warsztatów dla kadry i wolontariuszy CAL."
    topic = TrainingTopic.ANIMATION
    starts_on = factory.LazyFunction(lambda: days_ago(30))
    ends_on = factory.LazyFunction(lambda: days_ahead(30))
    attendance_threshold = 80
    capacity = None


class FinishedProgrammeFactory(TrainingProgrammeFactory):
    starts_on = factory.LazyFunction(lambda: days_ago(120))
    ends_on = factory.LazyFunction(lambda: days_ago(60))


class UpcomingProgrammeFactory(TrainingProgrammeFactory):
    starts_on = factory.LazyFunction(lambda: days_ahead(20))
    ends_on = factory.LazyFunction(lambda: days_ahead(80))


class TrainingSessionFactory(factory.django.DjangoModelFactory):
    """A three-hour session on the programme's first day at 10:00."""

    class Meta:
        model = TrainingSession

    programme = factory.SubFactory(TrainingProgrammeFactory)
    topic = factory.LazyAttribute(lambda s: s.programme.topic)
    kind = TrainingSessionKind.SESSION
    starts_at = factory.LazyAttribute(lambda s: at(s.programme.starts_on))
    hours = Decimal("3.0")
    trainer = "Anna Trenerska"
    place = "CAL Szczepin, sala główna"


class TrainingEnrolmentFactory(factory.django.DjangoModelFactory):
    """A volunteer of the centre enrolled in a programme."""

    class Meta:
        model = TrainingEnrolment

    programme = factory.SubFactory(TrainingProgrammeFactory)
    centre = factory.SubFactory(CentreFactory)
    volunteer = factory.SubFactory(VolunteerFactory, centre=factory.SelfAttribute("..centre"))
    staff = None
    # Only a staff member's name is kept on the enrolment; a volunteer's is read from the volunteer.
    name = factory.LazyAttribute(lambda e: "" if e.volunteer else "Osoba Szkolona")
    role = factory.LazyAttribute(lambda e: TrainingRole.STAFF if e.staff else TrainingRole.VOLUNTEER)


class TrainingAttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingAttendance

    enrolment = factory.SubFactory(TrainingEnrolmentFactory)
    session = factory.SubFactory(
        TrainingSessionFactory, programme=factory.SelfAttribute("..enrolment.programme")
    )
    present = True
