"""The Wrocław demo network, for development and demonstrations.

Real: the 48 osiedla, the eight centres named in DOMAIN-NOTES.md with their public
addresses and operators. Synthetic: everything else (registry numbers, coordinates,
grants, descriptions, partners, the extra centres of ``--scale``, the accounts, and
what every centre has and does: resources, groups, volunteers, activities and weekly
series, drawn from data/demo_centre_work.toml with a fixed seed per centre, and its
projects with their indicators).

Idempotent: every object is looked up by a stable key (slug, NIP, name, username;
a centre's resource, group or volunteer by name, an activity or series by title)
and saved through the services only when it differs from its spec, so a second run
writes nothing and adds no audit event. Dates follow the calendar: the terms move with
the year, the activities with the week. The centres' records are written as the demo
city staff account; the one-off activities alone are written in bulk, checked as their
services check them (see ``_write_activities``). Later seeders (partnerships,
diagnoses) take the ``DemoNetwork`` that ``seed_centres`` returns.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import math
import random
import tomllib
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from typing import Any, TypeVar

import pghistory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from cal_portal.text import polish_slug
from centres import access, services
from centres.models import (
    AGE_BANDS,
    KIND_OF_RESOURCE_CATEGORY,
    SECTOR_OF_KIND,
    Activity,
    ActivityForm,
    ActivityPartner,
    ActivitySeries,
    CalMethod,
    Centre,
    CentreStatus,
    District,
    Effect,
    FunderKind,
    Group,
    GroupKind,
    IndicatorMeasure,
    LegalBasis,
    Membership,
    MembershipRole,
    OperatorTerm,
    Organization,
    OrganizationKind,
    Osiedle,
    Project,
    ProjectIndicator,
    ProjectStatus,
    Resource,
    ResourceCategory,
    SeriesFrequency,
    VersionedModel,
    Volunteer,
)
from centres.validators import nip_check_digit, regon_check_digit

DEFAULT_PASSWORD = "cal-demo-2026"  # noqa: S105 - a published demo password, printed by the command
OSIEDLA_CSV = Path(__file__).resolve().parent / "data" / "wroclaw_osiedla.csv"
DISTRICT_OF_LABEL: dict[str, str] = {str(label): value for value, label in District.choices}

M = TypeVar("M", bound=models.Model)


class DemoSeedError(RuntimeError):
    """The database cannot take the demo data (e.g. an osiedle the demo needs is missing)."""


# --- Bookkeeping ------------------------------------------------------------------

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


@dataclass
class Tally:
    """How many objects of each kind a run created, updated or left unchanged."""

    counts: dict[str, Counter[str]] = field(default_factory=dict)

    def add(self, kind: str, outcome: str) -> None:
        self.counts.setdefault(kind, Counter())[outcome] += 1

    def get(self, kind: str, outcome: str) -> int:
        return self.counts.get(kind, Counter())[outcome]

    @property
    def changed(self) -> int:
        return sum(c[CREATED] + c[UPDATED] for c in self.counts.values())

    def lines(self) -> list[str]:
        return [
            f"{kind}: {c[CREATED]} created, {c[UPDATED]} updated, {c[UNCHANGED]} unchanged"
            for kind, c in self.counts.items()
        ]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    password: str
    organization: str = ""
    centres: tuple[str, ...] = ()


@dataclass
class DemoNetwork:
    """What the seeder made (or found): the input of the later seeders."""

    osiedla: dict[str, Osiedle] = field(default_factory=dict)  # by slug
    organizations: dict[str, Organization] = field(default_factory=dict)  # by spec key
    centres: dict[str, Centre] = field(default_factory=dict)  # by slug
    operators: dict[str, Organization] = field(default_factory=dict)  # current operator by centre slug
    terms: list[OperatorTerm] = field(default_factory=list)
    accounts: list[DemoAccount] = field(default_factory=list)
    users: dict[str, User] = field(default_factory=dict)  # demo accounts by username
    tally: Tally = field(default_factory=Tally)

    @property
    def partners(self) -> list[Organization]:
        operating = {org.pk for org in self.operators.values()}
        return [org for org in self.organizations.values() if org.pk not in operating]


def _differs(instance: models.Model, fields: dict[str, Any]) -> bool:
    return any(getattr(instance, name) != value for name, value in fields.items())


def _upsert(
    model: type[M],
    *,
    lookup: dict[str, Any],
    fields: dict[str, Any],
    save: Callable[[M], M],
    tally: Tally,
    kind: str,
) -> M:
    """Create from ``lookup`` + ``fields``, or bring the found object to ``fields``;
    ``save`` (a service) runs only when something is new or differs."""
    instance = model._default_manager.filter(**lookup).first()
    if instance is None:
        instance = save(model(**lookup, **fields))
        tally.add(kind, CREATED)
    elif _differs(instance, fields):
        for name, value in fields.items():
            setattr(instance, name, value)
        instance = save(instance)
        tally.add(kind, UPDATED)
    else:
        tally.add(kind, UNCHANGED)
    return instance


# --- Synthetic registry numbers -----------------------------------------------------
# Deterministic from an index, so reruns find the same organisation by its NIP. The
# prefixes keep them away from real numbers: KRS numbers are issued in sequence and are
# nowhere near 0999000000; REGON 99… and NIP 999… belong to no voivodeship or tax office.


def synthetic_nip(index: int) -> str:
    # Of two consecutive bodies at most one has the invalid check digit 10.
    for n in (index * 10, index * 10 + 1):
        body = f"999{n:06d}"
        check = nip_check_digit(body)
        if check is not None:
            return body + str(check)
    raise AssertionError("unreachable")  # pragma: no cover


def synthetic_regon(index: int) -> str:
    body = f"99{index:06d}"
    return body + str(regon_check_digit(body))


def synthetic_krs(index: int) -> str:
    return f"09990{index:05d}"


# --- Osiedla ----------------------------------------------------------------------


def osiedle_slug(name: str) -> str:
    """The slug rule of migration 0002."""
    return polish_slug(name)


def osiedla_rows() -> list[tuple[str, str, str]]:
    """(slug, name, district) of every osiedle in the city's list."""
    with OSIEDLA_CSV.open(encoding="utf-8") as handle:
        return [
            (osiedle_slug(row["name"]), row["name"], DISTRICT_OF_LABEL[row["former_district"]])
            for row in csv.DictReader(handle)
        ]


def synthetic_population(slug: str) -> int:
    """A plausible, stable population (3,000–60,000) for an osiedle with none recorded."""
    return 3_000 + zlib.crc32(slug.encode()) % 57_001


def seed_osiedla(*, tally: Tally) -> dict[str, Osiedle]:
    """Re-create osiedla missing from the database (a flushed test database lacks the
    data migration's rows) and fill in empty populations. Returns osiedla by slug."""
    found = {o.slug: o for o in Osiedle.objects.all()}
    by_name = {o.name: o for o in found.values()}
    result = dict(found)
    for slug, name, district in osiedla_rows():
        osiedle = found.get(slug) or by_name.get(name)
        created = osiedle is None
        if osiedle is None:
            osiedle = Osiedle(slug=slug, name=name, district=district)
        changed = created or osiedle.population is None
        if osiedle.population is None:
            osiedle.population = synthetic_population(slug)
        if changed:
            osiedle.full_clean()
            with pghistory.context(user=None, action="demo.osiedle"):
                osiedle.save()
        tally.add("osiedla", CREATED if created else UPDATED if changed else UNCHANGED)
        result[slug] = osiedle
    return result


# Approximate centres of the osiedla (WGS84), for placing the synthetic centres.
OSIEDLE_POINTS: dict[str, tuple[str, str]] = {
    "Bieńkowice": ("51.0650", "17.0450"),
    "Biskupin-Sępolno-Dąbie-Bartoszowice": ("51.1050", "17.0850"),
    "Borek": ("51.0850", "17.0050"),
    "Brochów": ("51.0550", "17.0750"),
    "Gaj": ("51.0750", "17.0450"),
    "Gajowice": ("51.0950", "17.0000"),
    "Grabiszyn-Grabiszynek": ("51.0900", "16.9750"),
    "Gądów-Popowice Płd.": ("51.1200", "16.9750"),
    "Huby": ("51.0850", "17.0400"),
    "Jagodno": ("51.0500", "17.0700"),
    "Jerzmanowo-Jarnołtów-Strachowice-Osiniec": ("51.1050", "16.8650"),
    "Karłowice-Różanka": ("51.1400", "17.0400"),
    "Klecina": ("51.0650", "16.9950"),
    "Kleczków": ("51.1250", "17.0200"),
    "Kowale": ("51.1300", "17.1100"),
    "Krzyki-Partynice": ("51.0700", "17.0150"),
    "Księże": ("51.0750", "17.0750"),
    "Kuźniki": ("51.1200", "16.9450"),
    "Leśnica": ("51.1450", "16.8700"),
    "Lipa Piotrowska": ("51.1850", "17.0350"),
    "Maślice": ("51.1500", "16.9350"),
    "Muchobór Mały": ("51.1050", "16.9650"),
    "Muchobór Wielki": ("51.1000", "16.9350"),
    "Nadodrze": ("51.1220", "17.0300"),
    "Nowy Dwór": ("51.1200", "16.9300"),
    "Oporów": ("51.0800", "16.9750"),
    "Osobowice-Rędzin": ("51.1600", "17.0000"),
    "Ołbin": ("51.1180", "17.0500"),
    "Ołtaszyn": ("51.0450", "17.0250"),
    "Pawłowice": ("51.1700", "17.1050"),
    "Pilczyce-Kozanów-Popowice Płn.": ("51.1350", "16.9700"),
    "Plac Grunwaldzki": ("51.1120", "17.0600"),
    "Polanowice-Poświętne-Ligota": ("51.1550", "17.0600"),
    "Powstańców Śląskich": ("51.0900", "17.0150"),
    "Pracze Odrzańskie": ("51.1600", "16.8900"),
    "Przedmieście Oławskie": ("51.0970", "17.0550"),
    "Przedmieście Świdnickie": ("51.1000", "17.0250"),
    "Psie Pole-Zawidawie": ("51.1500", "17.1100"),
    "Sołtysowice": ("51.1600", "17.0800"),
    "Stare Miasto": ("51.1100", "17.0300"),
    "Strachocin-Swojczyce-Wojnów": ("51.1150", "17.1400"),
    "Szczepin": ("51.1150", "17.0050"),
    "Tarnogaj": ("51.0800", "17.0600"),
    "Widawa": ("51.1850", "17.0600"),
    "Wojszyce": ("51.0550", "17.0400"),
    "Zacisze-Zalesie-Szczytniki": ("51.1150", "17.0850"),
    "Świniary": ("51.1850", "16.9900"),
    "Żerniki": ("51.1100", "16.9050"),
}
CITY_CENTRE_POINT = ("51.1100", "17.0300")


