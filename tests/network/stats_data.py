"""A small known network for the figures' tests (test_stats, test_dashboard): every
expected value there is counted by hand from this picture.


The network (every figure below is counted from this picture, not from the code):

    district stare-miasto: Szczepin (10,000 residents), Nadodrze (population unknown)
    district krzyki:       Gaj (20,000), Jagodno (5,000)

    C1 CAL Szczepin   active, in Szczepin, also serves Nadodrze; operated since 2025-01-01
    C2 CAL Nadodrze   pilot, in Nadodrze; operated since 2026-03-01
    C3 CAL Gaj        active, in Gaj; operated since 2024-01-01
    C4 CAL Jagodno    closed, in Jagodno; operated 2023-01-01 – 2025-12-31

    activity  centre  local start       method        participants         vol. hours  resident's  partner
    A1        C1      2026-01-15 10:00  organising    0–12: 5, 26–59: 10   2    4.0    yes         school
    A2        C1      2026-02-10 10:00  public space  13–17: 3, 60+: 7     1    2.0    no          library
    A3        C1      2026-02-20 10:00  organising    18–25: 4             0    0.0    yes
    A4        C2      2026-03-05 10:00  needs         26–59: 6, 60+: 2     3    4.5    no          school
    A5        C3      2026-01-31 23:30  community     0–12: 8              2    2.0    yes  (January here)
    A6        C3      2026-04-01 18:00  networking    26–59: 12            1    1.5    no          council
    A7        C3      2026-07-01 00:30  organising    26–59: 100           5   10.0    yes  (July here)

    Volunteers: C1 an active one, an active local leader and an inactive one; C3 an active
    local leader and an erased one.
    Partnerships: P1 (led by C1, founded 2025-06-01) forming, storming from 2026-02-01,
    norming from 2026-08-01; members a school, an NGO (left 2025-12-15), a housing community
    (joined 2026-05-01). P2 (C3, 2025-01-01) cooperating from 2025-09-01; member the council.
    P3 (C2) founded 2026-09-01.
    Needs: C1's diagnosis (from 2025-10-01) an open need, an open need A1 answers, an open
    problem; C3's (from 2026-01-10) a met and a dropped need; C2's (from 2026-08-01) an open need.
    Certificates: C1 granted until 2026-09-01, C3 until 2028-03-01, C2 applied.
    Self-assessments (submitted): C1 2026 (5, 4, 3, 4, 2) and 2025 (1s); C3 2026 (3, 4, 5, 2, 5);
    C2 2026 a draft.

The main period is the first half of 2026 (A1–A6).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from centres.models import CalMethod, CentreStatus, District, OrganizationKind, Osiedle, Volunteer
from diagnosis.models import FindingKind, FindingStatus
from network.models import CertificationStatus
from network.stats import StatsFilter
from partnerships.models import Phase, PhaseChange
from tests.diagnosis.factories import DiagnosisFactory, FindingFactory, FindingResponseFactory
from tests.factories import (
    ActivityFactory,
    CentreFactory,
    OperatorTermFactory,
    OrganizationFactory,
    OsiedleFactory,
    VolunteerFactory,
)
from tests.network.factories import CertificationFactory, SelfAssessmentFactory
from tests.partnerships.factories import PartnershipFactory, PartnershipMemberFactory

WARSAW = ZoneInfo("Europe/Warsaw")
HALF_YEAR = StatsFilter(start=date(2026, 1, 1), end=date(2026, 6, 30))


def at(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=WARSAW)


def activity(
    centre: Any, start: datetime, *, hours: int = 2, partners: tuple[Any, ...] = (), **fields: Any
) -> Any:
    values: dict[str, Any] = {
        "participants_0_12": 0,
        "participants_13_17": 0,
        "participants_18_25": 0,
        "participants_26_59": 0,
        "participants_60_plus": 0,
        **fields,
    }
    return ActivityFactory(
        centre=centre, start=start, end=start + timedelta(hours=hours), partners=list(partners), **values
    )


def phase_log(partnership: Any, *changes: tuple[str, str, date]) -> None:
    """Moves after the founding entry the factory writes; the last one is the current phase."""
    for from_phase, to_phase, day in changes:
        PhaseChange.objects.create(
            partnership=partnership, from_phase=from_phase, to_phase=to_phase, date=day
        )
    partnership.phase = changes[-1][1]
    partnership.save(update_fields=["phase"])


def build_network() -> SimpleNamespace:
    """The known network of the module's docstring."""
    # Only this test's osiedla (the data migration loads Wrocław's 48).
    Osiedle.objects.all().delete()
    szczepin = OsiedleFactory(
        name="Szczepin", slug="szczepin", district=District.STARE_MIASTO, population=10_000
    )
    nadodrze = OsiedleFactory(
        name="Nadodrze", slug="nadodrze", district=District.STARE_MIASTO, population=None
    )
    gaj = OsiedleFactory(name="Gaj", slug="gaj", district=District.KRZYKI, population=20_000)
    jagodno = OsiedleFactory(name="Jagodno", slug="jagodno", district=District.KRZYKI, population=5_000)

    c1 = CentreFactory(
        name="CAL Szczepin", slug="cal-szczepin", status=CentreStatus.ACTIVE, primary_osiedle=szczepin
    )
    c1.served_osiedla.add(nadodrze)
    c2 = CentreFactory(
        name="CAL Nadodrze", slug="cal-nadodrze", status=CentreStatus.PILOT, primary_osiedle=nadodrze
    )
    c3 = CentreFactory(name="CAL Gaj", slug="cal-gaj", status=CentreStatus.ACTIVE, primary_osiedle=gaj)
    c4 = CentreFactory(
        name="CAL Jagodno", slug="cal-jagodno", status=CentreStatus.CLOSED, primary_osiedle=jagodno
    )
    OperatorTermFactory(centre=c1, start=date(2025, 1, 1))
    OperatorTermFactory(centre=c2, start=date(2026, 3, 1))
    OperatorTermFactory(centre=c3, start=date(2024, 1, 1))
    OperatorTermFactory(centre=c4, start=date(2023, 1, 1), end=date(2025, 12, 31))

    school = OrganizationFactory(name="SP 1", kind=OrganizationKind.SCHOOL)
    library = OrganizationFactory(name="Biblioteka", kind=OrganizationKind.LIBRARY)
    council = OrganizationFactory(name="Rada Osiedla Gaj", kind=OrganizationKind.COUNCIL)
    housing = OrganizationFactory(name="Wspólnota", kind=OrganizationKind.HOUSING)
    former = OrganizationFactory(name="Fundacja, która odeszła", kind=OrganizationKind.NGO)

    a1 = activity(
        c1, at(2026, 1, 15, 10), method=CalMethod.ORGANISING, participants_0_12=5, participants_26_59=10,
        volunteers_involved=2, volunteer_hours=Decimal("4.0"), resident_initiated=True, partners=(school,),
    )  # fmt: skip
    activity(
        c1, at(2026, 2, 10, 10), method=CalMethod.PUBLIC_SPACE, participants_13_17=3, participants_60_plus=7,
        volunteers_involved=1, volunteer_hours=Decimal("2.0"), resident_initiated=False, partners=(library,),
    )  # fmt: skip
    activity(
        c1, at(2026, 2, 20, 10), method=CalMethod.ORGANISING, participants_18_25=4,
        volunteers_involved=0, volunteer_hours=Decimal("0"), resident_initiated=True,
    )  # fmt: skip
    activity(
        c2, at(2026, 3, 5, 10), method=CalMethod.NEEDS, participants_26_59=6, participants_60_plus=2,
        volunteers_involved=3, volunteer_hours=Decimal("4.5"), resident_initiated=False, partners=(school,),
    )  # fmt: skip
    activity(
        c3, at(2026, 1, 31, 23, 30), hours=1, method=CalMethod.COMMUNITY, participants_0_12=8,
        volunteers_involved=2, volunteer_hours=Decimal("2.0"), resident_initiated=True,
    )  # fmt: skip
    activity(
        c3, at(2026, 4, 1, 18), method=CalMethod.NETWORKING, participants_26_59=12,
        volunteers_involved=1, volunteer_hours=Decimal("1.5"), resident_initiated=False, partners=(council,),
    )  # fmt: skip
    activity(
        c3, at(2026, 7, 1, 0, 30), method=CalMethod.ORGANISING, participants_26_59=100,
        volunteers_involved=5, volunteer_hours=Decimal("10.0"), resident_initiated=True,
    )  # fmt: skip

    # Volunteers: C1 one active, one active leader, one inactive; C3 one active leader, one erased.
    VolunteerFactory(centre=c1, name="Anna Wolontariuszka")
    VolunteerFactory(centre=c1, name="Lech Lider", is_leader=True)
    VolunteerFactory(centre=c1, name="Ida Nieaktywna", active=False)
    VolunteerFactory(centre=c3, name="Gabriela Liderka", is_leader=True)
    erased = VolunteerFactory(centre=c3, name="Ewa Usunięta")
    Volunteer.objects.filter(pk=erased.pk).update(
        name="", email="", phone="", skills="", erased_at=timezone.now()
    )

    # Partnerships: P1 (C1) storming since February, norming since August; P2 (C3)
    # cooperating since September 2025; P3 (C2) founded after the half-year.
    p1 = PartnershipFactory(lead_centre=c1, founded_on=date(2025, 6, 1), phase=Phase.FORMING)
    phase_log(
        p1,
        (Phase.FORMING, Phase.STORMING, date(2026, 2, 1)),
        (Phase.STORMING, Phase.NORMING, date(2026, 8, 1)),
    )
    PartnershipMemberFactory(partnership=p1, organization=school, joined=date(2025, 6, 1))
    PartnershipMemberFactory(
        partnership=p1, organization=former, joined=date(2025, 6, 1), left=date(2025, 12, 15)
    )
    PartnershipMemberFactory(partnership=p1, organization=housing, joined=date(2026, 5, 1))
    p2 = PartnershipFactory(lead_centre=c3, founded_on=date(2025, 1, 1), phase=Phase.FORMING)
    phase_log(p2, (Phase.FORMING, Phase.PERFORMING, date(2025, 9, 1)))
    PartnershipMemberFactory(partnership=p2, organization=council, joined=date(2025, 1, 1))
    PartnershipFactory(lead_centre=c2, founded_on=date(2026, 9, 1), phase=Phase.FORMING)

    # Needs: D1 (C1) an open one, one an activity answers, and a problem (not a need);
    # D3 (C3) a met one and a dropped one; D2 (C2) starts after the half-year.
    d1 = DiagnosisFactory(centre=c1, period_start=date(2025, 10, 1), period_end=date(2026, 3, 31))
    d2 = DiagnosisFactory(centre=c2, period_start=date(2026, 8, 1), period_end=date(2026, 12, 31))
    d3 = DiagnosisFactory(centre=c3, period_start=date(2026, 1, 10), period_end=date(2026, 5, 31))
    FindingFactory(diagnosis=d1, kind=FindingKind.NEED, status=FindingStatus.OPEN)
    answered = FindingFactory(diagnosis=d1, kind=FindingKind.NEED, status=FindingStatus.OPEN)
    FindingResponseFactory(finding=answered, activity=a1)
    FindingFactory(diagnosis=d1, kind=FindingKind.PROBLEM, status=FindingStatus.OPEN)
    FindingFactory(diagnosis=d3, kind=FindingKind.NEED, status=FindingStatus.MET)
    FindingFactory(diagnosis=d3, kind=FindingKind.NEED, status=FindingStatus.DROPPED)
    FindingFactory(diagnosis=d2, kind=FindingKind.NEED, status=FindingStatus.OPEN)

    # Certificates: C1's expires on 1 September 2026, C3's in 2028; C2 has applied.
    CertificationFactory(centre=c1, granted_on=date(2021, 9, 1), valid_until=date(2026, 9, 1))
    CertificationFactory(centre=c3, granted_on=date(2023, 3, 1), valid_until=date(2028, 3, 1))
    CertificationFactory(
        centre=c2, status=CertificationStatus.APPLIED, granted_on=None, valid_until=None, visited_on=None
    )

    # Self-assessments: C1 2025 and 2026, C3 2026, C2 a draft of 2026.
    SelfAssessmentFactory(centre=c1, year=2026)  # 5, 4, 3, 4, 2
    SelfAssessmentFactory(
        centre=c1,
        year=2025,
        score_place=1,
        score_needs=1,
        score_fields=1,
        score_volunteering=1,
        score_initiatives=1,
    )
    SelfAssessmentFactory(
        centre=c3,
        year=2026,
        score_place=3,
        score_needs=4,
        score_fields=5,
        score_volunteering=2,
        score_initiatives=5,
    )
    SelfAssessmentFactory(centre=c2, year=2026, submitted=False, submitted_at=None, score_place=0)
    return SimpleNamespace(c1=c1, c2=c2, c3=c3, c4=c4)
