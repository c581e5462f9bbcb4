"""Demo partnerships of the Wrocław demo network (synthetic), for development and
demonstrations. ``seed_partnerships`` takes the ``DemoNetwork`` of
``centres.demo.seed_centres`` and is meant to run right after it in ``seed_demo``.

Deterministic and idempotent: a partnership is found again by its centre and name, a
member by (partnership, organisation, joined), a meeting by its agenda, a priority by its
challenge; everything is written through the services and only when it is missing or
differs. The founding, membership and phase dates are fixed; the meetings are dated
relative to today, so that the demo always shows recent meetings (and one partnership
that has not met for a long time) — a run on a later day moves them, a second run on
the same day writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction

from centres.access import today
from centres.demo import CREATED, UNCHANGED, UPDATED, DemoNetwork, DemoSeedError
from partnerships import services
from partnerships.models import (
    AgreementStatus,
    MemberRole,
    Partnership,
    PartnershipMeeting,
    PartnershipMember,
    PartnershipMode,
    Phase,
    Priority,
    PriorityStatus,
)


@dataclass(frozen=True)
class MemberSpec:
    organization: str  # OrganizationSpec key of centres.demo
    joined: date
    role: str = MemberRole.MEMBER
    left: date | None = None


@dataclass(frozen=True)
class MeetingSpec:
    days_ago: int
    agenda: str
    decisions: str = ""
    place: str = ""


@dataclass(frozen=True)
class PartnershipSpec:
    centre: str
    name: str
    osiedla: tuple[str, ...]
    founded_on: date
    members: tuple[MemberSpec, ...]
    mode: str = PartnershipMode.LEAD
    leader: str = ""
    start_phase: str = Phase.FORMING
    moves: tuple[tuple[str, date, str], ...] = ()  # (to phase, date, note)
    goals: str = ""
    principles: tuple[str, ...] = ()
    agreement_status: str = AgreementStatus.NONE
    agreement_date: date | None = None
    meetings: tuple[MeetingSpec, ...] = ()
    priorities: tuple[tuple[str, str, str], ...] = ()  # (challenge, osiedle slug or "", status)

    def fields(self, network: DemoNetwork) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "leader": network.organizations[self.leader] if self.leader else None,
            "goals": self.goals,
            "founded_on": self.founded_on,
            "agreement_status": self.agreement_status,
            "agreement_date": self.agreement_date,
            **{
                name: name in self.principles
                for name in ("voluntariness", "equality", "openness", "locality")
            },
        }


PARTNERSHIPS: tuple[PartnershipSpec, ...] = (
    PartnershipSpec(
        centre="cal-szczepin",
        name="Partnerstwo dla Szczepina",
        osiedla=("szczepin",),
        founded_on=date(2025, 3, 3),
        goals=(
            "Więcej zieleni na podwórkach Szczepina, wspólne wydarzenia sąsiedzkie i wsparcie "
            "seniorów mieszkających samotnie."
        ),
        principles=("voluntariness", "openness", "locality"),
        agreement_status=AgreementStatus.IN_PREPARATION,
        members=(
            MemberSpec("serce-szczepina", date(2025, 3, 3), MemberRole.LEADER),
            MemberSpec("rada-szczepin", date(2025, 3, 3)),
            MemberSpec("przedszkole-150", date(2025, 4, 7)),
            MemberSpec("biblioteka-27", date(2025, 4, 7), left=date(2025, 10, 31)),
            MemberSpec("piekarnia", date(2025, 6, 2), MemberRole.SUPPORTER),
        ),
        moves=(
            (Phase.STORMING, date(2025, 6, 16), "Różne oczekiwania partnerów wobec festynu."),
            (Phase.NORMING, date(2025, 11, 17), "Przyjęliśmy zasady współpracy i kalendarz spotkań."),
        ),
        meetings=(
            MeetingSpec(
                75, "Podsumowanie festynu, plan na jesień", "Zbiórka roślin w październiku.", "CAL Szczepin"
            ),
            MeetingSpec(
                40, "Zielone podwórka: wybór trzech podwórek", "Podwórka przy Zachodniej i Litomskiej."
            ),
            MeetingSpec(12, "Projekt porozumienia partnerskiego", "Uwagi do projektu do końca miesiąca."),
        ),
        priorities=(
            ("Zieleń na podwórkach kamienic", "szczepin", PriorityStatus.IN_PROGRESS),
            ("Samotność seniorów", "", PriorityStatus.OPEN),
        ),
    ),
    PartnershipSpec(
        centre="cal-gajowice",
        name="Sieć Sąsiedzka Gajowic",
        osiedla=("gajowice",),
        founded_on=date(2024, 9, 2),
        mode=PartnershipMode.JOIN,
        leader="rada-gajowice",
        goals="Wspólny kalendarz wydarzeń osiedla i punkt informacji dla mieszkańców.",
        principles=("voluntariness", "equality", "openness", "locality"),
        agreement_status=AgreementStatus.CONCLUDED,
        agreement_date=date(2025, 9, 1),
        members=(
            MemberSpec("rada-gajowice", date(2024, 9, 2), MemberRole.LEADER),
            MemberSpec("krucza", date(2024, 10, 1)),
            MemberSpec("biblioteka-27", date(2024, 10, 1)),
        ),
        moves=(
            (Phase.STORMING, date(2024, 12, 2), ""),
            (Phase.NORMING, date(2025, 3, 3), ""),
            (Phase.PERFORMING, date(2025, 9, 1), "Podpisane porozumienie partnerskie."),
        ),
        meetings=(
            MeetingSpec(95, "Kalendarz wydarzeń na jesień", "Kalendarz publikuje Rada Osiedla."),
            MeetingSpec(30, "Punkt informacji dla mieszkańców", "Dyżury w bibliotece we wtorki."),
        ),
        priorities=(("Informacja o wydarzeniach osiedla", "gajowice", PriorityStatus.ACHIEVED),),
    ),
    PartnershipSpec(
        centre="cal-wojszyce",
        name="Partnerstwo Południe: Wojszyce, Jagodno, Ołtaszyn",
        osiedla=("wojszyce", "jagodno", "oltaszyn"),
        founded_on=date(2025, 5, 5),
        goals="Miejsca spotkań dla młodzieży i rodzin na nowych osiedlach.",
        principles=("voluntariness", "locality"),
        members=(
            MemberSpec("soweczka", date(2025, 5, 5), MemberRole.LEADER),
            MemberSpec("parafia", date(2025, 5, 5)),
            MemberSpec("spoldzielnia", date(2025, 6, 2)),
            MemberSpec("sp-130", date(2025, 6, 2)),
            MemberSpec("sasiedzi-jagodna", date(2025, 9, 1)),
        ),
        moves=((Phase.STORMING, date(2025, 10, 6), "Spór o lokalizację świetlicy."),),
        # Its last meeting was long ago: the demo's partnership that needs a reminder.
        meetings=(MeetingSpec(120, "Świetlica dla młodzieży na Jagodnie", "Rozmowy ze spółdzielnią."),),
        priorities=(("Miejsce spotkań dla młodzieży", "jagodno", PriorityStatus.OPEN),),
    ),
    PartnershipSpec(
        centre="cal-psie-pole-zawidawie",
        name="Bezpieczne Psie Pole",
        osiedla=("psie-pole-zawidawie",),
        founded_on=date(2025, 2, 3),
        goals="Bezpieczne przejścia do szkół i wsparcie rodzin w trudnej sytuacji.",
        principles=("voluntariness", "equality", "locality"),
        members=(
            MemberSpec("opieka-i-troska", date(2025, 2, 3), MemberRole.LEADER),
            MemberSpec("mops-psie-pole", date(2025, 2, 3)),
            MemberSpec("straz-miejska", date(2025, 3, 3), MemberRole.SUPPORTER),
        ),
        moves=((Phase.STORMING, date(2025, 5, 5), ""), (Phase.NORMING, date(2025, 9, 1), "")),
        meetings=(MeetingSpec(20, "Przejścia dla pieszych przy szkołach", "Wniosek do Rady Osiedla."),),
    ),
    PartnershipSpec(
        centre="cal-widawa",
        name="Partnerstwo dla Widawy",
        osiedla=("widawa",),
        founded_on=date(2026, 1, 12),
        goals="Poznać się: organizacje i grupy Widawy przy jednym stole.",
        principles=("openness",),
        members=(MemberSpec("razem-dla-widawy", date(2026, 1, 12), MemberRole.LEADER),),
        meetings=(
            MeetingSpec(50, "Pierwsze spotkanie: kto jest kim na Widawie", "Spotykamy się co miesiąc."),
        ),
    ),
    PartnershipSpec(
        centre="cal-zacisze-zalesie-szczytniki",
        name="Festiwal Zacisza",
        osiedla=("zacisze-zalesie-szczytniki",),
        founded_on=date(2024, 3, 4),
        goals="Wspólny festiwal osiedla (zakończony).",
        principles=("voluntariness", "equality", "openness", "locality"),
        members=(
            MemberSpec("wspolne-podworko", date(2024, 3, 4), MemberRole.LEADER),
            MemberSpec("centrum-kultury", date(2024, 3, 4)),
        ),
        moves=(
            (Phase.NORMING, date(2024, 5, 6), ""),
            (Phase.PERFORMING, date(2024, 6, 3), ""),
            (Phase.ENDED, date(2024, 10, 7), "Festiwal się odbył; partnerzy zakończyli współpracę."),
        ),
    ),
)
SCALED_FOUNDED_ON = date(2025, 4, 7)


def _scaled_specs(network: DemoNetwork) -> list[PartnershipSpec]:
    """One small partnership for each centre of ``--scale`` (the centres without a spec)."""
    real = {spec.centre for spec in PARTNERSHIPS}
    partners = sorted(
        (key for key, org in network.organizations.items() if org in network.partners),
        key=lambda key: key,
    )
    operator_key = {org.pk: key for key, org in network.organizations.items()}
    specs = []
    for k, (slug, centre) in enumerate(sorted(network.centres.items())):
        if slug in real:
            continue
        operator = network.operators[slug]
        chosen = [partners[(k * 3 + i) % len(partners)] for i in range(2)] if partners else []
        specs.append(
            PartnershipSpec(
                centre=slug,
                name=f"Partnerstwo lokalne — {centre.primary_osiedle.name}",
                osiedla=(centre.primary_osiedle.slug,),
                founded_on=SCALED_FOUNDED_ON,
                principles=("voluntariness", "locality"),
                members=(
                    MemberSpec(operator_key[operator.pk], SCALED_FOUNDED_ON, MemberRole.LEADER),
                    *(MemberSpec(key, SCALED_FOUNDED_ON) for key in dict.fromkeys(chosen)),
                ),
                meetings=(MeetingSpec(15 + (k * 11) % 60, "Spotkanie partnerów: plan działań"),),
            )
        )
    return specs


def _seed_partnership(spec: PartnershipSpec, network: DemoNetwork) -> Partnership:
    tally = network.tally
    centre = network.centres[spec.centre]
    osiedla = [network.osiedla[slug] for slug in spec.osiedla]
    fields = spec.fields(network)
    partnership = Partnership.objects.filter(lead_centre=centre, name=spec.name).first()
    if partnership is None:
        partnership = services.partnership_create(
            centre=centre, actor=None, osiedla=osiedla, phase=spec.start_phase, name=spec.name, **fields
        )
        tally.add("partnerships", CREATED)
    else:
        have = set(partnership.osiedla.values_list("pk", flat=True))
        if any(getattr(partnership, k) != v for k, v in fields.items()) or have != {o.pk for o in osiedla}:
            partnership = services.partnership_update(
                partnership=partnership,
                actor=None,
                expected_version=partnership.version,
                osiedla=osiedla,
                **fields,
            )
            tally.add("partnerships", UPDATED)
        else:
            tally.add("partnerships", UNCHANGED)

    for member in spec.members:
        organization = network.organizations[member.organization]
        found = PartnershipMember.objects.filter(
            partnership=partnership, organization=organization, joined=member.joined
        ).first()
        if found is None:
            services.partnership_member_add(
                partnership=partnership,
                actor=None,
                organization=organization,
                role=member.role,
                joined=member.joined,
                left=member.left,
            )
            tally.add("partnership members", CREATED)
        elif found.left is None and member.left is not None:
            services.partnership_member_leave(member=found, actor=None, left=member.left)
            tally.add("partnership members", UPDATED)
        else:
            tally.add("partnership members", UNCHANGED)

    # The phase path is walked once; later runs find it in the log.
    if spec.moves and not partnership.phase_changes.exclude(from_phase="").exists():
        for to_phase, on, note in spec.moves:
            services.partnership_phase_move(
                partnership=partnership, actor=None, to_phase=to_phase, date=on, note=note
            )
            tally.add("partnership phase changes", CREATED)

    for meeting in spec.meetings:
        on = max(today() - timedelta(days=meeting.days_ago), spec.founded_on)
        attendees = [
            network.organizations[m.organization]
            for m in spec.members
            if m.joined <= on and (m.left is None or m.left >= on)
        ]
        wanted: dict[str, Any] = {"date": on, "place": meeting.place, "decisions": meeting.decisions}
        found_meeting = PartnershipMeeting.objects.filter(
            partnership=partnership, agenda=meeting.agenda
        ).first()
        if found_meeting is None:
            services.partnership_meeting_record(
                partnership=partnership, actor=None, attendees=attendees, agenda=meeting.agenda, **wanted
            )
            tally.add("partnership meetings", CREATED)
        elif any(getattr(found_meeting, k) != v for k, v in wanted.items()):
            services.partnership_meeting_update(
                meeting=found_meeting, actor=None, expected_version=found_meeting.version, **wanted
            )
            tally.add("partnership meetings", UPDATED)
        else:
            tally.add("partnership meetings", UNCHANGED)

    for challenge, osiedle, status in spec.priorities:
        priority_fields = {"osiedle": network.osiedla[osiedle] if osiedle else None, "status": status}
        priority = Priority.objects.filter(partnership=partnership, challenge=challenge).first()
        if priority is None:
            services.priority_create(
                partnership=partnership, actor=None, challenge=challenge, **priority_fields
            )
            tally.add("partnership priorities", CREATED)
        elif any(getattr(priority, k) != v for k, v in priority_fields.items()):
            services.priority_update(
                priority=priority, actor=None, expected_version=priority.version, **priority_fields
            )
            tally.add("partnership priorities", UPDATED)
        else:
            tally.add("partnership priorities", UNCHANGED)
    return partnership


@transaction.atomic
def seed_partnerships(*, network: DemoNetwork, scale: int = 1) -> list[Partnership]:
    """The demo partnerships: six of the real centres (one leads, one joins an existing
    partnership, one has not met for months, one has ended…) and one small partnership
    for each extra centre of ``--scale`` (those come with ``network``)."""
    if scale < 1:
        raise DemoSeedError("scale must be at least 1")
    specs = [spec for spec in PARTNERSHIPS if spec.centre in network.centres]
    missing = [slug for spec in specs for slug in spec.osiedla if slug not in network.osiedla]
    if missing:
        raise DemoSeedError(f"osiedla missing for the demo partnerships: {', '.join(sorted(set(missing)))}")
    return [_seed_partnership(spec, network) for spec in (*specs, *_scaled_specs(network))]