# --- Organisations ------------------------------------------------------------------


@dataclass(frozen=True)
class OrganizationSpec:
    key: str
    name: str
    kind: str
    legal_form: str
    registry: int | None = None  # index of the synthetic numbers; None: no registry numbers
    numbers: tuple[str, ...] = ("krs", "nip", "regon")
    osiedle: str = ""  # slug
    domain: str = ""  # <domain>.example.org
    street_address: str = ""

    def fields(self, osiedla: dict[str, Osiedle]) -> dict[str, Any]:
        registry = self.registry
        numbers: dict[str, str] = {"krs": "", "nip": "", "regon": ""}
        if registry is not None:
            makers = {"krs": synthetic_krs, "nip": synthetic_nip, "regon": synthetic_regon}
            numbers.update({name: makers[name](registry) for name in self.numbers})
        return {
            "name": self.name,
            "kind": self.kind,
            "sector": SECTOR_OF_KIND[self.kind],
            "legal_form": self.legal_form,
            **numbers,
            "street_address": self.street_address,
            "city": "Wrocław",
            "email": f"biuro@{self.domain}.example.org" if self.domain else "",
            "website": f"https://{self.domain}.example.org/" if self.domain else "",
            "osiedle_id": osiedla[self.osiedle].pk if self.osiedle else None,
        }


PUBLIC_UNIT = ("nip", "regon")

# The operators of the real centres (DOMAIN-NOTES.md); the last two names are invented.
OPERATORS: tuple[OrganizationSpec, ...] = (
    OrganizationSpec(
        key="serce-szczepina",
        name="Stowarzyszenie Serce Szczepina",
        kind=OrganizationKind.NGO,
        legal_form="stowarzyszenie",
        registry=1,
        osiedle="szczepin",
        domain="serce-szczepina",
    ),
    OrganizationSpec(
        key="krucza",
        name="Fundacja KRUCZA.ORG",
        kind=OrganizationKind.NGO,
        legal_form="fundacja",
        registry=2,
        osiedle="gajowice",
        domain="krucza",
    ),
    OrganizationSpec(
        key="opieka-i-troska",
        name="Fundacja Opieka i Troska",
        kind=OrganizationKind.NGO,
        legal_form="fundacja",
        registry=3,
        osiedle="psie-pole-zawidawie",
        domain="opieka-i-troska",
    ),
    OrganizationSpec(
        key="dfop",
        name="Dolnośląska Federacja Organizacji Pozarządowych",
        kind=OrganizationKind.NGO,
        legal_form="stowarzyszenie",
        registry=4,
        osiedle="przedmiescie-olawskie",
        domain="dfop",
    ),
    OrganizationSpec(
        key="soweczka",
        name="Fundacja Sóweczka",
        kind=OrganizationKind.NGO,
        legal_form="fundacja",
        registry=5,
        osiedle="wojszyce",
        domain="soweczka",
    ),
    OrganizationSpec(
        key="zmieniaj-zakrzow",
        name="Stowarzyszenie „Zmieniaj Zakrzów”",
        kind=OrganizationKind.NGO,
        legal_form="stowarzyszenie",
        registry=6,
        osiedle="psie-pole-zawidawie",
        domain="zmieniaj-zakrzow",
    ),
    OrganizationSpec(
        key="wspolne-podworko",
        name="Fundacja Wspólne Podwórko",
        kind=OrganizationKind.NGO,
        legal_form="fundacja",
        registry=7,
        osiedle="zacisze-zalesie-szczytniki",
        domain="wspolne-podworko",
    ),
    OrganizationSpec(
        key="razem-dla-widawy",
        name="Stowarzyszenie Razem dla Widawy",
        kind=OrganizationKind.NGO,
        legal_form="stowarzyszenie",
        registry=8,
        osiedle="widawa",
        domain="razem-dla-widawy",
    ),
)
# Operated CAL Psie Pole-Zawidawie before the current agreement (synthetic history).
FORMER_OPERATOR = OrganizationSpec(
    key="sasiedzi-zawidawia",
    name="Fundacja Sąsiedzi Zawidawia",
    kind=OrganizationKind.NGO,
    legal_form="fundacja",
    registry=9,
    osiedle="psie-pole-zawidawie",
    domain="sasiedzi-zawidawia",
)
ANIMATOR_ORGANIZATION = "dfop"

PARTNERS: tuple[OrganizationSpec, ...] = (
    OrganizationSpec(
        key="rada-szczepin",
        name="Rada Osiedla Szczepin",
        kind=OrganizationKind.COUNCIL,
        legal_form="jednostka pomocnicza gminy",
        osiedle="szczepin",
    ),
    OrganizationSpec(
        key="rada-gajowice",
        name="Rada Osiedla Gajowice",
        kind=OrganizationKind.COUNCIL,
        legal_form="jednostka pomocnicza gminy",
        osiedle="gajowice",
    ),
    OrganizationSpec(
        key="sp-130",
        name="Szkoła Podstawowa nr 130 we Wrocławiu",
        kind=OrganizationKind.SCHOOL,
        legal_form="jednostka budżetowa",
        registry=21,
        numbers=PUBLIC_UNIT,
        osiedle="jagodno",
        domain="sp130-wroclaw",
    ),
    OrganizationSpec(
        key="przedszkole-150",
        name="Przedszkole Miejskie nr 150",
        kind=OrganizationKind.SCHOOL,
        legal_form="jednostka budżetowa",
        registry=22,
        numbers=PUBLIC_UNIT,
        osiedle="szczepin",
        domain="pm150-wroclaw",
    ),
    OrganizationSpec(
        key="biblioteka-27",
        name="Filia nr 27 Miejskiej Biblioteki Publicznej",
        kind=OrganizationKind.LIBRARY,
        legal_form="instytucja kultury",
        registry=23,
        numbers=PUBLIC_UNIT,
        osiedle="gajowice",
        domain="mbp-filia27",
    ),
    OrganizationSpec(
        key="mops-psie-pole",
        name="MOPS Wrocław — Zespół Pracy Socjalnej Psie Pole",
        kind=OrganizationKind.SOCIAL_WORK,
        legal_form="jednostka budżetowa",
        registry=24,
        numbers=PUBLIC_UNIT,
        osiedle="psie-pole-zawidawie",
        domain="mops-zps-psie-pole",
    ),
    OrganizationSpec(
        key="piekarnia",
        name="Piekarnia „Pod Kłosem” sp. z o.o.",
        kind=OrganizationKind.BUSINESS,
        legal_form="spółka z ograniczoną odpowiedzialnością",
        registry=25,
        osiedle="przedmiescie-olawskie",
        domain="pod-klosem",
    ),
    OrganizationSpec(
        key="parafia",
        name="Parafia Rzymskokatolicka pw. św. Józefa Robotnika",
        kind=OrganizationKind.RELIGIOUS,
        legal_form="kościelna osoba prawna",
        registry=26,
        numbers=PUBLIC_UNIT,
        osiedle="wojszyce",
    ),
    OrganizationSpec(
        key="centrum-kultury",
        name="Centrum Kultury Sąsiedzkiej „Odra”",
        kind=OrganizationKind.CULTURE,
        legal_form="samorządowa instytucja kultury",
        registry=27,
        numbers=PUBLIC_UNIT,
        osiedle="zacisze-zalesie-szczytniki",
        domain="ck-odra",
    ),
    OrganizationSpec(
        key="straz-miejska",
        name="Straż Miejska Wrocławia — Referat Psie Pole",
        kind=OrganizationKind.MUNICIPAL_POLICE,
        legal_form="jednostka budżetowa",
        osiedle="psie-pole-zawidawie",
    ),
    OrganizationSpec(
        key="spoldzielnia",
        name="Spółdzielnia Mieszkaniowa „Nowe Wojszyce”",
        kind=OrganizationKind.HOUSING,
        legal_form="spółdzielnia",
        registry=28,
        osiedle="wojszyce",
        domain="sm-nowe-wojszyce",
    ),
    OrganizationSpec(
        key="sasiedzi-jagodna",
        name="Grupa nieformalna „Sąsiedzi z Jagodna”",
        kind=OrganizationKind.INFORMAL,
        legal_form="",
        osiedle="jagodno",
    ),
    # The kinds of partner a CAL works with, near the centres that had none of them.
    OrganizationSpec(
        key="rada-przedmiescie-olawskie",
        name="Rada Osiedla Przedmieście Oławskie",
        kind=OrganizationKind.COUNCIL,
        legal_form="jednostka pomocnicza gminy",
        osiedle="przedmiescie-olawskie",
    ),
    OrganizationSpec(
        key="rada-widawa",
        name="Rada Osiedla Widawa",
        kind=OrganizationKind.COUNCIL,
        legal_form="jednostka pomocnicza gminy",
        osiedle="widawa",
    ),
    OrganizationSpec(
        key="mops-stare-miasto",
        name="MOPS Wrocław — Zespół Pracy Socjalnej Stare Miasto",
        kind=OrganizationKind.SOCIAL_WORK,
        legal_form="jednostka budżetowa",
        registry=29,
        numbers=PUBLIC_UNIT,
        osiedle="szczepin",
        domain="mops-zps-stare-miasto",
    ),
    OrganizationSpec(
        key="sp-widawa",
        name="Szkoła Podstawowa nr 72 we Wrocławiu",
        kind=OrganizationKind.SCHOOL,
        legal_form="jednostka budżetowa",
        registry=30,
        numbers=PUBLIC_UNIT,
        osiedle="widawa",
        domain="sp72-wroclaw",
    ),
    OrganizationSpec(
        key="sp-przedmiescie-olawskie",
        name="Szkoła Podstawowa nr 46 we Wrocławiu",
        kind=OrganizationKind.SCHOOL,
        legal_form="jednostka budżetowa",
        registry=31,
        numbers=PUBLIC_UNIT,
        osiedle="przedmiescie-olawskie",
        domain="sp46-wroclaw",
    ),
    OrganizationSpec(
        key="biblioteka-psie-pole",
        name="Filia nr 12 Miejskiej Biblioteki Publicznej",
        kind=OrganizationKind.LIBRARY,
        legal_form="instytucja kultury",
        registry=32,
        numbers=PUBLIC_UNIT,
        osiedle="psie-pole-zawidawie",
        domain="mbp-filia12",
    ),
    OrganizationSpec(
        key="parafia-zacisze",
        name="Parafia Rzymskokatolicka pw. św. Jerzego",
        kind=OrganizationKind.RELIGIOUS,
        legal_form="kościelna osoba prawna",
        registry=33,
        numbers=PUBLIC_UNIT,
        osiedle="zacisze-zalesie-szczytniki",
    ),
    OrganizationSpec(
        key="wspolnota-szczepin",
        name="Wspólnota Mieszkaniowa Zachodnia 5–7",
        kind=OrganizationKind.HOUSING,
        legal_form="wspólnota mieszkaniowa",
        registry=34,
        numbers=PUBLIC_UNIT,
        osiedle="szczepin",
    ),
)


