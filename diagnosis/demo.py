"""Demo community diagnoses of the Wrocław demo network (synthetic, in Polish like the rest
of the demo). ``seed_diagnoses(network=..., scale=...)`` takes the ``DemoNetwork`` of
centres.demo (after its accounts and the centres' activities) and, for every centre:

- a diagnosis of last spring, published, with its methods, conclusions and findings placed
  in the osiedla the centre serves, some of them answered by the centre's demo activities
  (so the map shows needs being addressed, met, and still waiting);
- for CAL Zacisze-Zalesie-Szczytniki, a diagnosis of three years ago instead (the "stale"
  selector finds it);
- for CAL Szczepin (operator-a) and CAL Widawa (the pilot), a diagnosis in progress with
  residents' input open, and submissions waiting for moderation (one already accepted).

Deterministic (a random source per centre and part) and idempotent: records are found by a
stable key (centre and title; diagnosis and title; …) and written through the services only
when missing or different, so a second run writes nothing.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from centres import access
from centres.demo import CREATED, OSIEDLE_POINTS, UNCHANGED, UPDATED, DemoNetwork, DemoSeedError, Tally
from centres.models import Activity, Centre, Osiedle
from diagnosis import services
from diagnosis.models import (
    Diagnosis,
    DiagnosisStatus,
    Finding,
    FindingKind,
    FindingResponse,
    FindingStatus,
    Method,
    MethodUse,
    ResidentSubmission,
    SubmissionStatus,
    TargetGroup,
    Theme,
)

SEED = "cal-demo-diagnosis-1"
FINDINGS_PER_DIAGNOSIS = 9
CURRENT_FINDINGS = 3
STALE_CENTRE = "cal-zacisze-zalesie-szczytniki"
RUNNING_CENTRES = ("cal-szczepin", "cal-widawa")
# About 300–400 m around the middle of an osiedle: inside it for all but the smallest.
JITTER_LAT, JITTER_LON = Decimal("0.0030"), Decimal("0.0045")


def _rng(centre_slug: str, part: str) -> random.Random:
    return random.Random(f"{SEED}/{centre_slug}/{part}")  # noqa: S311 - demo data, not secrets


@dataclass(frozen=True)
class FindingIdea:
    kind: str
    theme: str
    title: str
    description: str
    priority: int
    groups: tuple[str, ...]
    answered_by: tuple[str, ...] = ()  # words of the titles of activities that answer it
    met: bool = False
    located: bool = True


CATALOGUE: tuple[FindingIdea, ...] = (
    FindingIdea(
        FindingKind.NEED,
        Theme.SENIORS,
        "Samotność osób starszych",
        "Wielu seniorów mieszka samotnie i rzadko wychodzi z domu; brakuje im okazji do rozmowy.",
        5,
        (TargetGroup.SENIORS,),
        answered_by=("senior", "międzypokoleniowy"),
    ),
    FindingIdea(
        FindingKind.NEED,
        Theme.CHILDREN_YOUTH,
        "Brak miejsca dla młodzieży po lekcjach",
        "Nastolatki spędzają czas na klatkach schodowych; nie ma bezpłatnego miejsca, "
        "gdzie mogą się spotkać.",
        4,
        (TargetGroup.YOUTH,),
        answered_by=("młodzież", "lekcj"),
    ),
    FindingIdea(
        FindingKind.PROBLEM,
        Theme.SAFETY,
        "Ciemne przejście między blokami",
        "Przejście między podwórkami nie jest oświetlone; mieszkańcy, zwłaszcza kobiety, "
        "unikają go wieczorem.",
        4,
        (TargetGroup.EVERYONE,),
    ),
    FindingIdea(
        FindingKind.PROBLEM,
        Theme.PUBLIC_SPACE,
        "Zaniedbany skwer przy szkole",
        "Skwer jest zaśmiecony, ławki są połamane, a zieleń nieprzycięta.",
        3,
        (TargetGroup.FAMILIES, TargetGroup.CHILDREN),
        answered_by=("sprzątanie", "sadzenie"),
        met=True,
    ),
    FindingIdea(
        FindingKind.NEED,
        Theme.INTEGRATION,
        "Sąsiedzi się nie znają",
        "Po wymianie lokatorów sąsiedzi nie znają się nawzajem i nie wiedzą, do kogo zwrócić się o pomoc.",
        3,
        (TargetGroup.EVERYONE,),
        answered_by=("piknik", "sąsiedzk"),
    ),
    FindingIdea(
        FindingKind.NEED,
        Theme.INCLUSION,
        "Wsparcie dla rodzin cudzoziemców",
        "Rodziny, które niedawno się wprowadziły, potrzebują pomocy w nauce języka i w sprawach urzędowych.",
        4,
        (TargetGroup.MIGRANTS, TargetGroup.FAMILIES),
        answered_by=("język", "dyżur"),
    ),
    FindingIdea(
        FindingKind.ASSET,
        Theme.ENVIRONMENT,
        "Ogród przy bibliotece",
        "Niewykorzystany ogród przy filii biblioteki, który dyrekcja chętnie udostępni mieszkańcom.",
        3,
        (TargetGroup.EVERYONE,),
        answered_by=("sadzenie",),
    ),
    FindingIdea(
        FindingKind.ASSET,
        Theme.CULTURE,
        "Emerytowana nauczycielka plastyki",
        "Mieszkanka osiedla chce prowadzić zajęcia plastyczne dla dzieci jako wolontariuszka.",
        2,
        (TargetGroup.CHILDREN,),
        answered_by=("plastyczne", "dla dzieci"),
        located=False,
    ),
    FindingIdea(
        FindingKind.ASSET,
        Theme.INTEGRATION,
        "Świetlica spółdzielni mieszkaniowej",
        "Spółdzielnia ma salę, która stoi pusta w weekendy i może ją udostępniać grupom sąsiedzkim.",
        2,
        (TargetGroup.EVERYONE,),
    ),
    FindingIdea(
        FindingKind.IDEA,
        Theme.CULTURE,
        "Kino plenerowe na podwórku",
        "Letnie pokazy filmów na podwórku, z filmami wybranymi przez mieszkańców.",
        2,
        (TargetGroup.FAMILIES, TargetGroup.ADULTS),
    ),
    FindingIdea(
        FindingKind.IDEA,
        Theme.HEALTH,
        "Wspólne spacery z kijkami",
        "Grupa spacerowa dla osób, które chcą się ruszać, ale nie lubią ćwiczyć same.",
        2,
        (TargetGroup.SENIORS, TargetGroup.ADULTS),
        answered_by=("ruchowe",),
    ),
    FindingIdea(
        FindingKind.NEED,
        Theme.EDUCATION,
        "Pomoc w nauce dla dzieci",
        "Rodzice nie zawsze mogą pomóc dzieciom w lekcjach; przydałaby się regularna pomoc wolontariuszy.",
        3,
        (TargetGroup.CHILDREN, TargetGroup.FAMILIES),
        answered_by=("lekcj",),
    ),
)

CURRENT_CATALOGUE: tuple[FindingIdea, ...] = (
    FindingIdea(
        FindingKind.NEED,
        Theme.PUBLIC_SPACE,
        "Miejsce do siedzenia w cieniu",
        "Na osiedlu brakuje ławek w cieniu, gdzie można odpocząć w upalne dni.",
        4,
        (TargetGroup.SENIORS, TargetGroup.FAMILIES),
    ),
    FindingIdea(
        FindingKind.ASSET,
        Theme.EDUCATION,
        "Sąsiedzka biblioteczka w bramie",
        "Mieszkańcy sami wymieniają się książkami w bramie; chętnie pokażą, jak to działa.",
        2,
        (TargetGroup.EVERYONE,),
    ),
    FindingIdea(
        FindingKind.IDEA,
        Theme.INTEGRATION,
        "Wspólne śniadanie na podwórku",
        "Raz w miesiącu wspólne śniadanie, na które każdy coś przynosi.",
        3,
        (TargetGroup.EVERYONE,),
    ),
)

SUBMISSIONS: tuple[tuple[str, str], ...] = (
    (
        FindingKind.IDEA,
        "Może warsztaty naprawy rowerów dla dzieci i dorosłych? Mogę pokazać, jak się to robi.",
    ),
    (FindingKind.NEED, "Brakuje przewijaka i miejsca do karmienia w pobliżu placu zabaw."),
    (FindingKind.ASSET, "Mam duży ogród i mogę oddawać sadzonki pomidorów na wspólne grządki."),
)
ACCEPTED_SUBMISSION = 2  # the asset: already accepted as a finding

METHODS: tuple[tuple[str, int, int | None], ...] = (
    # (method, day of the period, respondents)
    (Method.DESK_RESEARCH, 0, None),
    (Method.SURVEY, 14, 120),
    (Method.RESEARCH_WALK, 30, 18),
    (Method.WORLD_CAFE, 45, 34),
    (Method.WISH_TREE, 60, 57),
)

CONCLUSIONS = (
    "Mieszkańcy najczęściej wskazywali na potrzebę miejsc spotkań i działań łączących pokolenia. "
    "Osiedle ma zasoby, które można lepiej wykorzystać: zieleń, sale instytucji i umiejętności sąsiadów. "
    "Centrum w kolejnym roku skupi się na integracji sąsiedzkiej, wsparciu seniorów i młodzieży "
    "oraz na wspólnej trosce o przestrzeń publiczną."
)
DESCRIPTION = (
    "Rozpoznanie potrzeb, problemów i zasobów mieszkańców: ankieta, spacery badawcze i spotkania "
    "przy kawie. Pytamy, czego brakuje, co przeszkadza i co sąsiedzi mogą dać od siebie."
)


@dataclass(frozen=True)
class DiagnosisSpec:
    title: str
    status: str
    period_start: date
    period_end: date
    submissions_open: bool
    ideas: tuple[FindingIdea, ...]
    methods: int  # how many of METHODS

    def fields(self) -> dict[str, Any]:
        published = self.status == DiagnosisStatus.PUBLISHED
        return {
            "title": self.title,
            "description": DESCRIPTION,
            "period_start": self.period_start,
            "period_end": self.period_end,
            "status": self.status,
            "conclusions": CONCLUSIONS if published else "",
            "submissions_open": self.submissions_open,
        }


def diagnosis_specs(centre: Centre, *, today: date) -> list[DiagnosisSpec]:
    """The diagnoses of one centre (stable within a month)."""
    rng = _rng(centre.slug, "findings")
    years_back = 3 if centre.slug == STALE_CENTRE else 1
    year = today.year - years_back
    specs = [
        DiagnosisSpec(
            title=f"Diagnoza potrzeb i zasobów {year}",
            status=DiagnosisStatus.PUBLISHED,
            period_start=date(year, 2, 1),
            period_end=date(year, 4, 30),
            submissions_open=False,
            ideas=tuple(rng.sample(CATALOGUE, FINDINGS_PER_DIAGNOSIS)),
            methods=len(METHODS),
        )
    ]
    if centre.slug in RUNNING_CENTRES:
        start = date(today.year, today.month, 1) - timedelta(days=31)
        specs.append(
            DiagnosisSpec(
                title=f"Diagnoza {today.year}: czego potrzebuje nasze osiedle?",
                status=DiagnosisStatus.RUNNING,
                period_start=start,
                period_end=start + timedelta(days=150),
                submissions_open=True,
                ideas=CURRENT_CATALOGUE[:CURRENT_FINDINGS],
                methods=2,
            )
        )
    return specs


def point_in(osiedle: Osiedle, *, key: str) -> tuple[Decimal, Decimal] | None:
    """A stable point near the middle of an osiedle (None if its middle is not known)."""
    middle = OSIEDLE_POINTS.get(osiedle.name)
    if middle is None:
        return None
    rng = random.Random(zlib.crc32(f"{SEED}/{key}".encode()))  # noqa: S311 - demo data
    lat = Decimal(middle[0]) + JITTER_LAT * Decimal(rng.uniform(-1, 1))
    lon = Decimal(middle[1]) + JITTER_LON * Decimal(rng.uniform(-1, 1))
    step = Decimal("0.000001")
    return lat.quantize(step), lon.quantize(step)


class _Existing:
    """The demo records already there, read once for all centres."""

    def __init__(self, centre_ids: list[int]) -> None:
        self.diagnoses = {
            (d.centre_id, d.title): d for d in Diagnosis.objects.filter(centre_id__in=centre_ids)
        }
        self.osiedla: dict[int, set[int]] = {}
        for diagnosis_id, osiedle_id in Diagnosis.osiedla.through.objects.filter(
            diagnosis__centre_id__in=centre_ids
        ).values_list("diagnosis_id", "osiedle_id"):
            self.osiedla.setdefault(diagnosis_id, set()).add(osiedle_id)
        self.findings = {
            (f.diagnosis_id, f.title): f for f in Finding.objects.filter(diagnosis__centre_id__in=centre_ids)
        }
        self.methods = {
            (m.diagnosis_id, m.method, m.date): m
            for m in MethodUse.objects.filter(diagnosis__centre_id__in=centre_ids)
        }
        self.responses = set(
            FindingResponse.objects.filter(finding__diagnosis__centre_id__in=centre_ids).values_list(
                "finding_id", "activity_id"
            )
        )
        self.submissions = {
            (s.diagnosis_id, s.text): s
            for s in ResidentSubmission.objects.filter(diagnosis__centre_id__in=centre_ids)
        }
        self.activities: dict[int, list[Activity]] = {}
        for activity in (
            Activity.objects.filter(centre_id__in=centre_ids)
            .only("pk", "title", "start", "centre_id")
            .order_by("title", "start", "pk")
        ):
            self.activities.setdefault(activity.centre_id, []).append(activity)


def _answering(idea: FindingIdea, activities: Sequence[Activity]) -> Activity | None:
    for word in idea.answered_by:
        for activity in activities:
            if word.casefold() in activity.title.casefold():
                return activity
    return None


def _seed_diagnosis(
    centre: Centre,
    spec: DiagnosisSpec,
    osiedla: list[Osiedle],
    *,
    existing: _Existing,
    actor: User,
    tally: Tally,
) -> Diagnosis:
    fields = spec.fields()
    found = existing.diagnoses.get((centre.pk, spec.title))
    wanted_osiedla = {o.pk for o in osiedla}
    if found is None:
        diagnosis = services.diagnosis_create(centre=centre, actor=actor, osiedla=osiedla, **fields)
        tally.add("diagnoses", CREATED)
        return diagnosis
    differs = any(getattr(found, name) != value for name, value in fields.items())
    if differs or existing.osiedla.get(found.pk, set()) != wanted_osiedla:
        diagnosis = services.diagnosis_update(
            diagnosis=found, actor=actor, expected_version=found.version, osiedla=osiedla, **fields
        )
        tally.add("diagnoses", UPDATED)
        return diagnosis
    tally.add("diagnoses", UNCHANGED)
    return found


def _seed_finding(
    diagnosis: Diagnosis,
    idea: FindingIdea,
    *,
    osiedla: list[Osiedle],
    index: int,
    existing: _Existing,
    actor: User,
    tally: Tally,
) -> Finding:
    osiedle = osiedla[index % len(osiedla)]
    point = (
        point_in(osiedle, key=f"{diagnosis.centre.slug}/{diagnosis.title}/{idea.title}")
        if idea.located
        else None
    )
    fields: dict[str, Any] = {
        "kind": idea.kind,
        "theme": idea.theme,
        "description": idea.description,
        "priority": idea.priority,
        "target_groups": list(idea.groups),
        "osiedle": osiedle,
        "latitude": point[0] if point else None,
        "longitude": point[1] if point else None,
    }
    status = FindingStatus.MET if idea.met else FindingStatus.OPEN
    found = existing.findings.get((diagnosis.pk, idea.title))
    if found is None:
        finding = services.finding_create(diagnosis=diagnosis, actor=actor, title=idea.title, **fields)
        if status != finding.status:
            finding = services.finding_set_status(
                finding=finding, actor=actor, expected_version=finding.version, status=status
            )
        tally.add("findings", CREATED)
        return finding
    wanted = {**fields, "osiedle_id": osiedle.pk, "status": status}
    wanted.pop("osiedle")
    if any(getattr(found, name) != value for name, value in wanted.items()):
        finding = services.finding_update(
            finding=found, actor=actor, expected_version=found.version, status=status, **fields
        )
        tally.add("findings", UPDATED)
        return finding
    tally.add("findings", UNCHANGED)
    return found


def _seed_methods(
    diagnosis: Diagnosis, spec: DiagnosisSpec, *, existing: _Existing, actor: User, tally: Tally
) -> None:
    for method, day, respondents in METHODS[: spec.methods]:
        on = min(spec.period_start + timedelta(days=day), spec.period_end)
        found = existing.methods.get((diagnosis.pk, method, on))
        if found is None:
            services.method_use_add(
                diagnosis=diagnosis, actor=actor, method=method, date=on, respondents=respondents
            )
            tally.add("methods used", CREATED)
        else:
            tally.add("methods used", UNCHANGED)


def _seed_submissions(diagnosis: Diagnosis, *, existing: _Existing, actor: User, tally: Tally) -> None:
    for index, (kind, text) in enumerate(SUBMISSIONS):
        submission = existing.submissions.get((diagnosis.pk, text))
        if submission is None:
            submission = services.submission_create(diagnosis=diagnosis, kind=kind, text=text)
            tally.add("residents' submissions", CREATED)
        else:
            tally.add("residents' submissions", UNCHANGED)
        if index == ACCEPTED_SUBMISSION and submission.status == SubmissionStatus.PENDING:
            services.submission_accept(
                submission=submission, actor=actor, title="Sadzonki od sąsiadki", theme=Theme.ENVIRONMENT
            )


@transaction.atomic
def seed_diagnoses(*, network: DemoNetwork, scale: int = 1) -> None:
    """Diagnoses of every centre of the demo network (``scale`` made the network; every
    centre gets its diagnoses), written through the services as the city staff account."""
    if scale < 1:
        raise DemoSeedError("scale must be at least 1")
    actor = network.users.get("staff")
    if actor is None or not access.is_city_staff(actor):
        raise DemoSeedError("diagnoses are seeded as the city staff account: seed the accounts first")
    today = access.today()
    centres = list(network.centres.values())
    existing = _Existing([c.pk for c in centres])
    tally = network.tally
    served: dict[int, list[Osiedle]] = {}
    for centre_id, osiedle in (
        (link.centre_id, link.osiedle)
        for link in Centre.served_osiedla.through.objects.filter(centre_id__in=[c.pk for c in centres])
        .select_related("osiedle")
        .order_by("osiedle__name")
    ):
        served.setdefault(centre_id, []).append(osiedle)
    for centre in centres:
        osiedla = served.get(centre.pk) or [
            network.osiedla.get(centre.primary_osiedle.slug) or centre.primary_osiedle
        ]
        activities = existing.activities.get(centre.pk, [])
        for spec in diagnosis_specs(centre, today=today):
            diagnosis = _seed_diagnosis(centre, spec, osiedla, existing=existing, actor=actor, tally=tally)
            _seed_methods(diagnosis, spec, existing=existing, actor=actor, tally=tally)
            for index, idea in enumerate(spec.ideas):
                finding = _seed_finding(
                    diagnosis, idea, osiedla=osiedla, index=index, existing=existing, actor=actor, tally=tally
                )
                activity = _answering(idea, activities)
                if activity is None:
                    continue
                if (finding.pk, activity.pk) in existing.responses:
                    tally.add("finding responses", UNCHANGED)
                else:
                    services.finding_response_create(finding=finding, activity=activity, actor=actor)
                    existing.responses.add((finding.pk, activity.pk))
                    tally.add("finding responses", CREATED)
            if spec.submissions_open:
                _seed_submissions(diagnosis, existing=existing, actor=actor, tally=tally)
