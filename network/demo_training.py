"""The demo of the animators' training (synthetic), on top of the demo centres and network.

Three programmes of the network: one finished (its sessions past, attendance recorded, people
of operator-a's and operator-b's centres completed it, so certificates can be downloaded and
operator-a's centre has the competence among its resources), one running (some sessions
past with attendance, some to come, people of both centres enrolled) and one upcoming (open
for enrolment, nobody yet).

Deterministic and idempotent: a programme is found again by its title, its sessions by their
order, an enrolment by its person. Dates are relative to today: a run on a later day moves
them (the programme is widened first, so that its sessions can move within it), a second run
on the same day writes nothing. Writes go through network.services as the system (actor
None), except the enrolments of the finished programme, which the services rightly refuse
today and the demo records as they were made while it ran.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from centres import access
from centres.demo import CREATED, UNCHANGED, UPDATED, DemoNetwork, DemoSeedError
from centres.models import Centre, Volunteer
from centres.services import audited
from network import services
from network.models import (
    TrainingEnrolment,
    TrainingProgramme,
    TrainingRole,
    TrainingSession,
    TrainingSessionKind,
    TrainingTopic,
)

TRAINER = "Katarzyna Wilk (Stowarzyszenie CAL)"
PLACE = "CAL Szczepin, sala warsztatowa, ul. Zachodnia 1"


@dataclass(frozen=True)
class SessionSpec:
    days: int  # relative to today (negative: past)
    hour: int
    hours: str
    topic: str
    kind: str = TrainingSessionKind.SESSION
    trainer: str = TRAINER
    place: str = PLACE


@dataclass(frozen=True)
class ProgrammeSpec:
    title: str
    description: str
    topic: str
    starts: int  # days relative to today
    ends: int
    capacity: int | None
    sessions: tuple[SessionSpec, ...]


FINISHED = ProgrammeSpec(
    title="Szkoła Animatorów CAL – edycja wiosenna",
    description=(
        "Podstawy animacji społeczności lokalnej według Modelu CAL: rola animatora, praca z grupą, "
        "wspieranie inicjatyw mieszkańców. Cztery spotkania warsztatowe i konsultacja indywidualna."
    ),
    topic=TrainingTopic.ANIMATION,
    starts=-150,
    ends=-110,
    capacity=16,
    sessions=(
        SessionSpec(-150, 10, "4.0", TrainingTopic.ANIMATION),
        SessionSpec(-143, 10, "4.0", TrainingTopic.ANIMATION),
        SessionSpec(-136, 10, "3.0", TrainingTopic.VOLUNTEERING),
        SessionSpec(-129, 10, "3.0", TrainingTopic.SELF_HELP),
        SessionSpec(
            -115, 16, "2.0", TrainingTopic.ANIMATION, TrainingSessionKind.CONSULTATION, place="online"
        ),
    ),
)
RUNNING = ProgrammeSpec(
    title="Diagnoza potrzeb i zasobów osiedla",
    description=(
        "Metody diagnozy środowiskowej: dane zastane, spacer badawczy, mapowanie zasobów, "
        "wywiady i world café; od diagnozy do programu działań centrum."
    ),
    topic=TrainingTopic.DIAGNOSIS,
    starts=-21,
    ends=40,
    capacity=20,
    sessions=(
        SessionSpec(-21, 10, "3.0", TrainingTopic.DIAGNOSIS),
        SessionSpec(-7, 10, "3.0", TrainingTopic.DIAGNOSIS),
        SessionSpec(7, 10, "3.0", TrainingTopic.DIAGNOSIS, place="CAL Gajowice, ul. Krucza 110"),
        SessionSpec(21, 10, "3.0", TrainingTopic.EVALUATION),
        SessionSpec(35, 17, "1.5", TrainingTopic.DIAGNOSIS, TrainingSessionKind.CONSULTATION, place="online"),
    ),
)
UPCOMING = ProgrammeSpec(
    title="Partnerstwo lokalne i pozyskiwanie środków",
    description=(
        "Jak budować partnerstwo lokalne krok po kroku i jak pisać projekty do funduszy "
        "zewnętrznych: fundacje, programy krajowe, fundusze UE, biznes."
    ),
    topic=TrainingTopic.PARTNERSHIPS,
    starts=30,
    ends=90,
    capacity=None,
    sessions=(
        SessionSpec(30, 10, "4.0", TrainingTopic.PARTNERSHIPS),
        SessionSpec(51, 10, "4.0", TrainingTopic.FUNDRAISING),
        SessionSpec(72, 10, "4.0", TrainingTopic.FUNDRAISING),
    ),
)
PROGRAMMES = (FINISHED, RUNNING, UPCOMING)


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _programme(network: DemoNetwork, spec: ProgrammeSpec, today: date) -> TrainingProgramme:
    starts_on, ends_on = today + timedelta(days=spec.starts), today + timedelta(days=spec.ends)
    fields: dict[str, Any] = {
        "title": spec.title,
        "description": spec.description,
        "topic": spec.topic,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "capacity": spec.capacity,
    }
    programme = TrainingProgramme.objects.filter(title=spec.title).first()
    if programme is None:
        network.tally.add("training programmes", CREATED)
        return services.training_programme_create(actor=None, **fields)
    if all(getattr(programme, name) == value for name, value in fields.items()):
        network.tally.add("training programmes", UNCHANGED)
        return programme
    # Widened first, so that the sessions can move within it; narrowed in _sessions.
    network.tally.add("training programmes", UPDATED)
    return services.training_programme_update(
        programme=programme,
        actor=None,
        expected_version=programme.version,
        **{
            **fields,
            "starts_on": min(programme.starts_on, starts_on),
            "ends_on": max(programme.ends_on, ends_on),
        },
    )


def _sessions(
    network: DemoNetwork, programme: TrainingProgramme, spec: ProgrammeSpec, today: date
) -> list[TrainingSession]:
    existing = list(programme.sessions.order_by("starts_at", "pk"))
    sessions: list[TrainingSession] = []
    for index, session_spec in enumerate(spec.sessions):
        fields = {
            "topic": session_spec.topic,
            "kind": session_spec.kind,
            "starts_at": _at(today + timedelta(days=session_spec.days), session_spec.hour),
            "hours": Decimal(session_spec.hours),
            "trainer": session_spec.trainer,
            "place": session_spec.place,
        }
        found = existing[index] if index < len(existing) else None
        if found is None:
            sessions.append(services.training_session_create(programme=programme, actor=None, **fields))
            network.tally.add("training sessions", CREATED)
        elif any(getattr(found, name) != value for name, value in fields.items()):
            sessions.append(
                services.training_session_update(
                    session=found, actor=None, expected_version=found.version, **fields
                )
            )
            network.tally.add("training sessions", UPDATED)
        else:
            sessions.append(found)
            network.tally.add("training sessions", UNCHANGED)
    starts_on, ends_on = today + timedelta(days=spec.starts), today + timedelta(days=spec.ends)
    programme.refresh_from_db()
    if (programme.starts_on, programme.ends_on) != (starts_on, ends_on):
        services.training_programme_update(
            programme=programme,
            actor=None,
            expected_version=programme.version,
            starts_on=starts_on,
            ends_on=ends_on,
        )
    return sessions


def _operator_centre(network: DemoNetwork, username: str) -> tuple[User, Centre]:
    user = network.users.get(username)
    if user is None:
        raise DemoSeedError(f"the demo account {username!r} is missing")
    centre = access.editable_centres(user).order_by("name").first()
    if centre is None:
        raise DemoSeedError(f"{username!r} operates no centre")
    return user, centre


def _volunteers(centre: Centre, count: int) -> list[Volunteer]:
    found = list(
        Volunteer.objects.filter(centre=centre, active=True, erased_at__isnull=True).order_by("pk")[:count]
    )
    if len(found) < count:
        raise DemoSeedError(f"{centre.slug} has fewer than {count} active volunteers")
    return found


def _enrol(
    network: DemoNetwork,
    programme: TrainingProgramme,
    centre: Centre,
    *,
    volunteer: Volunteer | None = None,
    staff: User | None = None,
    by: User,
) -> TrainingEnrolment:
    person: dict[str, Any] = {"volunteer": volunteer} if volunteer is not None else {"staff": staff}
    found = TrainingEnrolment.objects.filter(programme=programme, **person).first()
    if found is not None:
        network.tally.add("training enrolments", UNCHANGED)
        return found
    network.tally.add("training enrolments", CREATED)
    if not programme.is_finished:
        return services.training_enrol(programme=programme, centre=centre, actor=None, **person)
    # Made while the programme ran: recorded as it was.
    if volunteer is not None:
        name, role = "", TrainingRole.VOLUNTEER
    elif staff is not None:
        name, role = services.staff_name(staff), TrainingRole.STAFF
    else:
        raise DemoSeedError("an enrolment needs a volunteer or a staff member")
    enrolment = TrainingEnrolment(
        programme=programme,
        centre=centre,
        name=name,
        role=role,
        enrolled_by=by,
        **person,
    )
    enrolment.full_clean()
    with audited(None, "network.training_enrolment.demo"):
        enrolment.save()
    return enrolment


def seed_training(*, network: DemoNetwork) -> None:
    """The three programmes with their sessions, enrolments and attendance."""
    today = timezone.localdate()
    operator_a, centre_a = _operator_centre(network, "operator-a")
    operator_b, centre_b = _operator_centre(network, "operator-b")
    volunteers_a, volunteers_b = _volunteers(centre_a, 4), _volunteers(centre_b, 2)

    finished = _programme(network, FINISHED, today)
    finished_sessions = _sessions(network, finished, FINISHED, today)
    people = [
        _enrol(network, finished, centre_a, volunteer=volunteers_a[0], by=operator_a),
        _enrol(network, finished, centre_a, volunteer=volunteers_a[1], by=operator_a),
        _enrol(network, finished, centre_a, staff=operator_a, by=operator_a),
        _enrol(network, finished, centre_b, volunteer=volunteers_b[0], by=operator_b),
    ]
    # 16 h in all, 80% = 12.8 h: the first, third and fourth complete; the second (9 h) does not.
    present = (
        people,
        [people[0], people[2], people[3]],
        [people[0], people[1], people[2], people[3]],
        [people[0], people[2]],
        [people[1], people[3]],
    )
    for session, who in zip(finished_sessions, present, strict=True):
        services.training_attendance_record(session=session, actor=None, present=who)

    running = _programme(network, RUNNING, today)
    running_sessions = _sessions(network, running, RUNNING, today)
    enrolled = [
        _enrol(network, running, centre_a, volunteer=volunteers_a[2], by=operator_a),
        _enrol(network, running, centre_a, volunteer=volunteers_a[3], by=operator_a),
        _enrol(network, running, centre_b, volunteer=volunteers_b[1], by=operator_b),
        _enrol(network, running, centre_b, staff=operator_b, by=operator_b),
    ]
    services.training_attendance_record(session=running_sessions[0], actor=None, present=enrolled)
    services.training_attendance_record(session=running_sessions[1], actor=None, present=enrolled[:3])

    upcoming = _programme(network, UPCOMING, today)
    _sessions(network, upcoming, UPCOMING, today)
