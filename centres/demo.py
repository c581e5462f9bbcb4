"""The Wrocław demo network, for development and demonstrations.

Real: the 48 osiedla, the eight centres named in DOMAIN-NOTES.md with their public
addresses and operators. Synthetic: everything else (registry numbers, coordinates,
grants, descriptions, partners, the extra centres of ``--scale``, the accounts).

Idempotent: every object is looked up by a stable key (slug, NIP, name, username)
and saved through the services only when it differs from its spec, so a second run
writes nothing and adds no audit event. Later seeders (activities, partnerships,
diagnoses) take the ``DemoNetwork`` that ``seed_centres`` returns.
"""

from __future__ import annotations

import csv
import zlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import pghistory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import models, transaction
from django.utils.text import slugify

from centres import access, services
from centres.models import (
    SECTOR_OF_KIND,
    Centre,
    CentreStatus,
    District,
    Membership,
    MembershipRole,
    OperatorTerm,
    Organization,
    OrganizationKind,
    Osiedle,
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
    """The slug rule of migration 0002 (slugify drops ``ł``, so it is spelt out first)."""
    return slugify(name.replace("ł", "l").replace("Ł", "L"))


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
    AccountSpec(
        "animator",
        "network animator (SCAL)",
        (access.ANIMATOR_GROUP,),
        organization=ANIMATOR_ORGANIZATION,
        membership_role=MembershipRole.ANIMATOR,
    ),
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
        network.accounts.append(
            DemoAccount(spec.username, spec.role, password, organization=org_name, centres=centres)
        )
    return network.accounts


@transaction.atomic
def seed_demo(*, scale: int = 1, password: str = DEFAULT_PASSWORD) -> DemoNetwork:
    """The whole demo, all or nothing."""
    network = seed_centres(scale=scale)
    seed_accounts(network=network, password=password)
    return network