def _seed_organization(spec: OrganizationSpec, network: DemoNetwork) -> Organization:
    fields = spec.fields(network.osiedla)
    if fields["nip"]:
        lookup = {"nip": fields.pop("nip")}
    else:
        lookup = {"name": fields.pop("name"), "nip": fields.pop("nip")}
    org = _upsert(
        Organization,
        lookup=lookup,
        fields=fields,
        save=lambda o: services.organization_save(organization=o, actor=None),
        tally=network.tally,
        kind="organisations",
    )
    network.organizations[spec.key] = org
    return org


# --- Centres ------------------------------------------------------------------------


@dataclass(frozen=True)
class CentreSpec:
    slug: str
    name: str
    operator: str  # OrganizationSpec key
    osiedle: str
    served: tuple[str, ...]
    street_address: str
    latitude: str
    longitude: str
    area_m2: int
    description: str
    status: str = CentreStatus.ACTIVE
    opening_hours: str = "pon.–pt. 10:00–20:00\nsob. 10:00–14:00"
    accessibility_notes: str = (
        "Wejście z poziomu chodnika, toaleta dostosowana do potrzeb osób z niepełnosprawnościami. "
        "Pętla indukcyjna w sali głównej."
    )

    def fields(self, osiedla: dict[str, Osiedle]) -> dict[str, Any]:
        return {
            "name": self.name,
            "status": self.status,
            "street_address": self.street_address,
            "city": "Wrocław",
            "latitude": Decimal(self.latitude).quantize(Decimal("0.000001")),
            "longitude": Decimal(self.longitude).quantize(Decimal("0.000001")),
            "primary_osiedle_id": osiedla[self.osiedle].pk,
            "area_m2": self.area_m2,
            "opening_hours": self.opening_hours,
            "accessibility_notes": self.accessibility_notes,
            "description": self.description,
            "email": f"kontakt@{self.slug}.example.org",
            "website": f"https://{self.slug}.example.org/",
        }


CENTRES: tuple[CentreSpec, ...] = (
    CentreSpec(
        slug="cal-szczepin",
        name="CAL Szczepin",
        operator="serce-szczepina",
        osiedle="szczepin",
        served=("szczepin",),
        street_address="ul. Zachodnia 1",
        latitude="51.1146",
        longitude="17.0058",
        area_m2=260,
        description=(
            "Sąsiedzkie centrum Szczepina: kawiarenka sąsiedzka, warsztaty dla dzieci i seniorów, "
            "spotkania klubu rodzica i wieczory gier. Wspieramy inicjatywy mieszkańców i wolontariat."
        ),
        opening_hours="pon.–pt. 10:00–20:00\nsob. 10:00–15:00",
    ),
    CentreSpec(
        slug="cal-gajowice",
        name="CAL Gajowice",
        operator="krucza",
        osiedle="gajowice",
        served=("gajowice",),
        street_address="ul. Krucza 110–112",
        latitude="51.0938",
        longitude="17.0021",
        area_m2=310,
        description=(
            "Miejsce spotkań mieszkańców Gajowic: pracownia rękodzieła, zajęcia ruchowe, punkt wymiany "
            "rzeczy i wsparcie grup sąsiedzkich w realizacji ich pomysłów."
        ),
    ),
    CentreSpec(
        slug="cal-psie-pole-zawidawie",
        name="CAL Psie Pole-Zawidawie",
        operator="opieka-i-troska",
        osiedle="psie-pole-zawidawie",
        served=("psie-pole-zawidawie",),
        street_address="ul. Kiełczowska 43",
        latitude="51.1428",
        longitude="17.1079",
        area_m2=220,
        description=(
            "Centrum dla mieszkańców Psiego Pola i Zawidawia: klub seniora, zajęcia dla rodzin z "
            "dziećmi, dyżury doradców i spotkania sąsiedzkie."
        ),
    ),
    CentreSpec(
        slug="cal-pradzynskiego",
        name="CAL Prądzyńskiego",
        operator="dfop",
        osiedle="przedmiescie-olawskie",
        served=("przedmiescie-olawskie",),
        street_address="ul. Prądzyńskiego 39a",
        latitude="51.0982",
        longitude="17.0528",
        area_m2=280,
        description=(
            "Centrum na Przedmieściu Oławskim: przestrzeń dla lokalnych organizacji i grup "
            "nieformalnych, warsztaty, potańcówki podwórkowe i inicjatywy na rzecz zieleni osiedlowej."
        ),
    ),
    CentreSpec(
        slug="cal-wojszyce",
        name="CAL Wojszyce",
        operator="soweczka",
        osiedle="wojszyce",
        served=("wojszyce", "jagodno", "oltaszyn"),
        street_address="ul. Jutrzenki 1",
        latitude="51.0566",
        longitude="17.0421",
        area_m2=190,
        description=(
            "Centrum obsługujące Wojszyce, Jagodno i Ołtaszyn: zajęcia dla dzieci i młodzieży, spacery "
            "badawcze po osiedlach, sąsiedzka biblioteczka i grupy samopomocowe."
        ),
    ),
    CentreSpec(
        slug="cal-zakrzow",
        name="CAL Zakrzów",
        operator="zmieniaj-zakrzow",
        osiedle="psie-pole-zawidawie",
        served=("psie-pole-zawidawie",),
        street_address="ul. Wilanowska 29a",
        latitude="51.1571",
        longitude="17.1012",
        area_m2=170,
        description=(
            "Centrum w Zakrzowie: ogród społeczny, spotkania międzypokoleniowe, kino sąsiedzkie i "
            "wsparcie mieszkańców w tworzeniu projektów dla osiedla."
        ),
    ),
    CentreSpec(
        slug="cal-zacisze-zalesie-szczytniki",
        name="CAL Zacisze-Zalesie-Szczytniki",
        operator="wspolne-podworko",
        osiedle="zacisze-zalesie-szczytniki",
        served=("zacisze-zalesie-szczytniki",),
        street_address="ul. Chopina 9a",
        latitude="51.1169",
        longitude="17.0864",
        area_m2=150,
        description=(
            "Centrum na Zaciszu, Zalesiu i w Szczytnikach: spotkania historyczne o osiedlu, zajęcia "
            "artystyczne, klub dyskusyjny i sąsiedzka pomoc dla osób starszych."
        ),
    ),
    CentreSpec(
        slug="cal-widawa",
        name="CAL Widawa",
        operator="razem-dla-widawy",
        osiedle="widawa",
        served=("widawa",),
        street_address="ul. Dekarska 3",
        latitude="51.1862",
        longitude="17.0577",
        area_m2=130,
        description=(
            "Najmłodsze centrum sieci, działające w formie pilotażu: diagnoza potrzeb mieszkańców "
            "Widawy, pierwsze wydarzenia sąsiedzkie i budowanie lokalnego partnerstwa."
        ),
        status=CentreStatus.PILOT,
        opening_hours="wt.–pt. 12:00–19:00",
    ),
)
# The centre with a change of operator in its history, and the former operator.
CENTRE_WITH_HISTORY = "cal-psie-pole-zawidawie"

SCALED_OPERATOR_NAMES = (
    "Stowarzyszenie Sąsiedzkie {osiedle}",
    "Fundacja Aktywni Razem {osiedle}",
    "Stowarzyszenie Przyjaciół Osiedla {osiedle}",
    "Fundacja Wspólna Przestrzeń {osiedle}",
)


def _point(name: str, k: int) -> tuple[str, str]:
    """Near the middle of the osiedle, a little apart for each extra centre there."""
    lat, lon = OSIEDLE_POINTS.get(name, CITY_CENTRE_POINT)
    dlat = Decimal((k * 37) % 21 - 10) * Decimal("0.0004")
    dlon = Decimal((k * 53) % 21 - 10) * Decimal("0.0006")
    lat_d = min(max(Decimal(lat) + dlat, Decimal("51.04")), Decimal("51.20"))
    lon_d = min(max(Decimal(lon) + dlon, Decimal("16.85")), Decimal("17.15"))
    return str(lat_d), str(lon_d)


