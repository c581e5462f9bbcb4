"""factory-boy factories. They never rely on data migrations (transactional tests
flush the database), so osiedla and groups are created on demand."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from centres.models import (
    Centre,
    CentreStatus,
    District,
    Membership,
    MembershipRole,
    OperatorTerm,
    Organization,
    OrganizationKind,
    Osiedle,
    Sector,
)
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
