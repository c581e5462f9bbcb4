"""The demo of the SCAL network's shared work (synthetic), on top of the demo centres.

``seed_network`` takes the ``DemoNetwork`` of ``centres.demo`` and runs at the end of
``network.demo.seed_demo``: the operators of every demo centre are members of the network
and the animator organisation (``centres.demo.ANIMATOR_ORGANIZATION``) animates it; the
standing team; meetings with their tasks; published and draft good practices with their
adoptions; an open and a closed consultation with answers; certificates (one expiring
within six months) and last year's self-assessments of every centre.

Deterministic and idempotent: each record is found again by a natural key and written
(as the system, through network.services) only when it is missing or differs. Dates that
must stay current (meetings, consultations, certificates) are relative to today: a run on
a later day moves them, a second run on the same day writes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar

from django.db import models
from django.utils import timezone

from centres.demo import ANIMATOR_ORGANIZATION, CREATED, UNCHANGED, UPDATED, DemoNetwork, DemoSeedError
from centres.models import CalMethod, Centre, Effect, Organization
from network import services
from network.models import (
    SCORE_FIELDS,
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
    NetworkMeetingAttendee,
    NetworkMembership,
    PracticeStatus,
    SelfAssessment,
    TeamMember,
    TeamRole,
    certificate_valid_until,
)

M = TypeVar("M", bound=models.Model)

# SCAL was founded by the first centres' operators (a fixed, synthetic date).
NETWORK_FOUNDED = date(2019, 6, 1)


def _differs(instance: models.Model, fields: dict[str, Any]) -> bool:
    return any(getattr(instance, name) != value for name, value in fields.items())


def _sync(
    model: type[M],
    *,
    lookup: dict[str, Any],
    fields: dict[str, Any],
    network: DemoNetwork,
    kind: str,
    save: Callable[[M], object] | None = None,
) -> M:
    """Create from ``lookup`` + ``fields``, or bring the found record to ``fields``;
    the write (a service, as the system) runs only when something is new or differs."""
    write = save or (lambda record: services.network_record_save(record=record, actor=None))
    instance = model._default_manager.filter(**lookup).first()
    if instance is None:
        instance = model(**lookup, **fields)
        write(instance)
        network.tally.add(kind, CREATED)
    elif _differs(instance, fields):
        for name, value in fields.items():
            setattr(instance, name, value)
        write(instance)
        network.tally.add(kind, UPDATED)
    else:
        network.tally.add(kind, UNCHANGED)
    return instance


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _digest(*parts: str) -> int:
    return int(hashlib.sha256("|".join(parts).encode()).hexdigest()[:8], 16)


# --- Membership and the standing team --------------------------------------------------


def _members(network: DemoNetwork) -> list[Organization]:
    """The operators of every demo centre, the animator first."""
    animator = network.organizations.get(ANIMATOR_ORGANIZATION)
    if animator is None:
        raise DemoSeedError(f"the animator organisation {ANIMATOR_ORGANIZATION!r} is missing")
    # In the order of the demo centres, so that the same organisations get the same tasks.
    operators = list({org.pk: org for org in network.operators.values()}.values())
    return [animator, *(org for org in operators if org.pk != animator.pk)]


def seed_memberships(network: DemoNetwork) -> list[Organization]:
    members = _members(network)
    for index, organization in enumerate(members):
        _sync(
            NetworkMembership,
            lookup={"organization": organization, "joined": NETWORK_FOUNDED},
            fields={"left": None, "is_animator": index == 0},
            network=network,
            kind="network memberships",
            save=lambda record: services.network_membership_save(membership=record, actor=None),
        )
    return members


@dataclass(frozen=True)
class TeamSpec:
    person_name: str
    institution: str
    role: str
    organization: str = ""  # OrganizationSpec key
    username: str = ""  # a demo account


TEAM: tuple[TeamSpec, ...] = (
    TeamSpec("Anna Przykładowa", "Wydział Partycypacji Społecznej", TeamRole.CHAIR, username="team"),
    TeamSpec("Piotr Testowy", "Wrocławskie Centrum Rozwoju Społecznego", TeamRole.MEMBER),
    TeamSpec("Ewa Demonstracyjna", "Miejski Ośrodek Pomocy Społecznej", TeamRole.MEMBER),
    TeamSpec(
        "Marta Fikcyjna",
        "Dolnośląska Federacja Organizacji Pozarządowych",
        TeamRole.SECRETARY,
        organization=ANIMATOR_ORGANIZATION,
    ),
)


def seed_team(network: DemoNetwork) -> None:
    for spec in TEAM:
        _sync(
            TeamMember,
            lookup={"person_name": spec.person_name},
            fields={
                "institution": spec.institution,
                "role": spec.role,
                "organization": network.organizations.get(spec.organization) if spec.organization else None,
                "user": network.users.get(spec.username) if spec.username else None,
                "since": date(2023, 1, 1),
                "until": None,
            },
            network=network,
            kind="standing team members",
            save=lambda record: services.team_member_save(member=record, actor=None),
        )


# --- Meetings and follow-ups -------------------------------------------------------------


@dataclass(frozen=True)
class TaskSpec:
    title: str
    assignee: int  # index into the members (0: the animator)
    due_after: int  # days after the meeting
    status: str
    note: str = ""


@dataclass(frozen=True)
class MeetingSpec:
    kind: str
    days_ago: int
    agenda: str
    decisions: str
    minutes: str
    place: str
    attendees: tuple[int, ...]  # indexes into the members
    tasks: tuple[TaskSpec, ...] = ()


MEETINGS: tuple[MeetingSpec, ...] = (
    MeetingSpec(
        MeetingKind.SCAL,
        100,
        "1. Podsumowanie kwartału w centrach\n2. Wspólna kampania wolontariatu\n3. Sprawy różne",
        "Sieć przygotuje wspólną kampanię zachęcającą do wolontariatu w centrach.",
        "Centra przedstawiły działania kwartału. Ustalono harmonogram kampanii wolontariatu.",
        "CAL Prądzyńskiego",
        (0, 1, 2, 3, 4, 5),
        (
            TaskSpec(
                "Przygotować wzór plakatu kampanii wolontariatu",
                0,
                30,
                FollowUpStatus.DONE,
                "Wysłany do centrów.",
            ),
            TaskSpec("Zebrać historie wolontariuszy do kampanii", 1, 45, FollowUpStatus.DONE),
        ),
    ),
    MeetingSpec(
        MeetingKind.SCAL,
        45,
        "1. Wymiana dobrych praktyk: kawiarenki sąsiedzkie\n2. Opinia sieci o programie współpracy",
        "Sieć przygotuje wspólną opinię o projekcie programu współpracy z organizacjami.",
        "Dyskusja o kawiarenkach sąsiedzkich; zebrano uwagi do programu współpracy.",
        "CAL Szczepin",
        (0, 1, 2, 4, 6),
        (
            TaskSpec(
                "Opisać kawiarenkę sąsiedzką jako dobrą praktykę",
                1,
                30,
                FollowUpStatus.IN_PROGRESS,
                "Szkic opisu gotowy.",
            ),
            TaskSpec("Zebrać uwagi centrów do programu współpracy", 0, 20, FollowUpStatus.DONE),
            TaskSpec("Sprawdzić dostępność sal na szkolenie sieci", 2, 60, FollowUpStatus.OPEN),
        ),
    ),
    MeetingSpec(
        MeetingKind.SCAL,
        10,
        "1. Samoocena centrów według standardów CAL\n2. Plan szkoleń na kolejny rok",
        "Każde centrum wypełni samoocenę za ubiegły rok do końca miesiąca.",
        "Omówiono standardy CAL i sposób dokumentowania samooceny.",
        "CAL Gajowice",
        (0, 1, 2, 3, 5, 7),
        (
            TaskSpec("Wypełnić samoocenę centrum za ubiegły rok", 1, 20, FollowUpStatus.OPEN),
            TaskSpec("Zaproponować tematy szkoleń", 2, 30, FollowUpStatus.OPEN),
            TaskSpec("Przygotować kalendarz szkoleń sieci", 0, 40, FollowUpStatus.IN_PROGRESS),
        ),
    ),
    MeetingSpec(
        MeetingKind.TEAM,
        60,
        "1. Certyfikacja centrów\n2. Finansowanie sieci w przyszłym roku",
        "Zespół rekomenduje certyfikację kolejnych dwóch centrów.",
        "Przedstawiono stan certyfikacji i potrzeby finansowe sieci.",
        "Urząd Miejski Wrocławia, Wydział Partycypacji Społecznej",
        (0,),
        (
            TaskSpec(
                "Przygotować zestawienie certyfikatów wygasających w tym roku", 0, 30, FollowUpStatus.DONE
            ),
        ),
    ),
)


def seed_meetings(network: DemoNetwork, members: list[Organization], today: date) -> None:
    for spec in MEETINGS:
        on = today - timedelta(days=spec.days_ago)
        meeting = _sync(
            NetworkMeeting,
            lookup={"kind": spec.kind, "agenda": spec.agenda},
            fields={
                "date": on,
                "place": spec.place,
                "decisions": spec.decisions,
                "minutes": spec.minutes,
            },
            network=network,
            kind="network meetings",
        )
        wanted = {members[i].pk for i in spec.attendees if i < len(members)}
        current = set(meeting.attendee_links.values_list("organization_id", flat=True))
        if wanted != current:
            NetworkMeetingAttendee.objects.filter(meeting=meeting).exclude(
                organization_id__in=wanted
            ).delete()
            NetworkMeetingAttendee.objects.bulk_create(
                [
                    NetworkMeetingAttendee(meeting=meeting, organization_id=pk)
                    for pk in sorted(wanted - current)
                ]
            )
        for task in spec.tasks:
            if task.assignee >= len(members):
                continue
            _sync(
                FollowUp,
                lookup={"meeting": meeting, "title": task.title},
                fields={
                    "assignee": members[task.assignee],
                    "due": on + timedelta(days=task.due_after),
                    "status": task.status,
                    "note": task.note,
                },
                network=network,
                kind="follow-ups",
            )


# --- Good practices -----------------------------------------------------------------------


@dataclass(frozen=True)
class PracticeSpec:
    centre: str
    title: str
    summary: str
    method: str
    effects: tuple[str, ...]
    description: str
    published_on: date | None  # None: a draft
    adoptions: tuple[tuple[str, date, str], ...] = ()  # (centre slug, adopted on, outcome)


PRACTICES: tuple[PracticeSpec, ...] = (
    PracticeSpec(
        "cal-szczepin",
        "Kawiarenka sąsiedzka",
        "Raz w tygodniu mieszkańcy prowadzą kawiarenkę w centrum: poznają się i planują wspólne działania.",
        CalMethod.COMMUNITY,
        (Effect.RELATIONS, Effect.RESPONSIBILITY),
        "Dyżur kawiarenki pełnią na zmianę wolontariusze. Centrum zapewnia miejsce i naczynia, "
        "mieszkańcy przynoszą wypieki. Przy kawie zbierane są pomysły na kolejne działania.",
        date(2024, 9, 16),
        (
            ("cal-gajowice", date(2024, 11, 4), "Kawiarenka działa w czwartki, przychodzi ok. 20 osób."),
            ("cal-widawa", date(2025, 2, 3), "Kawiarenka połączona z wymianą książek."),
        ),
    ),
    PracticeSpec(
        "cal-gajowice",
        "Spacer badawczy z mieszkańcami",
        "Mieszkańcy z animatorem obchodzą osiedle i zaznaczają na mapie miejsca do zmiany.",
        CalMethod.NEEDS,
        (Effect.POTENTIAL, Effect.IDENTITY),
        "Spacer trwa dwie godziny, trasę wyznaczają sami mieszkańcy. Wyniki trafiają do diagnozy "
        "potrzeb centrum i są omawiane na spotkaniu sąsiedzkim.",
        date(2024, 10, 7),
        (("cal-wojszyce", date(2025, 4, 12), "Spacer pokazał potrzebę ławek przy szkole."),),
    ),
    PracticeSpec(
        "cal-pradzynskiego",
        "Podwórkowe festyny sąsiedzkie",
        "Sąsiedzi sami organizują festyn na podwórku, centrum pomaga w formalnościach.",
        CalMethod.PUBLIC_SPACE,
        (Effect.RELATIONS, Effect.IDENTITY, Effect.PARTNERSHIPS),
        "Komitet sąsiedzki planuje program, centrum wypożycza sprzęt i pomaga w zgłoszeniach. "
        "Do współpracy zapraszana jest rada osiedla i szkoła.",
        date(2025, 3, 3),
        (
            ("cal-szczepin", date(2025, 6, 14), "Festyn na podwórku przy ul. Zachodniej."),
            ("cal-zakrzow", date(2025, 7, 5), "Pierwszy festyn z udziałem parafii."),
        ),
    ),
    PracticeSpec(
        "cal-psie-pole-zawidawie",
        "Sieć sąsiedzkiej pomocy seniorom",
        "Wolontariusze z osiedla robią zakupy i dotrzymują towarzystwa samotnym seniorom.",
        CalMethod.ORGANISING,
        (Effect.INCLUSION, Effect.RESPONSIBILITY),
        "Centrum łączy wolontariuszy z seniorami z sąsiedztwa, we współpracy z MOPS. "
        "Raz w miesiącu odbywa się spotkanie wolontariuszy.",
        date(2025, 5, 19),
    ),
    PracticeSpec(
        "cal-wojszyce",
        "Mapa zasobów osiedla",
        "Mieszkańcy wspólnie spisują, kto co umie i co może udostępnić sąsiadom.",
        CalMethod.NETWORKING,
        (Effect.POTENTIAL, Effect.PARTNERSHIPS),
        "Warsztat mapowania zasobów, a potem tablica w centrum z ofertami sąsiadów.",
        None,
    ),
    PracticeSpec(
        "cal-szczepin",
        "Klub rodzica",
        "Rodzice małych dzieci spotykają się i sami prowadzą zajęcia.",
        CalMethod.COMMUNITY,
        (Effect.RELATIONS,),
        "Opis w przygotowaniu.",
        None,
    ),
)


def seed_practices(network: DemoNetwork) -> None:
    for spec in PRACTICES:
        centre = network.centres.get(spec.centre)
        if centre is None:
            continue
        published = spec.published_on is not None
        practice = _sync(
            GoodPractice,
            lookup={"centre": centre, "title": spec.title},
            fields={
                "summary": spec.summary,
                "method": spec.method,
                # In the canonical order the model keeps them in.
                "effects": [value for value in Effect.values if value in spec.effects],
                "description": spec.description,
                "status": PracticeStatus.PUBLISHED if published else PracticeStatus.DRAFT,
                "published_at": _at(spec.published_on, 12) if spec.published_on else None,
            },
            network=network,
            kind="good practices",
        )
        for slug, adopted_on, outcome in spec.adoptions:
            adopter = network.centres.get(slug)
            if adopter is None:
                continue
            _sync(
                Adoption,
                lookup={"practice": practice, "centre": adopter},
                fields={"adopted_on": adopted_on, "outcome": outcome},
                network=network,
                kind="adoptions",
            )


# --- Consultations -----------------------------------------------------------------------


@dataclass(frozen=True)
class ConsultationSpec:
    title: str
    subject: str
    description: str
    document_url: str
    opens_days_ago: int
    days_open: int
    answers: tuple[tuple[int, int, str], ...]  # (member index, days after opening, text)


CONSULTATIONS: tuple[ConsultationSpec, ...] = (
    ConsultationSpec(
        "Program współpracy z organizacjami pozarządowymi",
        "Projekt rocznego programu współpracy Gminy Wrocław z organizacjami pozarządowymi",
        "Prosimy o uwagi do części dotyczącej wsparcia Centrów Aktywności Lokalnej.",
        "https://example.org/konsultacje/program-wspolpracy.pdf",
        10,
        30,
        (
            (0, 2, "Proponujemy wieloletnie umowy dla operatorów centrów."),
            (2, 5, "Prosimy o uwzględnienie kosztów wolontariatu w budżecie."),
        ),
    ),
    ConsultationSpec(
        "Standardy dostępności centrów",
        "Wytyczne dostępności architektonicznej i informacyjnej Centrów Aktywności Lokalnej",
        "Konsultacja zakończona; wyniki zostały przekazane zespołowi stałemu.",
        "https://example.org/konsultacje/standardy-dostepnosci.pdf",
        150,
        30,
        (
            (0, 3, "Wytyczne powinny obejmować pętlę indukcyjną w salach spotkań."),
            (1, 10, "Prosimy o okres przejściowy na dostosowanie lokali."),
            (3, 20, "Popieramy wytyczne bez uwag."),
        ),
    ),
)


def seed_consultations(network: DemoNetwork, members: list[Organization], today: date) -> None:
    for spec in CONSULTATIONS:
        opens = today - timedelta(days=spec.opens_days_ago)
        consultation = _sync(
            Consultation,
            lookup={"title": spec.title},
            fields={
                "subject": spec.subject,
                "description": spec.description,
                "document_url": spec.document_url,
                "opens": opens,
                "closes": opens + timedelta(days=spec.days_open),
            },
            network=network,
            kind="consultations",
        )
        for index, after, text in spec.answers:
            if index >= len(members):
                continue
            _sync(
                ConsultationResponse,
                lookup={"consultation": consultation, "organization": members[index]},
                fields={"text": text, "submitted_at": _at(opens + timedelta(days=after), 10)},
                network=network,
                kind="consultation answers",
            )


# --- Certification and self-assessment ------------------------------------------------


def _certification_fields(status: str, today: date, *, granted_years_ago: float = 0) -> dict[str, Any]:
    if status == CertificationStatus.GRANTED:
        granted = today - timedelta(days=round(granted_years_ago * 365.25))
        return {
            "status": status,
            "applied_on": granted - timedelta(days=120),
            "visited_on": granted - timedelta(days=40),
            "granted_on": granted,
            "valid_until": certificate_valid_until(granted),
            "decision_note": "Centrum spełnia standardy CAL.",
        }
    if status == CertificationStatus.VISIT:
        return {
            "status": status,
            "applied_on": today - timedelta(days=70),
            "visited_on": today - timedelta(days=7),
            "granted_on": None,
            "valid_until": None,
            "decision_note": "",
        }
    return {
        "status": status,
        "applied_on": today - timedelta(days=20),
        "visited_on": None,
        "granted_on": None,
        "valid_until": None,
        "decision_note": "",
    }


# (centre, status, years since granting): 4.75 years ago expires in about three months.
CERTIFICATIONS: tuple[tuple[str, str, float], ...] = (
    ("cal-szczepin", CertificationStatus.GRANTED, 4.75),
    ("cal-gajowice", CertificationStatus.GRANTED, 2.0),
    ("cal-pradzynskiego", CertificationStatus.GRANTED, 1.0),
    ("cal-psie-pole-zawidawie", CertificationStatus.VISIT, 0),
    ("cal-wojszyce", CertificationStatus.APPLIED, 0),
)


def seed_certifications(network: DemoNetwork, today: date) -> None:
    for slug, status, years in CERTIFICATIONS:
        centre = network.centres.get(slug)
        if centre is None:
            continue
        _sync(
            Certification,
            lookup={"centre": centre},
            fields=_certification_fields(status, today, granted_years_ago=years),
            network=network,
            kind="certifications",
            save=lambda record: services.certification_save(certification=record, actor=None),
        )


def _scores(centre: Centre, year: int) -> dict[str, int]:
    """Scores from 2 to 5, the same for a centre and year at every run."""
    return {name: 2 + _digest(centre.slug, str(year), name) % 4 for name in SCORE_FIELDS}


EVIDENCE = {
    "evidence_place": "Lokal otwarty dla mieszkańców od poniedziałku do soboty.",
    "evidence_needs": "Działania wynikają z diagnozy potrzeb i korzystają z zasobów osiedla.",
    "evidence_fields": "Zajęcia dla dzieci, seniorów, rodzin; wsparcie grup sąsiedzkich.",
    "evidence_volunteering": "Stała grupa wolontariuszy i liderów lokalnych.",
    "evidence_initiatives": "Inicjatywy mieszkańców, grupy samopomocowe i partnerstwo lokalne.",
}


def seed_self_assessments(network: DemoNetwork, today: date) -> None:
    """Last year's self-assessment of every centre, submitted at the end of January."""
    year = today.year - 1
    submitted_at = _at(min(date(today.year, 1, 31), today - timedelta(days=1)), 12)
    for slug in sorted(network.centres):
        centre = network.centres[slug]
        _sync(
            SelfAssessment,
            lookup={"centre": centre, "year": year},
            fields={
                **_scores(centre, year),
                **EVIDENCE,
                "submitted": True,
                "submitted_at": submitted_at,
            },
            network=network,
            kind="self-assessments",
        )


def seed_network(*, network: DemoNetwork, scale: int = 1) -> None:
    """The network's part of the demo (``scale`` multiplies it with the centres)."""
    if scale < 1:
        raise DemoSeedError("scale must be at least 1")
    today = timezone.localdate()
    members = seed_memberships(network)
    seed_team(network)
    seed_meetings(network, members, today)
    seed_practices(network)
    seed_consultations(network, members, today)
    seed_certifications(network, today)
    seed_self_assessments(network, today)