def scaled_specs(scale: int) -> list[tuple[CentreSpec, OrganizationSpec]]:
    """The (scale - 1) × 8 synthetic centres over the osiedla without a real centre,
    in the city list's order: the same scale always gives the same slugs."""
    used = {c.osiedle for c in CENTRES} | {s for c in CENTRES for s in c.served}
    rows = osiedla_rows()
    others = [(slug, name) for slug, name, _ in rows if slug not in used] or [(s, n) for s, n, _ in rows]
    specs: list[tuple[CentreSpec, OrganizationSpec]] = []
    slugs: set[str] = set()
    for layer in range(2, scale + 1):
        for i in range(len(CENTRES)):
            k = (layer - 2) * len(CENTRES) + i
            slug, name = others[k % len(others)]
            round_ = k // len(others)
            centre_slug = f"cal-{slug}-{layer}"
            if centre_slug in slugs:
                centre_slug = f"{centre_slug}-{i + 1}"
            slugs.add(centre_slug)
            org_name = SCALED_OPERATOR_NAMES[k % len(SCALED_OPERATOR_NAMES)].format(osiedle=name)
            if round_:
                org_name += f" nr {round_ + 1}"
            org = OrganizationSpec(
                key=f"scaled-{k}",
                name=org_name,
                kind=OrganizationKind.NGO,
                legal_form=org_name.split()[0].lower(),
                registry=1000 + k,
                osiedle=slug,
                domain=f"operator-{centre_slug}",
            )
            lat, lon = _point(name, k)
            centre = CentreSpec(
                slug=centre_slug,
                name=f"CAL {name} {layer}",
                operator=org.key,
                osiedle=slug,
                served=(slug,),
                street_address=f"ul. Sąsiedzka {k + 1}",
                latitude=lat,
                longitude=lon,
                area_m2=120 + (k * 29) % 240,
                description=(
                    f"Centrum Aktywności Lokalnej na osiedlu {name} (dane demonstracyjne): spotkania "
                    "sąsiedzkie, zajęcia dla dzieci i seniorów, wsparcie inicjatyw mieszkańców."
                ),
                status=CentreStatus.PILOT if k % 7 == 6 else CentreStatus.ACTIVE,
            )
            specs.append((centre, org))
    return specs


def _seed_centre(spec: CentreSpec, network: DemoNetwork) -> Centre:
    osiedla = network.osiedla
    missing = [s for s in (spec.osiedle, *spec.served) if s not in osiedla]
    if missing:
        raise DemoSeedError(f"osiedla missing for {spec.slug}: {', '.join(missing)}")
    fields = spec.fields(osiedla)
    served = [osiedla[s] for s in spec.served]
    centre = Centre.objects.filter(slug=spec.slug).first()
    if centre is None:
        centre = services.centre_save(
            centre=Centre(slug=spec.slug, **fields), actor=None, served_osiedla=served
        )
        network.tally.add("centres", CREATED)
    else:
        served_now = set(centre.served_osiedla.values_list("pk", flat=True))
        if _differs(centre, fields) or served_now != {o.pk for o in served}:
            for name, value in fields.items():
                setattr(centre, name, value)
            centre = services.centre_save(centre=centre, actor=None, served_osiedla=served)
            network.tally.add("centres", UPDATED)
        else:
            network.tally.add("centres", UNCHANGED)
    network.centres[spec.slug] = centre
    return centre


def _seed_term(
    *,
    centre: Centre,
    organization: Organization,
    start: date,
    end: date,
    number: int,
    network: DemoNetwork,
) -> OperatorTerm:
    """One grant agreement, found again by (centre, organisation): its dates follow the
    calendar, so a run in a later year moves the demo terms rather than adding new ones."""
    term = _upsert(
        OperatorTerm,
        lookup={"centre": centre, "organization": organization},
        fields={
            "start": start,
            "end": end,
            "agreement_number": f"WPS-CAL/{number}/{start.year}",
            "grant_amount": Decimal(200_000 + (number * 7_919) % 61 * 1_000),
            "competition_reference": (
                f"Otwarty konkurs ofert WPS-K/{start.year}: prowadzenie Centrów Aktywności Lokalnej "
                "we Wrocławiu (forma wsparcia)"
            ),
        },
        save=lambda t: services.operator_term_save(term=t, actor=None),
        tally=network.tally,
        kind="operator terms",
    )
    network.terms.append(term)
    return term


@transaction.atomic
def seed_centres(*, scale: int = 1, tally: Tally | None = None) -> DemoNetwork:
    """Osiedla, organisations, centres and their operator terms (current, plus one ended)."""
    if scale < 1:
        raise DemoSeedError("scale must be at least 1")
    network = DemoNetwork(tally=tally or Tally())
    network.osiedla = seed_osiedla(tally=network.tally)

    year = access.today().year
    current = (date(year - 1, 1, 1), date(year + 1, 12, 31))
    former = (date(year - 4, 1, 1), date(year - 2, 12, 31))

    pairs: list[tuple[CentreSpec, OrganizationSpec]] = [
        (c, next(o for o in OPERATORS if o.key == c.operator)) for c in CENTRES
    ]
    pairs += scaled_specs(scale)
    for spec in (*OPERATORS, FORMER_OPERATOR, *PARTNERS, *(org for _, org in pairs[len(CENTRES) :])):
        _seed_organization(spec, network)
    for number, (centre_spec, org_spec) in enumerate(pairs, start=1):
        centre = _seed_centre(centre_spec, network)
        operator = network.organizations[org_spec.key]
        network.operators[centre.slug] = operator
        # Update the current term before the former one, so that moved dates never overlap.
        _seed_term(
            centre=centre,
            organization=operator,
            start=current[0],
            end=current[1],
            number=number,
            network=network,
        )
        if centre.slug == CENTRE_WITH_HISTORY:
            _seed_term(
                centre=centre,
                organization=network.organizations[FORMER_OPERATOR.key],
                start=former[0],
                end=former[1],
                number=100 + number,
                network=network,
            )
    return network


# --- Accounts -----------------------------------------------------------------------


@dataclass(frozen=True)
class AccountSpec:
    username: str
    role: str
    groups: tuple[str, ...] = ()
    is_staff: bool = False
    organization: str = ""  # OrganizationSpec key
    membership_role: str = ""


ACCOUNTS: tuple[AccountSpec, ...] = (
    AccountSpec("staff", "city staff", (access.CITY_GROUP,), is_staff=True),
    # The animator's role comes from the group, not from working for an operator: the demo
    # account edits no centre and so never sees any centre's volunteers.
    AccountSpec("animator", "network animator (SCAL)", (access.ANIMATOR_GROUP,)),
    AccountSpec("team", "standing team", (access.TEAM_GROUP,)),
    AccountSpec(
        "operator-a", "operator", organization="serce-szczepina", membership_role=MembershipRole.COORDINATOR
    ),
    AccountSpec("operator-b", "operator", organization="krucza", membership_role=MembershipRole.COORDINATOR),
)


def _seed_user(spec: AccountSpec, password: str, tally: Tally) -> User:
    user_model = get_user_model()
    fields = {"email": f"{spec.username}@example.org", "is_staff": spec.is_staff, "is_active": True}
    user = user_model._default_manager.filter(username=spec.username).first()
    outcome = UNCHANGED
    if user is None:
        user = user_model(username=spec.username, **fields)
        outcome = CREATED
    elif _differs(user, fields):
        for name, value in fields.items():
            setattr(user, name, value)
        outcome = UPDATED
    # The printed password must work, whatever it was set to before.
    if outcome == CREATED or not user.check_password(password):
        user.set_password(password)
        outcome = outcome if outcome == CREATED else UPDATED
    if outcome != UNCHANGED:
        user.save()
    have = set(user.groups.values_list("name", flat=True))
    missing = [g for g in services.role_groups_ensure() if g.name in spec.groups and g.name not in have]
    if missing:
        user.groups.add(*missing)
        outcome = outcome if outcome == CREATED else UPDATED
    tally.add("accounts", outcome)
    return user


def _centre_names(centres: Iterable[Centre]) -> tuple[str, ...]:
    return tuple(c.name for c in centres)


@transaction.atomic
def seed_accounts(*, network: DemoNetwork, password: str = DEFAULT_PASSWORD) -> list[DemoAccount]:
    services.role_groups_ensure()
    for spec in ACCOUNTS:
        user = _seed_user(spec, password, network.tally)
        org_name = ""
        if spec.organization:
            org = network.organizations[spec.organization]
            org_name = org.name
            _upsert(
                Membership,
                lookup={"user": user, "organization": org},
                fields={"role": spec.membership_role},
                save=lambda m: services.membership_save(membership=m, actor=None),
                tally=network.tally,
                kind="memberships",
            )
        if access.is_city_staff(user):
            centres: tuple[str, ...] = ("(all centres)",)
        else:
            centres = _centre_names(access.editable_centres(user))
        network.users[spec.username] = user
        network.accounts.append(
            DemoAccount(spec.username, spec.role, password, organization=org_name, centres=centres)
        )
    return network.accounts


# --- What centres have and do: resources, groups, volunteers, activities ------------------
# Synthetic, drawn from the catalogue in data/demo_centre_work.toml with a fixed seed per
# centre and record, so a centre gets the same records at every scale and --scale N
# multiplies them with the centres. Activities sit at fixed weeks around the Monday of the
# current week: a run in the same week changes nothing, a run in a later week moves them
# (as the terms move with the year) instead of adding more.

WORK_CATALOGUE = Path(__file__).resolve().parent / "data" / "demo_centre_work.toml"
WORK_SEED = "cal-demo-centre-work-1"
PAST_WEEKS = 52  # activities over the past 12 months…
UPCOMING_WEEKS = 8  # …and the next 2 months
PLAIN_PAST = 40  # one-off activities in the past year, in as many different weeks
PLAIN_UPCOMING = UPCOMING_WEEKS  # one a week in the coming weeks
SERIES_PAST_WEEKS = 4  # the weekly series started a month ago and go on for UPCOMING_WEEKS
SERIES_OCCURRENCES = SERIES_PAST_WEEKS + 1 + UPCOMING_WEEKS
SERIES_PER_CENTRE = 2  # the seniors' club and one more
GROUPS_PER_CENTRE = 4  # the seniors' club and one of each slot
VOLUNTEERS_PER_CENTRE = 6
LEADERS_PER_CENTRE = 2
AGREEMENTS_PER_CENTRE = 3  # the leaders and one more have a written agreement (porozumienie)
PARTNERS_NEAR = 5  # a centre works with the registry's partners nearest to it

