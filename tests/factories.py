"""factory-boy factories. They never rely on data migrations (transactional tests
flush the database), so osiedla and groups are created on demand."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from centres.models import (
    Activity,
    ActivityPartner,
    CalMethod,
    Centre,
    CentreStatus,
    District,
    Effect,
    GroupKind,
    LegalBasis,
    Membership,
    MembershipRole,
    OperatorTerm,
    Organization,
    OrganizationKind,
    Osiedle,
    Resource,
    ResourceCategory,
    ResourceKind,
    Sector,
    Volunteer,
)
from centres.models import ActivityForm as ActivityFormChoice
from centres.models import Group as CentreGroup
from centres.validators import nip_check_digit, regon_check_digit

PASSWORD = "test-pass-2026"


def valid_nip(seed: int) -> str:
    """A NIP with a correct check digit, derived from ``seed``."""
    n = seed
    while True:
        body = f"{n % 10**9:09d}"
        check = nip_check_digit(body)
        if check is not None and body[0] != "0":
            return body + str(check)
        n += 1


def valid_regon(seed: int) -> str:
    body = f"{(seed % 10**8) + 10**7:08d}"[:8]
    return body + str(regon_check_digit(body))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def groups(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if create and extracted:
            for name in extracted:
                self.groups.add(Group.objects.get_or_create(name=name)[0])
        if create:
            self.save()


class OsiedleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Osiedle
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Osiedle {n}")
    slug = factory.Sequence(lambda n: f"osiedle-{n}")
    district = District.KRZYKI


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Fundacja Testowa {n}")
    kind = OrganizationKind.NGO
    sector = Sector.CIVIC
    nip = factory.Sequence(lambda n: valid_nip(526000000 + n * 7))


class CentreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Centre

    name = factory.Sequence(lambda n: f"CAL Testowy {n}")
    slug = factory.Sequence(lambda n: f"cal-testowy-{n}")
    status = CentreStatus.ACTIVE
    street_address = factory.Sequence(lambda n: f"ul. Testowa {n}")
    postal_code = "50-001"
    latitude = factory.LazyFunction(lambda: Decimal(f"{random.uniform(51.05, 51.15):.6f}"))
    longitude = factory.LazyFunction(lambda: Decimal(f"{random.uniform(16.90, 17.10):.6f}"))
    primary_osiedle = factory.SubFactory(OsiedleFactory)
    description = "Miejsce spotkań sąsiedzkich."
    opening_hours = "pon.–pt. 10:00–20:00"


class OperatorTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OperatorTerm

    centre = factory.SubFactory(CentreFactory)
    organization = factory.SubFactory(OrganizationFactory)
    start = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=365))
    end = None
    agreement_number = factory.Sequence(lambda n: f"WPS/{n}/2025")
    grant_amount = Decimal("250000.00")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = MembershipRole.COORDINATOR


def operator_with_centre(username: str, **centre_kwargs: object) -> tuple[object, Centre]:
    """A user whose organisation operates a centre under a current term."""
    user = UserFactory(username=username)
    term = OperatorTermFactory(centre=CentreFactory(**centre_kwargs))
    MembershipFactory(user=user, organization=term.organization)
    return user, term.centre


def past_term_dates() -> tuple[date, date]:
    today = timezone.localdate()
    return today - timedelta(days=800), today - timedelta(days=400)


# --- What a centre has and does ----------------------------------------------------


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    centre = factory.SubFactory(CentreFactory)
    kind = ResourceKind.MATERIAL
    category = ResourceCategory.ROOM
    name = factory.Sequence(lambda n: f"Sala {n}")
    capacity = 30
    accessible = True


def _next_week_at(hour: int) -> datetime:
    day = timezone.localdate() + timedelta(days=7)
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


class ActivityFactory(factory.django.DjangoModelFactory):
    """A public workshop a week from now, 17:00–19:00 local time."""

    class Meta:
        model = Activity
        skip_postgeneration_save = True

    centre = factory.SubFactory(CentreFactory)
    title = factory.Sequence(lambda n: f"Warsztaty sąsiedzkie {n}")
    start = factory.LazyFunction(lambda: _next_week_at(17))
    end = factory.LazyAttribute(lambda a: a.start + timedelta(hours=2))
    method = CalMethod.ORGANISING
    form = ActivityFormChoice.WORKSHOP
    place = "Sala główna"
    participants_26_59 = 10
    volunteers_involved = 2
    volunteer_hours = Decimal("4.0")
    effects = factory.LazyFunction(lambda: [Effect.RELATIONS])
    is_public = True

    @factory.post_generation
    def partners(self, create: bool, extracted: list[Organization] | None, **kwargs: object) -> None:
        if create and extracted:
            for organization in extracted:
                ActivityPartner.objects.create(activity=self, organization=organization)


class VolunteerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Volunteer

    centre = factory.SubFactory(CentreFactory)
    name = factory.Sequence(lambda n: f"Wolontariusz {n}")
    email = factory.Sequence(lambda n: f"wolontariusz{n}@example.org")
    phone = "600 100 200"
    skills = "animacja czasu wolnego"
    consent_date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    consent_scope = "Imię, nazwisko i kontakt w celu organizowania działań centrum."
    legal_basis = LegalBasis.CONSENT


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CentreGroup

    centre = factory.SubFactory(CentreFactory)
    name = factory.Sequence(lambda n: f"Klub sąsiedzki {n}")
    kind = GroupKind.NEIGHBOURS
    meets = "wtorki 18:00"
    members_count = 12