# Participants by age band for each audience: (lowest, highest) per band.
AUDIENCES: dict[str, dict[str, tuple[int, int]]] = {
    "children": {"participants_0_12": (8, 18), "participants_26_59": (2, 8)},
    "youth": {"participants_13_17": (6, 14), "participants_18_25": (0, 4)},
    "families": {"participants_0_12": (6, 15), "participants_26_59": (5, 12), "participants_60_plus": (0, 4)},
    "adults": {"participants_18_25": (0, 3), "participants_26_59": (6, 15), "participants_60_plus": (2, 6)},
    "seniors": {"participants_26_59": (0, 3), "participants_60_plus": (8, 20)},
    "all": {
        "participants_0_12": (3, 12),
        "participants_13_17": (0, 6),
        "participants_18_25": (1, 6),
        "participants_26_59": (8, 20),
        "participants_60_plus": (4, 12),
    },
}


def _rng(centre_slug: str, part: str) -> random.Random:
    """A random source of its own for each centre and record: adding a record to the
    catalogue, or a partner to the registry, leaves every other record as it was."""
    return random.Random(f"{WORK_SEED}/{centre_slug}/{part}")  # noqa: S311 - demo data, not secrets


@dataclass(frozen=True)
class ResourceIdea:
    category: str
    name: str
    description: str
    capacity: tuple[int, int] | None = None
    accessible: bool = False
    shareable: bool = False


@dataclass(frozen=True)
class GroupIdea:
    kind: str
    name: str
    description: str
    meets: str
    members: tuple[int, int]


@dataclass(frozen=True)
class ActivityIdea:
    """A kind of activity a CAL runs; with each topic it gives one title."""

    title: str
    method: str
    form: str
    audience: str
    description: str
    effects: tuple[str, ...]
    topics: tuple[str, ...] = ("",)
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)
    hours: tuple[int, ...] = (17,)
    minutes: int = 120
    in_public_space: bool = False
    resident_initiated: bool = False
    is_public: bool = True
    partner_kinds: tuple[str, ...] = ()
    places: tuple[str, ...] = ()  # none: a room of the centre
    crowd: int = 1  # participants multiplier (a picnic draws more than a workshop)
    volunteers: tuple[int, int] = (0, 3)

    def titles(self) -> list[str]:
        return [f"{self.title}: {topic}" if topic else self.title for topic in self.topics]


@dataclass(frozen=True)
class WorkCatalogue:
    resource_slots: tuple[tuple[int, tuple[ResourceIdea, ...]], ...]
    group_slots: tuple[tuple[GroupIdea, ...], ...]
    senior_clubs: tuple[str, ...]
    senior_club: GroupIdea  # name and meets filled in per centre
    every_weekday: tuple[str, ...]
    activities: tuple[ActivityIdea, ...]
    seniors_series: ActivityIdea
    series: tuple[ActivityIdea, ...]
    first_names: tuple[tuple[str, ...], tuple[str, ...]]  # female, male
    surnames: tuple[tuple[str, str], ...]  # female, male forms
    skills: tuple[str, ...]
    consent_scopes: tuple[str, ...]
    volunteer_note: str

    @property
    def resources_per_centre(self) -> int:
        return sum(pick for pick, _ideas in self.resource_slots)


def _tuples(entry: dict[str, Any]) -> dict[str, Any]:
    return {key: tuple(value) if isinstance(value, list) else value for key, value in entry.items()}


def _activity_idea(entry: dict[str, Any]) -> ActivityIdea:
    idea = ActivityIdea(**_tuples(entry))
    # Fail on loading, not in the middle of a seed, if the file names an unknown choice.
    CalMethod(idea.method), ActivityForm(idea.form), AUDIENCES[idea.audience]
    for value in idea.effects:
        Effect(value)
    for kind in idea.partner_kinds:
        OrganizationKind(kind)
    return idea


@functools.cache
def work_catalogue() -> WorkCatalogue:
    """The catalogue of data/demo_centre_work.toml, checked against the models' choices."""
    with WORK_CATALOGUE.open("rb") as handle:
        data = tomllib.load(handle)
    slots = tuple(
        (slot["pick"], tuple(ResourceIdea(**_tuples(r)) for r in slot["resources"]))
        for slot in data["resource_slot"]
    )
    for _pick, ideas in slots:
        for resource in ideas:
            ResourceCategory(resource.category)
    groups = data["groups"]
    group_slots = tuple(tuple(GroupIdea(**_tuples(g)) for g in slot) for slot in groups["slots"])
    for slot in group_slots:
        for group in slot:
            GroupKind(group.kind)
    volunteers = data["volunteers"]
    return WorkCatalogue(
        resource_slots=slots,
        group_slots=group_slots,
        senior_clubs=tuple(groups["senior_clubs"]),
        senior_club=GroupIdea(
            kind=GroupKind.CLUB,
            name="",
            description=groups["senior_club_description"],
            meets="",
            members=tuple(groups["senior_club_members"]),
        ),
        every_weekday=tuple(groups["every_weekday"]),
        activities=tuple(_activity_idea(a) for a in data["activity"]),
        seniors_series=_activity_idea(data["seniors_series"]),
        series=tuple(_activity_idea(a) for a in data["series"]),
        first_names=(tuple(volunteers["first_names_female"]), tuple(volunteers["first_names_male"])),
        surnames=tuple((f, m) for f, m in volunteers["surnames"]),
        skills=tuple(volunteers["skills"]),
        consent_scopes=tuple(volunteers["consent_scopes"]),
        volunteer_note=volunteers["note"],
    )


def resource_specs(centre_slug: str) -> list[dict[str, Any]]:
    """The fields of a centre's resources (their names differ within the centre)."""
    rng = _rng(centre_slug, "resources")
    specs: list[dict[str, Any]] = []
    for pick, ideas in work_catalogue().resource_slots:
        for idea in rng.sample(ideas, pick):
            specs.append(
                {
                    "kind": KIND_OF_RESOURCE_CATEGORY[idea.category],
                    "category": idea.category,
                    "name": idea.name,
                    "description": idea.description,
                    "capacity": rng.randint(*idea.capacity) if idea.capacity else None,
                    "accessible": idea.accessible,
                    "shareable": idea.shareable,
                }
            )
    return specs


# --- Activities: dates, figures, partners -----------------------------------------------------


def anchor_monday(today: date) -> date:
    """The Monday of the current week: the demo's activities sit at whole weeks from it."""
    return today - timedelta(days=today.weekday())


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _figures(idea: ActivityIdea, rng: random.Random, *, length: timedelta, happened: bool) -> dict[str, Any]:
    """Participants by age band and volunteers; none yet for what has not happened.
    Volunteer hours stay within the rule: at most the length times the volunteers."""
    figures: dict[str, Any] = {name: 0 for name, _label in AGE_BANDS}
    figures.update(volunteers_involved=0, volunteer_hours=Decimal("0.0"))
    if not happened:
        return figures
    for band, (low, high) in AUDIENCES[idea.audience].items():
        figures[band] = rng.randint(low, high) * idea.crowd
    volunteers = rng.randint(*idea.volunteers)
    share = rng.choice((Decimal("0.5"), Decimal("0.75"), Decimal(1)))
    limit = Decimal(volunteers) * Decimal(length.total_seconds()) / Decimal(3600)
    # Whole half-hours, rounded down.
    hours = (limit * share * 2).to_integral_value(rounding=ROUND_DOWN) / 2
    figures.update(volunteers_involved=volunteers, volunteer_hours=hours.quantize(Decimal("0.1")))
    return figures


def _partners_for(
    idea: ActivityIdea, near: Sequence[Organization], rng: random.Random
) -> tuple[Organization, ...]:
    """Up to two partners near the centre, of the kinds the activity calls for."""
    chosen: list[Organization] = []
    for kind in idea.partner_kinds:
        match = next((org for org in near if org.kind == kind and org not in chosen), None)
        if match is not None and rng.random() < 0.8:
            chosen.append(match)
        if len(chosen) == 2:
            break
    return tuple(sorted(chosen, key=lambda org: org.pk))


def partners_near(
    centre: Centre, partners: Iterable[Organization], osiedla: dict[str, Osiedle]
) -> list[Organization]:
    """The PARTNERS_NEAR partner organisations nearest to the centre (by their osiedle)."""
    names = {o.pk: o.name for o in osiedla.values()}
    lat0, lon0 = (
        float(centre.latitude or CITY_CENTRE_POINT[0]),
        float(centre.longitude or CITY_CENTRE_POINT[1]),
    )

    def distance(org: Organization) -> float:
        lat, lon = OSIEDLE_POINTS.get(names.get(org.osiedle_id or 0, ""), CITY_CENTRE_POINT)
        # Degrees of longitude are ~0.63 of degrees of latitude at Wrocław's latitude.
        return math.hypot(float(lat) - lat0, (float(lon) - lon0) * 0.63)

    return sorted(partners, key=lambda org: (distance(org), org.name))[:PARTNERS_NEAR]


@dataclass
class ActivitySpec:
    fields: dict[str, Any]
    partners: tuple[Organization, ...]


@dataclass
class SeriesSpec:
    title: str
    first: dict[str, Any]  # the first occurrence's fields, as the series is created
    until: date
    partners: tuple[Organization, ...]
    starts: list[datetime]  # of every occurrence
    figures: dict[datetime, dict[str, Any]]  # the recorded figures by start, once it happened


@dataclass
class CentreWork:
    """Everything seed_centre_work puts in one centre, from its fixed seed."""

    resources: list[dict[str, Any]]
    groups: list[dict[str, Any]]
    volunteers: list[dict[str, Any]]
    activities: list[ActivitySpec]
    series: list[SeriesSpec]


def _place(idea: ActivityIdea, centre: Centre, rooms: Sequence[str], rng: random.Random) -> str:
    """Outdoors: one of the idea's places; indoors: the small room for advice, the main
    room for the rest."""
    if idea.places:
        return rng.choice(idea.places)
    room = rooms[-1] if idea.form == ActivityForm.ADVICE else rooms[0]
    return f"{centre.name}, {room.lower()}"


def _activity_fields(
    idea: ActivityIdea,
    title: str,
    *,
    centre: Centre,
    rooms: Sequence[str],
    start: datetime,
    happened: bool,
    rng: random.Random,
) -> dict[str, Any]:
    length = timedelta(minutes=idea.minutes)
    return {
        "title": title,
        "description": idea.description,
        "start": start,
        "end": start + length,
        "method": idea.method,
        "form": idea.form,
        "place": _place(idea, centre, rooms, rng),
        "in_public_space": idea.in_public_space,
        "resident_initiated": idea.resident_initiated,
        "effects": list(idea.effects),
        "is_public": idea.is_public,
        **_figures(idea, rng, length=length, happened=happened),
    }


def _series_spec(
    idea: ActivityIdea,
    title: str,
    *,
    centre: Centre,
    rooms: Sequence[str],
    near: Sequence[Organization],
    monday: date,
) -> tuple[SeriesSpec, int, int]:
    """A weekly series from SERIES_PAST_WEEKS ago to UPCOMING_WEEKS ahead; also its weekday and hour."""
    rng = _rng(centre.slug, f"series/{title}")
    weekday, hour = rng.choice(idea.weekdays), rng.choice(idea.hours)
    partners = _partners_for(idea, near, _rng(centre.slug, f"series-partners/{title}"))
    first_day = monday + timedelta(weeks=-SERIES_PAST_WEEKS, days=weekday)
    first = _activity_fields(
        idea, title, centre=centre, rooms=rooms, start=_at(first_day, hour), happened=False, rng=rng
    )
    starts = [
        _at(monday + timedelta(weeks=week, days=weekday), hour)
        for week in range(-SERIES_PAST_WEEKS, UPCOMING_WEEKS + 1)
    ]
    figures = {
        start: _figures(
            idea,
            _rng(centre.slug, f"series/{title}/{week}"),
            length=timedelta(minutes=idea.minutes),
            happened=True,
        )
        for week, start in zip(range(-SERIES_PAST_WEEKS, 0), starts, strict=False)
    }
    until = monday + timedelta(weeks=UPCOMING_WEEKS, days=weekday)
    return SeriesSpec(title, first, until, partners, starts, figures), weekday, hour


def centre_work(centre: Centre, *, near: Sequence[Organization], today: date, term_start: date) -> CentreWork:
    """The records of one centre: the same for the same centre, week and partners."""
    catalogue = work_catalogue()
    slug = centre.slug
    resources = resource_specs(slug)
    rooms = [r["name"] for r in resources if r["category"] == ResourceCategory.ROOM]
    monday = anchor_monday(today)

    # The seniors' club, which meets when its weekly series does, and one group of each slot.
    rng = _rng(slug, "groups")
    club = rng.choice(catalogue.senior_clubs)
    seniors_idea = catalogue.seniors_series
    seniors, weekday, hour = _series_spec(
        seniors_idea,
        seniors_idea.title.format(club=club),
        centre=centre,
        rooms=rooms,
        near=near,
        monday=monday,
    )
    meets = f"w {catalogue.every_weekday[weekday]} o {hour}:00"
    club_group = dataclasses.replace(catalogue.senior_club, name=club, meets=meets)
    groups = [
        {
            "kind": group.kind,
            "name": group.name,
            "description": group.description,
            "meets": group.meets,
            "members_count": rng.randint(*group.members),
            "active": True,
        }
        for group in (club_group, *(rng.choice(slot) for slot in catalogue.group_slots))
    ]

    # One more weekly series.
    idea = _rng(slug, "series").choice(catalogue.series)
    second, _weekday, _hour = _series_spec(
        idea, idea.title, centre=centre, rooms=rooms, near=near, monday=monday
    )

    # One-off activities: PLAIN_PAST in different weeks of the past year, then one a week.
    rng = _rng(slug, "activities")
    titles = [(idea, title) for idea in catalogue.activities for title in idea.titles()]
    chosen = rng.sample(titles, PLAIN_PAST + PLAIN_UPCOMING)
    weeks = sorted(rng.sample(range(-PAST_WEEKS, 0), PLAIN_PAST)) + list(range(1, PLAIN_UPCOMING + 1))
    activities = []
    for (idea, title), week in zip(chosen, weeks, strict=True):
        activity_rng = _rng(slug, f"activity/{title}")
        day = monday + timedelta(weeks=week, days=activity_rng.choice(idea.weekdays))
        start = _at(day, activity_rng.choice(idea.hours), activity_rng.choice((0, 0, 30)))
        fields = _activity_fields(
            idea, title, centre=centre, rooms=rooms, start=start, happened=week < 0, rng=activity_rng
        )
        partners = _partners_for(idea, near, _rng(slug, f"partners/{title}"))
        activities.append(ActivitySpec(fields, partners))

    # Volunteers and local leaders; consent given during the current term, never in the future.
    rng = _rng(slug, "volunteers")
    female, male = catalogue.first_names
    people = [(first, f) for first in female for f, _m in catalogue.surnames]
    people += [(first, m) for first in male for _f, m in catalogue.surnames]
    term_end = date(term_start.year + 2, 12, 31)
    volunteers = []
    for index, (first, surname) in enumerate(rng.sample(people, VOLUNTEERS_PER_CENTRE)):
        consent = min(term_start + timedelta(days=rng.randint(0, 330)), timezone.localdate())
        with_agreement = index < AGREEMENTS_PER_CENTRE
        volunteers.append(
            {
                "name": f"{first} {surname}",
                "email": f"{polish_slug(first)}.{polish_slug(surname)}@example.org",
                "phone": "",
                "skills": ", ".join(rng.sample(catalogue.skills, 2)),
                "notes": catalogue.volunteer_note,
                "is_leader": index < LEADERS_PER_CENTRE,
                "consent_date": consent,
                "consent_scope": rng.choice(catalogue.consent_scopes),
                "legal_basis": LegalBasis.AGREEMENT if with_agreement else LegalBasis.CONSENT,
                "agreement_start": consent if with_agreement else None,
                "agreement_end": term_end if with_agreement else None,
                "active": index != VOLUNTEERS_PER_CENTRE - 1,
            }
        )
    return CentreWork(resources, groups, volunteers, activities, [seniors, second])


# --- Activities: seeding --------------------------------------------------------------------


def _sync_record(
    *,
    record: VersionedModel | None,
    fields: dict[str, Any],
    create: Callable[..., VersionedModel],
    update: Callable[..., VersionedModel],
    argument: str,
    centre: Centre,
    actor: User,
    tally: Tally,
    kind: str,
) -> None:
    """Create the record, or bring it to ``fields`` through its update service."""
    if record is None:
        create(centre=centre, actor=actor, **fields)
        tally.add(kind, CREATED)
    elif _differs(record, fields):
        update(**{argument: record}, actor=actor, expected_version=record.version, **fields)
        tally.add(kind, UPDATED)
    else:
        tally.add(kind, UNCHANGED)


# The records of a centre found again by name: (CentreWork and _Existing attribute,
# the update service's argument, the create and update services).
RECORD_SERVICES: tuple[tuple[str, str, Callable[..., VersionedModel], Callable[..., VersionedModel]], ...] = (
    ("resources", "resource", services.resource_create, services.resource_update),
    ("groups", "group", services.group_create, services.group_update),
    ("volunteers", "volunteer", services.volunteer_create, services.volunteer_update),
)


class _Existing:
    """The demo records already in the database, read once for all centres."""

    def __init__(self, centre_ids: list[int]) -> None:
        in_centres = {"centre_id__in": centre_ids}
        self.resources = {(r.centre_id, r.name): r for r in Resource.objects.filter(**in_centres)}
        self.groups = {(g.centre_id, g.name): g for g in Group.objects.filter(**in_centres)}
        self.volunteers = {
            (v.centre_id, v.name): v for v in Volunteer.objects.filter(erased_at__isnull=True, **in_centres)
        }
        self.partners: dict[int, set[int]] = {}
        for activity_id, org_id in ActivityPartner.objects.filter(
            activity__centre_id__in=centre_ids
        ).values_list("activity_id", "organization_id"):
            self.partners.setdefault(activity_id, set()).add(org_id)
        self.activities: dict[tuple[int, str], Activity] = {}
        occurrences: dict[int, list[Activity]] = {}
        for activity in (
            Activity.objects.filter(**in_centres).select_related("series").order_by("start", "pk")
        ):
            if activity.series_id is None:
                self.activities.setdefault((activity.centre_id, activity.title), activity)
            else:
                occurrences.setdefault(activity.series_id, []).append(activity)
        # A series is known by the title most of its occurrences have (one may have been renamed).
        self.series: dict[tuple[int, str], list[list[Activity]]] = {}
        for activities in occurrences.values():
            title = Counter(a.title for a in activities).most_common(1)[0][0]
            self.series.setdefault((activities[0].centre_id, title), []).append(activities)

    def partner_ids(self, activity: Activity) -> set[int]:
        return self.partners.get(activity.pk, set())


@dataclass
class _Pending:
    """One-off activities to insert or update in bulk, with their centre and spec."""

    create: list[tuple[Centre, ActivitySpec]] = field(default_factory=list)
    update: list[tuple[Centre, Activity, ActivitySpec]] = field(default_factory=list)


def _seed_activity(
    centre: Centre, spec: ActivitySpec, *, existing: _Existing, actor: User, tally: Tally, pending: _Pending
) -> None:
    """A one-off activity: a new one, or one that differs (it moved with the calendar, or
    someone changed it), waits in ``pending`` for the bulk write; one whose partners
    differ goes through its update service."""
    found = existing.activities.get((centre.pk, spec.fields["title"]))
    if found is None:
        pending.create.append((centre, spec))
        tally.add("activities", CREATED)
    elif existing.partner_ids(found) != {org.pk for org in spec.partners}:
        services.activity_update(
            activity=found, actor=actor, expected_version=found.version, partners=spec.partners, **spec.fields
        )
        tally.add("activities", UPDATED)
    elif _differs(found, spec.fields):
        pending.update.append((centre, found, spec))
        tally.add("activities", UPDATED)
    else:
        tally.add("activities", UNCHANGED)


def _validated(activity: Activity, centre: Centre, spec: ActivitySpec, *, actor: User) -> Activity:
    """What activity_create and activity_update check: the actor may edit the centre, only
    the service's fields are set, full_clean passes. Left out of full_clean are the two
    checks the database itself makes on the write: the centre (and series) exist, and the
    check constraints hold."""
    if not access.can_edit_centre(actor, centre):
        raise PermissionDenied
    unknown = set(spec.fields) - set(services.ACTIVITY_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    for name, value in spec.fields.items():
        setattr(activity, name, value)
    activity.full_clean(exclude=["centre", "series"], validate_constraints=False)
    return activity


def _write_activities(pending: _Pending, *, actor: User) -> None:
    """The one place the seeder bypasses a service, for speed: the one-off activities are
    inserted and updated in bulk (activity_create and activity_update cost a dozen
    queries each, and --scale 10 has thousands), each checked as the services check it
    (``_validated``). The audit triggers record every row with the actor, as for any write."""
    created = [
        _validated(Activity(centre=centre), centre, spec, actor=actor) for centre, spec in pending.create
    ]
    with pghistory.context(user=actor.pk, action="activity.create"):
        Activity.objects.bulk_create(created, batch_size=500)
        ActivityPartner.objects.bulk_create(
            [
                ActivityPartner(activity=activity, organization=organization)
                for activity, (_centre, spec) in zip(created, pending.create, strict=True)
                for organization in spec.partners
            ],
            batch_size=2000,
        )
    if not pending.update:
        return
    # Optimistic locking, as in activity_update: the rows are locked, and one changed since
    # it was read is not overwritten.
    read = {activity.pk: activity.version for _centre, activity, _spec in pending.update}
    locked = dict(Activity.objects.select_for_update().filter(pk__in=read).values_list("pk", "version"))
    if locked != read:
        raise DemoSeedError("activities changed while the demo was being seeded: run seed_demo again")
    now = timezone.now()
    updated = []
    for centre, activity, spec in pending.update:
        activity.version += 1
        activity.updated_at = now
        updated.append(_validated(activity, centre, spec, actor=actor))
    with pghistory.context(user=actor.pk, action="activity.update"):
        Activity.objects.bulk_update(
            updated, [*services.ACTIVITY_FIELDS, "version", "updated_at"], batch_size=500
        )


def _seed_series(centre: Centre, spec: SeriesSpec, *, existing: _Existing, actor: User, tally: Tally) -> None:
    """A weekly series, created whole by its service, then the figures of the meetings that
    have happened, recorded one by one as an operator does after each. In a later week the
    series moves: each occurrence through its update service (so it keeps its id, and a
    subscribed calendar its event), the series' own dates with it."""
    found: tuple[ActivitySeries, list[Activity]] | None = None
    for occurrences in existing.series.get((centre.pk, spec.title), []):
        candidate = occurrences[0].series
        if (
            candidate
            and candidate.frequency == SeriesFrequency.WEEKLY
            and len(occurrences) == len(spec.starts)
        ):
            found = (candidate, occurrences)
            break
    if found is None:
        created = services.activity_series_create(
            centre=centre,
            actor=actor,
            frequency=SeriesFrequency.WEEKLY,
            until=spec.until,
            partners=spec.partners,
            **spec.first,
        )
        tally.add("activity series", CREATED)
        for activity in created.activities.order_by("start", "pk"):
            figures = spec.figures.get(activity.start)
            if figures is not None:
                services.activity_update(
                    activity=activity, actor=actor, expected_version=activity.version, **figures
                )
            tally.add("activities", CREATED)
        return
    series, occurrences = found
    wanted = {org.pk for org in spec.partners}
    base = {name: value for name, value in spec.first.items() if name not in ("start", "end")}
    length = spec.first["end"] - spec.first["start"]
    for activity, start in zip(occurrences, spec.starts, strict=True):
        fields = {**base, **spec.figures.get(start, {}), "start": start, "end": start + length}
        partners_differ = existing.partner_ids(activity) != wanted
        if _differs(activity, fields) or partners_differ:
            services.activity_update(
                activity=activity,
                actor=actor,
                expected_version=activity.version,
                partners=spec.partners if partners_differ else None,
                **fields,
            )
            tally.add("activities", UPDATED)
        else:
            tally.add("activities", UNCHANGED)
    if (series.first_start, series.until) == (spec.starts[0], spec.until):
        tally.add("activity series", UNCHANGED)
        return
    # No service changes a series' own dates: they follow its occurrences, checked and audited.
    series.first_start, series.until = spec.starts[0], spec.until
    series.full_clean()
    with pghistory.context(user=actor.pk, action="activity_series.move"):
        series.save(update_fields=["first_start", "until"])
    tally.add("activity series", UPDATED)


@transaction.atomic
def seed_centre_work(*, network: DemoNetwork, actor: User) -> None:
    """Resources, groups, volunteers, activities and weekly series of every demo centre,
    written through the services as the city staff account ``actor``."""
    if not access.is_city_staff(actor):
        raise DemoSeedError("the centres' records are seeded as a city staff account")
    today = access.today()
    term_start = date(today.year - 1, 1, 1)
    centres = list(network.centres.values())
    partners = [network.organizations[spec.key] for spec in PARTNERS]
    existing = _Existing([c.pk for c in centres])
    tally = network.tally
    pending = _Pending()
    for centre in centres:
        work = centre_work(
            centre,
            near=partners_near(centre, partners, network.osiedla),
            today=today,
            term_start=term_start,
        )
        for kind, argument, create, update in RECORD_SERVICES:
            found: dict[tuple[int, str], VersionedModel] = getattr(existing, kind)
            for fields in getattr(work, kind):
                _sync_record(
                    record=found.get((centre.pk, fields["name"])),
                    fields=fields,
                    create=create,
                    update=update,
                    argument=argument,
                    centre=centre,
                    actor=actor,
                    tally=tally,
                    kind=kind,
                )
        for spec in work.activities:
            _seed_activity(centre, spec, existing=existing, actor=actor, tally=tally, pending=pending)
        for series_spec in work.series:
            _seed_series(centre, series_spec, existing=existing, actor=actor, tally=tally)
    _write_activities(pending, actor=actor)
    seed_projects(network=network, actor=actor, today=today)


# --- Projects: funding beyond the city grant, with their results ---------------------------
# Synthetic projects with realistic funders. Every centre has one to three, of different
# kinds of funders, drawn with its fixed seed; CAL Szczepin (operator-a's) shows the whole
# feature: a running multi-year project with linked activities and three indicators (two
# computed, one entered by hand), and an application whose decision is due within a week.
# Periods are whole months at fixed offsets from the current year, so a run in a later week
# changes nothing; a multi-year project spans last year to next, and so holds every demo
# activity (the past 12 months and the next 2) whatever the week.

SHOWCASE_PROJECTS_CENTRE = "cal-szczepin"
DECISION_WITHIN_DAYS = 7


@dataclass(frozen=True)
class IndicatorIdea:
    name: str
    measure: str
    target: Decimal
    unit: str = ""
    how_measured: str = ""
    value_entered: Decimal | None = None


@dataclass(frozen=True)
class ProjectIdea:
    title: str
    summary: str
    description: str
    funder_kind: str
    funder_name: str
    status: str
    start: tuple[int, int]  # (years from now, month): the project starts on its first day
    end: tuple[int, int]  # (years from now, month): it ends on its last day
    amount: Decimal
    own_contribution: Decimal
    # The centre's one-off activities in public space or initiated by residents are its own.
    links_activities: bool = False
    indicators: tuple[IndicatorIdea, ...] = ()
    partners: int = 1


SHOWCASE_PROJECTS: tuple[ProjectIdea, ...] = (
    ProjectIdea(
        title="Szczepin od podwórka",
        summary=(
            "Mieszkańcy Szczepina wspólnie zmieniają podwórka i skwery: pikniki, sprzątanie, "
            "ogródki sąsiedzkie i wydarzenia, które sami wymyślają i prowadzą."
        ),
        description=(
            "Projekt trzyletni. Rozliczenie roczne do 31 stycznia; wkład własny w postaci pracy "
            "wolontariuszy i udostępnienia sal centrum."
        ),
        funder_kind=FunderKind.NATIONAL,
        funder_name="Program Fundusz Inicjatyw Obywatelskich NOWEFIO",
        status=ProjectStatus.RUNNING,
        start=(-1, 1),
        end=(1, 12),
        amount=Decimal("240000.00"),
        own_contribution=Decimal("18500.00"),
        links_activities=True,
        indicators=(
            IndicatorIdea(
                "Działania w przestrzeni publicznej",
                IndicatorMeasure.PUBLIC_SPACE,
                Decimal(30),
                unit="działań",
            ),
            IndicatorIdea(
                "Uczestnicy działań projektu",
                IndicatorMeasure.PARTICIPANTS,
                Decimal(1200),
                unit="osób",
            ),
            IndicatorIdea(
                "Mieszkańcy gotowi współprowadzić kolejne działania",
                IndicatorMeasure.MANUAL,
                Decimal(40),
                unit="osób",
                how_measured=(
                    "Krótka ankieta po każdym wydarzeniu; liczone są osoby, które zostawiły kontakt "
                    "i zadeklarowały pomoc przy kolejnym działaniu."
                ),
                value_entered=Decimal(23),
            ),
        ),
        partners=2,
    ),
    ProjectIdea(
        title="Zielony dziedziniec przy Zachodniej",
        summary="Ogród sąsiedzki na dziedzińcu przy centrum, zaprojektowany i prowadzony przez mieszkańców.",
        description="Wniosek złożony w konkursie; odpowiedź fundacji zapowiedziana w ciągu tygodnia.",
        funder_kind=FunderKind.FOUNDATION,
        funder_name="Działaj Lokalnie (Polsko-Amerykańska Fundacja Wolności)",
        status=ProjectStatus.APPLICATION,
        start=(1, 3),
        end=(1, 10),
        amount=Decimal("6000.00"),
        own_contribution=Decimal("1200.00"),
    ),
)

PROJECT_IDEAS: tuple[ProjectIdea, ...] = (
    ProjectIdea(
        title="Mikrogranty sąsiedzkie",
        summary=(
            "Małe granty dla grup mieszkańców na ich własne pomysły: od pikniku po bibliotekę podwórkową."
        ),
        description="Regranting; komisja z udziałem rady osiedla.",
        funder_kind=FunderKind.CITY_GRANT,
        funder_name="Gmina Wrocław, Wrocławskie Centrum Rozwoju Społecznego",
        status=ProjectStatus.CLOSED,
        start=(-1, 4),
        end=(-1, 11),
        amount=Decimal("30000.00"),
        own_contribution=Decimal("1500.00"),
    ),
    ProjectIdea(
        title="Sąsiedzi bez barier",
        summary=(
            "Wsparcie sąsiedzkie dla osób starszych i z niepełnosprawnościami: spotkania, wyjścia, pomoc."
        ),
        description=(
            "Projekt partnerski; wskaźniki rozliczane co pół roku w systemie instytucji pośredniczącej."
        ),
        funder_kind=FunderKind.EU_FUND,
        funder_name="Fundusze Europejskie dla Dolnego Śląska 2021–2027 (EFS+)",
        status=ProjectStatus.RUNNING,
        start=(-1, 1),
        end=(1, 12),
        amount=Decimal("420000.00"),
        own_contribution=Decimal("21000.00"),
        links_activities=True,
        indicators=(
            IndicatorIdea("Działania projektu", IndicatorMeasure.ACTIVITIES, Decimal(40), unit="działań"),
            IndicatorIdea(
                "Godziny pracy wolontariuszy", IndicatorMeasure.VOLUNTEER_HOURS, Decimal(300), unit="godzin"
            ),
        ),
        partners=2,
    ),
    ProjectIdea(
        title="Aktywni sześćdziesiąt plus",
        summary="Klub, warsztaty cyfrowe i spacery dla seniorów, prowadzone z ich udziałem.",
        description="Program rządowy; sprawozdanie końcowe w generatorze wniosków.",
        funder_kind=FunderKind.NATIONAL,
        funder_name="Rządowy Program ASOS",
        status=ProjectStatus.GRANTED,
        start=(1, 2),
        end=(1, 11),
        amount=Decimal("85000.00"),
        own_contribution=Decimal("4300.00"),
    ),
    ProjectIdea(
        title="Podwórkowa biblioteka",
        summary="Szafa z książkami na podwórku i wieczory czytania dla dzieci i dorosłych.",
        description="Pomysł zespołu; szukamy grantu fundacji.",
        funder_kind=FunderKind.FOUNDATION,
        funder_name="",
        status=ProjectStatus.IDEA,
        start=(1, 4),
        end=(1, 9),
        amount=Decimal("8000.00"),
        own_contribution=Decimal(0),
    ),
    ProjectIdea(
        title="Warsztaty naprawiania rzeczy",
        summary="Repair café: mieszkańcy uczą się naprawiać sprzęt, ubrania i rowery.",
        description="Grant lokalnej firmy w ramach jej programu społecznego.",
        funder_kind=FunderKind.BUSINESS,
        funder_name="Program grantowy lokalnej firmy",
        status=ProjectStatus.RUNNING,
        start=(0, 1),
        end=(0, 12),
        amount=Decimal("12000.00"),
        own_contribution=Decimal("2500.00"),
    ),
    ProjectIdea(
        title="Ławki dla sąsiadów",
        summary="Zbiórka na ławki i donice przed centrum, zrobione na warsztatach stolarskich.",
        description="Zbiórka nie osiągnęła celu; pomysł wróci w budżecie obywatelskim.",
        funder_kind=FunderKind.CROWDFUNDING,
        funder_name="Zbiórka internetowa",
        status=ProjectStatus.REJECTED,
        start=(0, 5),
        end=(0, 9),
        amount=Decimal("9000.00"),
        own_contribution=Decimal(0),
    ),
)


def _month_start(today: date, offset: tuple[int, int]) -> date:
    return date(today.year + offset[0], offset[1], 1)


def _month_end(today: date, offset: tuple[int, int]) -> date:
    year, month = today.year + offset[0], offset[1]
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return following - timedelta(days=1)


def project_ideas(centre_slug: str) -> list[ProjectIdea]:
    """The projects of a centre: the showcase at CAL Szczepin, one to three ideas of
    different kinds of funders elsewhere (the same for the same centre)."""
    if centre_slug == SHOWCASE_PROJECTS_CENTRE:
        return list(SHOWCASE_PROJECTS)
    rng = _rng(centre_slug, "projects")
    return rng.sample(PROJECT_IDEAS, rng.randint(1, 3))


def _decision_date(found: Project | None, today: date) -> date:
    """Within the coming week: kept while it still is, else a week from today (so a rerun
    on the same or a later day of that week changes nothing)."""
    current = found.decision_date if found is not None else None
    if current is not None and today <= current <= today + timedelta(days=DECISION_WITHIN_DAYS):
        return current
    return today + timedelta(days=DECISION_WITHIN_DAYS)


def _project_fields(idea: ProjectIdea, today: date, found: Project | None) -> dict[str, Any]:
    starts_on, ends_on = _month_start(today, idea.start), _month_end(today, idea.end)
    application = idea.status == ProjectStatus.APPLICATION
    return {
        "title": idea.title,
        "summary": idea.summary,
        "description": idea.description,
        "funder_kind": idea.funder_kind,
        "funder_name": idea.funder_name,
        # The call's eligible period: the project's years, whole.
        "funder_period_start": date(starts_on.year, 1, 1),
        "funder_period_end": date(ends_on.year, 12, 31),
        "starts_on": starts_on,
        "ends_on": ends_on,
        "amount": idea.amount,
        "own_contribution": idea.own_contribution,
        "status": idea.status,
        "decision_date": _decision_date(found, today) if application else None,
    }


def _indicator_fields(idea: IndicatorIdea) -> dict[str, Any]:
    return {
        "name": idea.name,
        "measure": idea.measure,
        "target": idea.target,
        "value_entered": idea.value_entered,
        "how_measured": idea.how_measured,
        "unit": idea.unit,
    }


def seed_projects(*, network: DemoNetwork, actor: User, today: date) -> None:
    """The projects of every demo centre with their partners, linked activities and
    indicators, through the services; a project is found again by its centre and title,
    an indicator by its project and name."""
    centres = list(network.centres.values())
    centre_ids = [centre.pk for centre in centres]
    existing = {
        (project.centre_id, project.title): project
        for project in Project.objects.filter(centre_id__in=centre_ids).prefetch_related(
            "partner_links", "activity_links"
        )
    }
    indicators = {
        (indicator.project_id, indicator.name): indicator
        for indicator in ProjectIndicator.objects.filter(project__centre_id__in=centre_ids)
    }
    registry = [network.organizations[spec.key] for spec in PARTNERS]
    for centre in centres:
        ideas = project_ideas(centre.slug)
        near = partners_near(centre, registry, network.osiedla)
        linkable: list[Activity] = []
        if any(idea.links_activities for idea in ideas):
            linkable = list(
                Activity.objects.filter(centre=centre, series__isnull=True)
                .filter(Q(in_public_space=True) | Q(resident_initiated=True))
                .order_by("start", "pk")
            )
        for idea in ideas:
            found = existing.get((centre.pk, idea.title))
            partners_rng = _rng(centre.slug, f"project-partners/{idea.title}")
            project = _sync_project(
                centre,
                found,
                _project_fields(idea, today, found),
                partners=partners_rng.sample(near, min(idea.partners, len(near))),
                activities=linkable if idea.links_activities else [],
                actor=actor,
                tally=network.tally,
            )
            for indicator_idea in idea.indicators:
                _sync_indicator(
                    project,
                    indicators.get((project.pk, indicator_idea.name)),
                    _indicator_fields(indicator_idea),
                    actor=actor,
                    tally=network.tally,
                )


def _sync_project(
    centre: Centre,
    found: Project | None,
    fields: dict[str, Any],
    *,
    partners: list[Organization],
    activities: list[Activity],
    actor: User,
    tally: Tally,
) -> Project:
    """Create the project, or bring it (and its links) to the spec through its update service."""
    if found is None:
        tally.add("projects", CREATED)
        return services.project_create(
            centre=centre, actor=actor, partners=partners, activities=activities, **fields
        )
    partners_differ = {link.organization_id for link in found.partner_links.all()} != {
        organization.pk for organization in partners
    }
    activities_differ = {link.activity_id for link in found.activity_links.all()} != {
        activity.pk for activity in activities
    }
    if not (_differs(found, fields) or partners_differ or activities_differ):
        tally.add("projects", UNCHANGED)
        return found
    tally.add("projects", UPDATED)
    return services.project_update(
        project=found,
        actor=actor,
        expected_version=found.version,
        partners=partners if partners_differ else None,
        activities=activities if activities_differ else None,
        **fields,
    )


def _sync_indicator(
    project: Project, found: ProjectIndicator | None, fields: dict[str, Any], *, actor: User, tally: Tally
) -> None:
    if found is None:
        services.project_indicator_create(project=project, actor=actor, **fields)
        tally.add("project indicators", CREATED)
    elif _differs(found, fields):
        services.project_indicator_update(
            indicator=found, actor=actor, expected_version=found.version, **fields
        )
        tally.add("project indicators", UPDATED)
    else:
        tally.add("project indicators", UNCHANGED)


@transaction.atomic
def seed_centres_demo(*, scale: int = 1, password: str = DEFAULT_PASSWORD) -> DemoNetwork:
    """The centres' part of the demo, all or nothing; ``network.demo.seed_demo`` adds the
    apps above (partnerships, diagnosis, network) on top of it."""
    network = seed_centres(scale=scale)
    seed_accounts(network=network, password=password)
    seed_centre_work(network=network, actor=network.users["staff"])
    return network
