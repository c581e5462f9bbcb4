"""Every figure of the network: one module for the dashboard, its CSV downloads, the
``/api/v1/stats/…`` endpoints and, later, the monthly reports.

Each figure is a pure read: a typed function of a :class:`StatsFilter` (a period and an
area) that runs a fixed number of aggregate queries, however many centres and activities
there are, and returns plain dataclasses. No personal data ever: volunteers appear only as
counts and hours, beneficiaries only as numbers.

What the filter means, the same for every figure:

- The *area* (district, osiedle, centre) selects centres the way the rest of the portal
  does (``centres.filters``): a centre is in an osiedle it is located in *or serves*, and in
  a district likewise; the centre filter selects that one centre. Each figure then counts
  the records of the centres in scope: their activities, partnerships (led by them),
  diagnoses' findings, certificates and self-assessments. The map of osiedla is the
  exception: it lists the osiedla of the area itself (see :func:`osiedla`).
- The *period* (start and end, both inclusive, local dates) selects activities by the day
  they start. Figures that are states rather than flows are read on the period's end
  (partnerships' phases from their log, certificates expiring in the six months after it)
  or within it (self-assessments of its years); the status of needs is their current one
  (the diagnosis app keeps no dated history of it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import (
    Avg,
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from centres.models import (
    AGE_BANDS,
    Activity,
    ActivityPartner,
    CalMethod,
    Centre,
    CentreStatus,
    District,
    OperatorTerm,
    Organization,
    OrganizationKind,
    Osiedle,
    Volunteer,
)
from diagnosis.filters import answered_q
from diagnosis.models import Finding, FindingKind, FindingStatus
from network.models import (
    CAL_STANDARDS,
    Certification,
    CertificationStatus,
    SelfAssessment,
    TrainingEnrolment,
    TrainingTopic,
)
from partnerships.models import Partnership, PartnershipMember, Phase, PhaseChange

# The default period: the last twelve months, counted in whole calendar months (the
# current one up to today), so that the chart by month has twelve comparable bars.
DEFAULT_MONTHS = 12
# Certificates that expire within this many months of the period's end are listed.
EXPIRY_WARNING_MONTHS = 6
ONE_DECIMAL = Decimal("0.1")


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (or earlier, if negative), or that month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month0 = divmod(index, 12)
    month = month0 + 1
    next_month = date(year + (month == 12), month % 12 + 1, 1)
    last_day = (next_month - timedelta(days=1)).day
    return date(year, month, min(day.day, last_day))


def month_start(day: date) -> date:
    return day.replace(day=1)


@dataclass(frozen=True)
class StatsFilter:
    """A period (inclusive local dates) and an area; empty strings mean "all".

    ``osiedle`` and ``centre`` are slugs, ``district`` a ``centres.models.District`` value.
    """

    start: date
    end: date
    district: str = ""
    osiedle: str = ""
    centre: str = ""

    @classmethod
    def default(cls, *, today: date | None = None, **area: str) -> StatsFilter:
        """The last twelve months: from the first day of the month eleven months back to today."""
        today = today or timezone.localdate()
        start = month_start(add_months(today, -(DEFAULT_MONTHS - 1)))
        return cls(start=start, end=today, **area)

    @classmethod
    def for_month(cls, year: int, month: int, **area: str) -> StatsFilter:
        """One calendar month (the monthly reports' period)."""
        start = date(year, month, 1)
        return cls(start=start, end=add_months(start, 1) - timedelta(days=1), **area)

    def with_area(self, *, district: str = "", osiedle: str = "", centre: str = "") -> StatsFilter:
        return replace(self, district=district, osiedle=osiedle, centre=centre)

    def params(self) -> dict[str, str]:
        """The filter as query parameters (the dashboard's links and CSV downloads)."""
        values = {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "district": self.district,
            "osiedle": self.osiedle,
            "centre": self.centre,
        }
        return {key: value for key, value in values.items() if value}

    @property
    def has_area(self) -> bool:
        return bool(self.district or self.osiedle or self.centre)


# --- Scopes shared by the figures ---------------------------------------------------------


def centre_scope(f: StatsFilter) -> QuerySet[Centre]:
    """The centres the filter's area selects (a queryset to use as a subquery)."""
    qs = Centre.objects.all()
    if f.centre:
        qs = qs.filter(slug=f.centre)
    if f.osiedle:
        qs = qs.filter(
            Q(primary_osiedle__slug=f.osiedle)
            | Q(
                pk__in=Centre.served_osiedla.through.objects.filter(osiedle__slug=f.osiedle).values(
                    "centre_id"
                )
            )
        )
    if f.district:
        qs = qs.filter(
            Q(primary_osiedle__district=f.district)
            | Q(
                pk__in=Centre.served_osiedla.through.objects.filter(osiedle__district=f.district).values(
                    "centre_id"
                )
            )
        )
    return qs


def _scope_ids(f: StatsFilter) -> QuerySet[Centre, Any]:
    return centre_scope(f).values("pk")


def period_bounds(f: StatsFilter) -> tuple[datetime, datetime]:
    """The period as aware datetimes [start, end) in the portal's time zone."""
    tz = timezone.get_current_timezone()
    start = datetime.combine(f.start, time.min, tzinfo=tz)
    end = datetime.combine(f.end + timedelta(days=1), time.min, tzinfo=tz)
    return start, end


def activities_in(f: StatsFilter) -> QuerySet[Activity]:
    """Activities of the centres in scope that start within the period."""
    start, end = period_bounds(f)
    return Activity.objects.filter(centre_id__in=_scope_ids(f), start__gte=start, start__lt=end)


def _participants_expression() -> Any:
    expression: Any = None
    for name, _label in AGE_BANDS:
        expression = F(name) if expression is None else expression + F(name)
    return expression


def _share(part: int, whole: int) -> Decimal | None:
    """``part`` as a percentage of ``whole`` with one decimal, or None for nothing to divide."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def _per_thousand(count: int, population: int | None) -> Decimal | None:
    if not population:
        return None
    return (Decimal(count) * 1000 / Decimal(population)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# --- Centres ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str | Promise
    centres: int


@dataclass(frozen=True)
class ActiveCentres:
    """``active``: centres in scope that an operator ran during the period (an operator
    term overlapping it) and that are past planning; ``by_status``: the centres in scope
    by their current status."""

    active: int
    total: int
    by_status: list[StatusCount]


def active_centres(f: StatsFilter) -> ActiveCentres:
    """One query."""
    term_in_period = OperatorTerm.objects.filter(centre=OuterRef("pk"), start__lte=f.end).filter(
        Q(end__isnull=True) | Q(end__gte=f.start)
    )
    counts = {f"status_{status}": Count("pk", filter=Q(status=status)) for status in CentreStatus.values}
    row = (
        Centre.objects.filter(pk__in=_scope_ids(f))
        .annotate(operated=Exists(term_in_period))
        .aggregate(
            total=Count("pk"),
            active=Count("pk", filter=Q(operated=True) & ~Q(status=CentreStatus.PLANNED)),
            **counts,
        )
    )
    return ActiveCentres(
        active=row["active"],
        total=row["total"],
        by_status=[
            StatusCount(status=value, label=label, centres=row[f"status_{value}"])
            for value, label in CentreStatus.choices
        ],
    )


# --- Activities ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MethodCount:
    method: str
    label: str | Promise
    activities: int
    participants: int


def activities_by_method(f: StatsFilter) -> list[MethodCount]:
    """Activities and their participants per CAL method, every method listed. One query."""
    rows = {
        row["method"]: row
        for row in activities_in(f)
        .order_by()
        .values("method")
        .annotate(activities=Count("pk"), n_participants=Sum(_participants_expression()))
    }
    return [
        MethodCount(
            method=value,
            label=label,
            activities=rows.get(value, {}).get("activities", 0),
            participants=rows.get(value, {}).get("n_participants") or 0,
        )
        for value, label in CalMethod.choices
    ]


@dataclass(frozen=True)
class MonthCount:
    month: date  # the first day of the month
    activities: int
    participants: int
    resident_initiated: int


def period_months(f: StatsFilter) -> list[date]:
    """The first days of the months the period touches, in order."""
    months: list[date] = []
    current = month_start(f.start)
    while current <= f.end:
        months.append(current)
        current = add_months(current, 1)
    return months


def activities_by_month(f: StatsFilter) -> list[MonthCount]:
    """Activities, participants and resident-initiated activities per calendar month of
    the period (months in the portal's time zone), every month listed. One query."""
    rows = {
        row["month"].date() if isinstance(row["month"], datetime) else row["month"]: row
        for row in activities_in(f)
        .annotate(month=TruncMonth("start", tzinfo=timezone.get_current_timezone()))
        .order_by()
        .values("month")
        .annotate(
            activities=Count("pk"),
            n_participants=Sum(_participants_expression()),
            n_resident=Count("pk", filter=Q(resident_initiated=True)),
        )
    }
    result = []
    for month in period_months(f):
        row = rows.get(month, {})
        result.append(
            MonthCount(
                month=month,
                activities=row.get("activities", 0),
                participants=row.get("n_participants") or 0,
                resident_initiated=row.get("n_resident", 0),
            )
        )
    return result


@dataclass(frozen=True)
class AgeBandCount:
    band: str  # the field name, e.g. "participants_0_12"
    label: str
    participants: int


@dataclass(frozen=True)
class Participants:
    total: int
    activities: int
    by_age: list[AgeBandCount]


def participants_by_age(f: StatsFilter) -> Participants:
    """Participants of the period's activities per age band (counts only). One query."""
    sums = {name: Coalesce(Sum(name), 0) for name, _label in AGE_BANDS}
    row = activities_in(f).aggregate(activities=Count("pk"), **sums)
    by_age = [AgeBandCount(band=name, label=label, participants=row[name]) for name, label in AGE_BANDS]
    return Participants(
        total=sum(band.participants for band in by_age), activities=row["activities"], by_age=by_age
    )


@dataclass(frozen=True)
class VolunteerFigures:
    """Counts and hours only. ``involvements``: the volunteers involved, summed over the
    period's activities (one person in three activities counts three times);
    ``registered``: active volunteers and local leaders on the centres' records now
    (erased ones aside)."""

    involvements: int
    hours: Decimal
    activities_with_volunteers: int
    registered: int
    local_leaders: int


def volunteers(f: StatsFilter) -> VolunteerFigures:
    """Two queries."""
    activity_row = activities_in(f).aggregate(
        involvements=Coalesce(Sum("volunteers_involved"), 0),
        hours=Coalesce(Sum("volunteer_hours"), Value(Decimal(0)), output_field=DecimalField()),
        with_volunteers=Count("pk", filter=Q(volunteers_involved__gt=0)),
    )
    registry_row = Volunteer.objects.filter(
        centre_id__in=_scope_ids(f), active=True, erased_at__isnull=True
    ).aggregate(registered=Count("pk"), leaders=Count("pk", filter=Q(is_leader=True)))
    return VolunteerFigures(
        involvements=activity_row["involvements"],
        hours=Decimal(activity_row["hours"]).quantize(ONE_DECIMAL),
        activities_with_volunteers=activity_row["with_volunteers"],
        registered=registry_row["registered"],
        local_leaders=registry_row["leaders"],
    )


@dataclass(frozen=True)
class ResidentInitiated:
    activities: int
    resident_initiated: int
    share: Decimal | None  # percent, one decimal; None without activities


def resident_initiated(f: StatsFilter) -> ResidentInitiated:
    """The share of the period's activities that residents initiated. One query."""
    row = activities_in(f).aggregate(
        activities=Count("pk"), resident=Count("pk", filter=Q(resident_initiated=True))
    )
    return ResidentInitiated(
        activities=row["activities"],
        resident_initiated=row["resident"],
        share=_share(row["resident"], row["activities"]),
    )


# --- Partners and partnerships -------------------------------------------------------------


@dataclass(frozen=True)
class PartnerKindCount:
    kind: str
    label: str | Promise
    organisations: int
    activity_partners: int
    partnership_members: int


def partners_by_kind(f: StatsFilter) -> list[PartnerKindCount]:
    """The centres' partners by kind of organisation. A partner is an organisation that was
    a partner of an activity of a centre in scope during the period, and/or a member, at
    some time in the period, of a local partnership a centre in scope leads. Each
    organisation counts once in ``organisations``; the other two columns say where it
    partnered (so they may add up to more). Kinds without partners are left out. One query."""
    activity_partner_ids = ActivityPartner.objects.filter(activity__in=activities_in(f)).values(
        "organization_id"
    )
    member_ids = (
        PartnershipMember.objects.filter(partnership__lead_centre_id__in=_scope_ids(f), joined__lte=f.end)
        .filter(Q(left__isnull=True) | Q(left__gte=f.start))
        .values("organization_id")
    )
    in_activities = Q(pk__in=activity_partner_ids)
    in_partnerships = Q(pk__in=member_ids)
    rows = {
        row["kind"]: row
        for row in Organization.objects.filter(in_activities | in_partnerships)
        .order_by()
        .values("kind")
        .annotate(
            organisations=Count("pk"),
            activity_partners=Count("pk", filter=in_activities),
            partnership_members=Count("pk", filter=in_partnerships),
        )
    }
    return [
        PartnerKindCount(
            kind=value,
            label=label,
            organisations=rows[value]["organisations"],
            activity_partners=rows[value]["activity_partners"],
            partnership_members=rows[value]["partnership_members"],
        )
        for value, label in OrganizationKind.choices
        if value in rows
    ]


@dataclass(frozen=True)
class PhaseCount:
    phase: str
    label: str | Promise
    partnerships: int


def partnerships_by_phase(f: StatsFilter) -> list[PhaseCount]:
    """Local partnerships led by the centres in scope and founded by the period's end, by
    the phase they were in on that day (from their phase log; the current phase for one
    without a log entry by then). Every phase listed. One query."""
    logged = (
        PhaseChange.objects.filter(partnership=OuterRef("pk"), date__lte=f.end)
        .order_by("-date", "-created_at", "-pk")
        .values("to_phase")[:1]
    )
    rows = {
        row["phase_then"]: row["partnerships"]
        for row in Partnership.objects.filter(lead_centre_id__in=_scope_ids(f), founded_on__lte=f.end)
        .annotate(phase_then=Coalesce(Subquery(logged), F("phase")))
        .order_by()
        .values("phase_then")
        .annotate(partnerships=Count("pk"))
    }
    return [
        PhaseCount(phase=value, label=label, partnerships=rows.get(value, 0))
        for value, label in Phase.choices
    ]


# --- Needs ------------------------------------------------------------------------------------


NEED_STATUSES: tuple[tuple[str, str | Promise], ...] = (
    (FindingStatus.OPEN, pgettext_lazy("needs", "open")),
    (FindingStatus.IN_PROGRESS, pgettext_lazy("needs", "in progress")),
    (FindingStatus.MET, pgettext_lazy("needs", "met")),
)


@dataclass(frozen=True)
class NeedStatusCount:
    status: str
    label: str | Promise
    needs: int


@dataclass(frozen=True)
class Needs:
    """Needs (findings of the kind "need") of the diagnoses of the centres in scope that
    started by the period's end, by their current status: open (no activity answers it
    yet), in progress (open, and an activity answers it) and met. Dropped needs are left out."""

    open: int
    in_progress: int
    met: int

    @property
    def by_status(self) -> list[NeedStatusCount]:
        values: dict[str, int] = {
            FindingStatus.OPEN: self.open,
            FindingStatus.IN_PROGRESS: self.in_progress,
            FindingStatus.MET: self.met,
        }
        return [NeedStatusCount(status=s, label=label, needs=values[s]) for s, label in NEED_STATUSES]

    @property
    def total(self) -> int:
        return self.open + self.in_progress + self.met


def needs(f: StatsFilter) -> Needs:
    """One query."""
    row = (
        Finding.objects.filter(
            kind=FindingKind.NEED,
            diagnosis__centre_id__in=_scope_ids(f),
            diagnosis__period_start__lte=f.end,
        )
        .annotate(answered=answered_q())
        .aggregate(
            open=Count("pk", filter=Q(status=FindingStatus.OPEN, answered=False)),
            in_progress=Count("pk", filter=Q(status=FindingStatus.OPEN, answered=True)),
            met=Count("pk", filter=Q(status=FindingStatus.MET)),
        )
    )
    return Needs(open=row["open"], in_progress=row["in_progress"], met=row["met"])


# --- Certificates and self-assessment ----------------------------------------------------------


@dataclass(frozen=True)
class ExpiringCertificate:
    centre: str
    centre_slug: str
    valid_until: date
    days_left: int


def certificates_expiring(f: StatsFilter) -> list[ExpiringCertificate]:
    """Granted certificates of the centres in scope that expire within six months after the
    period's end (on it included), soonest first. One query."""
    until = add_months(f.end, EXPIRY_WARNING_MONTHS)
    rows = (
        Certification.objects.filter(
            centre_id__in=_scope_ids(f),
            status=CertificationStatus.GRANTED,
            valid_until__gte=f.end,
            valid_until__lte=until,
        )
        .order_by("valid_until", "centre__name", "pk")
        .values_list("centre__name", "centre__slug", "valid_until")
    )
    return [
        ExpiringCertificate(centre=name, centre_slug=slug, valid_until=day, days_left=(day - f.end).days)
        for name, slug, day in rows
        if day is not None
    ]


@dataclass(frozen=True)
class StandardScore:
    key: str
    label: str | Promise
    average: Decimal | None  # 0–5, two decimals; None when no centre scored it


@dataclass(frozen=True)
class SelfAssessmentScores:
    """The average score per CAL standard over the centres in scope, each centre counted
    once with its latest submitted self-assessment of a year the period touches."""

    centres: int
    standards: list[StandardScore]


def _latest_self_assessments(f: StatsFilter) -> QuerySet[SelfAssessment, Any]:
    return (
        SelfAssessment.objects.filter(
            centre_id__in=_scope_ids(f),
            submitted=True,
            year__gte=f.start.year,
            year__lte=f.end.year,
        )
        .order_by("centre_id", "-year")
        .distinct("centre_id")
        .values("pk")
    )


def self_assessment(f: StatsFilter) -> SelfAssessmentScores:
    """One query."""
    averages = {standard.key: Avg(standard.score_field) for standard in CAL_STANDARDS}
    row = SelfAssessment.objects.filter(pk__in=_latest_self_assessments(f)).aggregate(
        centres=Count("pk"), **averages
    )
    return SelfAssessmentScores(
        centres=row["centres"],
        standards=[
            StandardScore(
                key=standard.key,
                label=standard.label,
                average=None
                if row[standard.key] is None
                else Decimal(str(row[standard.key])).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
            )
            for standard in CAL_STANDARDS
        ],
    )


# --- The table of centres ----------------------------------------------------------------------


@dataclass(frozen=True)
class CentreRow:
    name: str
    slug: str
    status: str
    status_label: str
    osiedle: str
    district: str
    activities: int
    participants: int
    volunteer_hours: Decimal
    resident_initiated: int
    resident_share: Decimal | None
    partnerships: int
    open_needs: int
    certificate_until: date | None
    self_assessment_total: int | None


# The sort keys of the table (?sort=key, or -key for descending) and what they order by.
CENTRE_SORTS: dict[str, str] = {
    "name": "name",
    "district": "primary_osiedle__district",
    "status": "status",
    "activities": "n_activities",
    "participants": "n_participants",
    "volunteer_hours": "n_volunteer_hours",
    "resident_share": "n_resident_share",
    "partnerships": "n_partnerships",
    "open_needs": "n_open_needs",
    "certificate": "n_certificate_until",
    "self_assessment": "n_self_assessment",
}
DEFAULT_CENTRE_SORT = "name"


def _subquery_count(qs: QuerySet[Any], field_name: str, aggregate: Any = None) -> Coalesce:
    """``aggregate`` (a count by default) of ``qs`` per centre, by its ``field_name``."""
    per_centre = (
        qs.filter(**{field_name: OuterRef("pk")})
        .order_by()
        .values(field_name)
        .annotate(value=aggregate if aggregate is not None else Count("pk"))
        .values("value")
    )
    return Coalesce(Subquery(per_centre), 0)


def _count_all(qs: QuerySet[Any]) -> QuerySet[Any]:
    """``SELECT COUNT(*)`` of ``qs`` as a one-value queryset for a correlated subquery (a
    plain COUNT function: an aggregate would make Django group by something)."""
    counted: QuerySet[Any] = (
        qs.order_by().annotate(n=Func(Value(1), function="COUNT", output_field=IntegerField())).values("n")
    )
    return counted


def normalise_sort(sort: str | None) -> str:
    """A known sort key (``name``, ``-activities``…) or the default."""
    key = (sort or "").lstrip("-")
    return sort if sort and key in CENTRE_SORTS else DEFAULT_CENTRE_SORT


def centres(f: StatsFilter, *, sort: str = DEFAULT_CENTRE_SORT) -> list[CentreRow]:
    """Each centre in scope with its figures for the period (activities, participants,
    volunteer hours, resident-initiated activities and their share) and its state on the
    period's end (partnerships it leads that had not ended, open needs — open or in
    progress —, the validity of a granted certificate, the total of its latest submitted
    self-assessment of the period's years). Closed centres are listed only if they had
    activities in the period. One query, sorted by ``sort`` (see CENTRE_SORTS)."""
    activities = activities_in(f)
    hours = Coalesce(
        Subquery(
            activities.filter(centre_id=OuterRef("pk"))
            .order_by()
            .values("centre_id")
            .annotate(value=Sum("volunteer_hours"))
            .values("value")
        ),
        Value(Decimal(0)),
        output_field=DecimalField(max_digits=12, decimal_places=1),
    )
    phase_then = (
        PhaseChange.objects.filter(partnership=OuterRef("pk"), date__lte=f.end)
        .order_by("-date", "-created_at", "-pk")
        .values("to_phase")[:1]
    )
    going_partnerships = (
        Partnership.objects.filter(founded_on__lte=f.end)
        .annotate(phase_then=Coalesce(Subquery(phase_then), F("phase")))
        .exclude(phase_then=Phase.ENDED)
    )
    open_needs = Finding.objects.filter(
        kind=FindingKind.NEED, status=FindingStatus.OPEN, diagnosis__period_start__lte=f.end
    )
    certificate = (
        Certification.objects.filter(centre=OuterRef("pk"), status=CertificationStatus.GRANTED)
        .order_by("-valid_until")
        .values("valid_until")[:1]
    )
    total_score: Any = None
    for standard in CAL_STANDARDS:
        total_score = (
            F(standard.score_field) if total_score is None else total_score + F(standard.score_field)
        )
    latest_assessment = (
        SelfAssessment.objects.filter(
            centre=OuterRef("pk"), submitted=True, year__gte=f.start.year, year__lte=f.end.year
        )
        .order_by("-year")
        .annotate(n_score=total_score)
        .values("n_score")[:1]
    )
    qs = (
        Centre.objects.filter(pk__in=_scope_ids(f))
        .select_related("primary_osiedle")
        .annotate(
            n_activities=_subquery_count(activities, "centre_id"),
            n_participants=_subquery_count(activities, "centre_id", Sum(_participants_expression())),
            n_volunteer_hours=hours,
            n_resident=_subquery_count(activities.filter(resident_initiated=True), "centre_id"),
            n_partnerships=_subquery_count(going_partnerships, "lead_centre_id"),
            n_open_needs=_subquery_count(open_needs, "diagnosis__centre_id"),
            n_certificate_until=Subquery(certificate),
            n_self_assessment=Subquery(latest_assessment, output_field=IntegerField()),
        )
        .annotate(
            n_resident_share=Case(
                When(n_activities=0, then=Value(None)),
                default=ExpressionWrapper(
                    F("n_resident") * Decimal(100) / F("n_activities"),
                    output_field=DecimalField(max_digits=7, decimal_places=3),
                ),
                output_field=DecimalField(max_digits=7, decimal_places=3),
            )
        )
        .exclude(Q(status=CentreStatus.CLOSED) & Q(n_activities=0))
    )
    sort = normalise_sort(sort)
    column = CENTRE_SORTS[sort.lstrip("-")]
    ordering = F(column).desc(nulls_last=True) if sort.startswith("-") else F(column).asc(nulls_last=True)
    district_labels = dict(District.choices)
    return [
        CentreRow(
            name=centre.name,
            slug=centre.slug,
            status=centre.status,
            status_label=str(centre.get_status_display()),
            osiedle=centre.primary_osiedle.name,
            district=str(district_labels.get(centre.primary_osiedle.district, "")),
            activities=centre.n_activities,
            participants=centre.n_participants,
            volunteer_hours=Decimal(centre.n_volunteer_hours).quantize(ONE_DECIMAL),
            resident_initiated=centre.n_resident,
            resident_share=_share(centre.n_resident, centre.n_activities),
            partnerships=centre.n_partnerships,
            open_needs=centre.n_open_needs,
            certificate_until=centre.n_certificate_until,
            self_assessment_total=centre.n_self_assessment,
        )
        for centre in qs.order_by(ordering, "name", "pk")
    ]


# --- Osiedla and the map -----------------------------------------------------------------------


@dataclass(frozen=True)
class OsiedleRow:
    """An osiedle of the area: ``served`` when some centre that is not closed is located in
    it or serves it (``centres`` of them); ``activities``: the period's activities of the
    centres in scope located in it (their primary osiedle); per 1,000 residents where the
    population is known. ``boundary`` (GeoJSON geometry) is for the map only."""

    name: str
    slug: str
    district: str
    district_label: str
    population: int | None
    served: bool
    centres: int
    activities: int
    activities_per_1000: Decimal | None
    boundary: dict[str, Any] | None = field(default=None, repr=False, compare=False)


def osiedla_scope(f: StatsFilter) -> QuerySet[Osiedle]:
    """The osiedla of the area: those of the district, the one osiedle, the osiedla the one
    centre is located in or serves; all of them without an area."""
    qs = Osiedle.objects.all()
    if f.district:
        qs = qs.filter(district=f.district)
    if f.osiedle:
        qs = qs.filter(slug=f.osiedle)
    if f.centre:
        qs = qs.filter(
            Q(pk__in=Centre.objects.filter(slug=f.centre).values("primary_osiedle_id"))
            | Q(
                pk__in=Centre.served_osiedla.through.objects.filter(centre__slug=f.centre).values(
                    "osiedle_id"
                )
            )
        )
    return qs


def osiedla(f: StatsFilter, *, with_boundaries: bool = False) -> list[OsiedleRow]:
    """Every osiedle of the area, served or not, by name. One query."""
    served_here = Centre.served_osiedla.through.objects.filter(osiedle=OuterRef(OuterRef("pk")))
    serving = Centre.objects.exclude(status=CentreStatus.CLOSED).filter(
        Q(primary_osiedle=OuterRef("pk")) | Q(pk__in=served_here.values("centre_id"))
    )
    activities = activities_in(f).filter(centre__primary_osiedle=OuterRef("pk"))
    qs = (
        osiedla_scope(f)
        .annotate(
            n_centres=Coalesce(Subquery(_count_all(serving), output_field=IntegerField()), 0),
            n_activities=Coalesce(Subquery(_count_all(activities), output_field=IntegerField()), 0),
        )
        .order_by("name")
    )
    if not with_boundaries:
        qs = qs.defer("boundary")
    district_labels = dict(District.choices)
    return [
        OsiedleRow(
            name=osiedle.name,
            slug=osiedle.slug,
            district=osiedle.district,
            district_label=str(district_labels.get(osiedle.district, "")),
            population=osiedle.population,
            served=osiedle.n_centres > 0,
            centres=osiedle.n_centres,
            activities=osiedle.n_activities,
            activities_per_1000=_per_thousand(osiedle.n_activities, osiedle.population),
            boundary=osiedle.boundary if with_boundaries else None,
        )
        for osiedle in qs
    ]


@dataclass(frozen=True)
class CentrePoint:
    name: str
    slug: str
    status: str
    status_label: str
    latitude: Decimal
    longitude: Decimal


def centre_points(f: StatsFilter) -> list[CentrePoint]:
    """The located centres in scope that are not closed, for the map. One query."""
    labels = dict(CentreStatus.choices)
    rows = (
        Centre.objects.filter(pk__in=_scope_ids(f), latitude__isnull=False, longitude__isnull=False)
        .exclude(status=CentreStatus.CLOSED)
        .order_by("name")
        .values_list("name", "slug", "status", "latitude", "longitude")
    )
    return [
        CentrePoint(
            name=name, slug=slug, status=status, status_label=str(labels[status]), latitude=lat, longitude=lon
        )
        for name, slug, status, lat, lon in rows
        if lat is not None and lon is not None
    ]


# --- Animators' training ----------------------------------------------------------------------
# People trained: enrolments of the centres in scope completed on a day of the period. A person
# is a volunteer or a staff user; one trained in two programmes is one person and two
# completions. Names never leave the training pages: counts only.


def _trained_in(f: StatsFilter) -> QuerySet[TrainingEnrolment]:
    return TrainingEnrolment.objects.filter(
        centre_id__in=_scope_ids(f), completed_on__gte=f.start, completed_on__lte=f.end
    )


@dataclass(frozen=True)
class TrainedCentre:
    name: str
    slug: str
    people: int
    completions: int


@dataclass(frozen=True)
class TrainedTopic:
    topic: str
    label: str | Promise
    people: int
    centres: int


@dataclass(frozen=True)
class TrainingFigures:
    people: int  # distinct people of the centres in scope who completed a programme
    by_centre: list[TrainedCentre]  # the centres with completions, the most people first
    by_topic: list[TrainedTopic]  # every topic


def training(f: StatsFilter) -> TrainingFigures:
    """The training figures of the period and area. One query: the completed enrolments
    (one row each, however many programmes there are), counted here."""
    rows = _trained_in(f).values_list(
        "pk", "centre__name", "centre__slug", "programme__topic", "volunteer_id", "staff_id"
    )
    everyone: set[tuple[str, int]] = set()
    centre_people: dict[tuple[str, str], set[tuple[str, int]]] = {}
    centre_completions: dict[tuple[str, str], int] = {}
    topic_people: dict[str, set[tuple[str, int]]] = {}
    topic_centres: dict[str, set[str]] = {}
    for pk, centre_name, centre_slug, topic, volunteer_id, staff_id in rows:
        # Volunteers and staff are different people; an enrolment whose person record is
        # gone counts on its own.
        person = ("v", volunteer_id) if volunteer_id else ("s", staff_id) if staff_id else ("e", pk)
        centre = (centre_name, centre_slug)
        everyone.add(person)
        centre_people.setdefault(centre, set()).add(person)
        centre_completions[centre] = centre_completions.get(centre, 0) + 1
        topic_people.setdefault(topic, set()).add(person)
        topic_centres.setdefault(topic, set()).add(centre_slug)
    by_centre = sorted(
        (
            TrainedCentre(
                name=name, slug=slug, people=len(people), completions=centre_completions[(name, slug)]
            )
            for (name, slug), people in centre_people.items()
        ),
        key=lambda row: (-row.people, -row.completions, row.name),
    )
    by_topic = [
        TrainedTopic(
            topic=value,
            label=label,
            people=len(topic_people.get(value, ())),
            centres=len(topic_centres.get(value, ())),
        )
        for value, label in TrainingTopic.choices
    ]
    return TrainingFigures(people=len(everyone), by_centre=by_centre, by_topic=by_topic)


def trained_by_centre(f: StatsFilter) -> list[TrainedCentre]:
    """The centres in scope whose people completed a programme in the period. One query."""
    return training(f).by_centre


def trained_by_topic(f: StatsFilter) -> list[TrainedTopic]:
    """People trained per topic of the programmes they completed, and the centres they work
    for; every topic listed. One query."""
    return training(f).by_topic


# --- Tables: the figures as rows and labelled columns -------------------------------------------
# One shape for the dashboard's data tables, the CSV downloads and the reports: a caption,
# columns (the first one heads each row) and rows of plain values (str, int, Decimal, date
# or None for "not known").


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise
    numeric: bool = True


@dataclass(frozen=True)
class Table:
    figure: str
    caption: str | Promise
    columns: tuple[Column, ...]
    rows: list[tuple[Any, ...]]

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip((c.key for c in self.columns), row, strict=True)) for row in self.rows]


def _text(key: str, label: str | Promise) -> Column:
    return Column(key, label, numeric=False)


def table_active_centres(result: ActiveCentres) -> Table:
    return Table(
        figure="active-centres",
        caption=_("Centres by status"),
        columns=(_text("status", _("status")), Column("centres", _("centres"))),
        rows=[(row.label, row.centres) for row in result.by_status],
    )


def table_activities_by_method(result: list[MethodCount]) -> Table:
    return Table(
        figure="activities-by-method",
        caption=_("Activities by CAL method"),
        columns=(
            _text("method", _("CAL method")),
            Column("activities", _("activities")),
            Column("participants", _("participants")),
        ),
        rows=[(row.label, row.activities, row.participants) for row in result],
    )


def table_activities_by_month(result: list[MonthCount]) -> Table:
    return Table(
        figure="activities-by-month",
        caption=_("Activities by month"),
        columns=(
            _text("month", _("month")),
            Column("activities", _("activities")),
            Column("participants", _("participants")),
            Column("resident_initiated", _("initiated by residents")),
        ),
        rows=[
            (row.month.strftime("%Y-%m"), row.activities, row.participants, row.resident_initiated)
            for row in result
        ],
    )


def table_participants_by_age(result: Participants) -> Table:
    return Table(
        figure="participants-by-age",
        caption=_("Participants by age band"),
        columns=(_text("age_band", _("age band")), Column("participants", _("participants"))),
        rows=[(row.label, row.participants) for row in result.by_age],
    )


def table_volunteers(result: VolunteerFigures) -> Table:
    return Table(
        figure="volunteers",
        caption=_("Volunteers and volunteer hours"),
        columns=(_text("measure", _("measure")), Column("value", _("value"))),
        rows=[
            (_("volunteers involved in activities (summed over activities)"), result.involvements),
            (_("volunteer hours"), result.hours),
            (_("activities with volunteers"), result.activities_with_volunteers),
            (_("active volunteers on the centres' records"), result.registered),
            (_("of whom local leaders"), result.local_leaders),
        ],
    )


def table_resident_initiated(result: ResidentInitiated) -> Table:
    return Table(
        figure="resident-initiated",
        caption=_("Activities initiated by residents"),
        columns=(_text("measure", _("measure")), Column("value", _("value"))),
        rows=[
            (_("all activities"), result.activities),
            (_("initiated by residents"), result.resident_initiated),
            (_("share initiated by residents (%)"), result.share),
        ],
    )


def table_partners_by_kind(result: list[PartnerKindCount]) -> Table:
    return Table(
        figure="partners-by-kind",
        caption=_("Partners by kind of organisation"),
        columns=(
            _text("kind", _("kind of organisation")),
            Column("organisations", _("partner organisations")),
            Column("activity_partners", _("partners of activities")),
            Column("partnership_members", _("members of local partnerships")),
        ),
        rows=[
            (row.label, row.organisations, row.activity_partners, row.partnership_members) for row in result
        ],
    )


def table_partnerships_by_phase(result: list[PhaseCount]) -> Table:
    return Table(
        figure="partnerships-by-phase",
        caption=_("Local partnerships by phase"),
        columns=(_text("phase", _("phase")), Column("partnerships", _("partnerships"))),
        rows=[(row.label, row.partnerships) for row in result],
    )


def table_needs(result: Needs) -> Table:
    return Table(
        figure="needs",
        caption=_("Needs found by diagnoses, by status"),
        columns=(_text("status", _("status")), Column("needs", _("needs"))),
        rows=[(row.label, row.needs) for row in result.by_status],
    )


def table_certificates_expiring(result: list[ExpiringCertificate]) -> Table:
    return Table(
        figure="certificates-expiring",
        caption=_("Quality certificates expiring within six months"),
        columns=(
            _text("centre", _("centre")),
            _text("valid_until", _("valid until")),
            Column("days_left", _("days left")),
        ),
        rows=[(row.centre, row.valid_until, row.days_left) for row in result],
    )


def table_self_assessment(result: SelfAssessmentScores) -> Table:
    return Table(
        figure="self-assessment",
        caption=_("Self-assessment: average score per CAL standard (0–5)"),
        columns=(_text("standard", _("CAL standard")), Column("average", _("average score"))),
        rows=[(row.label, row.average) for row in result.standards],
    )


def table_centres(result: list[CentreRow]) -> Table:
    return Table(
        figure="centres",
        caption=_("Centres and their figures"),
        columns=(
            _text("name", _("centre")),
            _text("district", _("district")),
            _text("status", _("status")),
            Column("activities", _("activities")),
            Column("participants", _("participants")),
            Column("volunteer_hours", _("volunteer hours")),
            Column("resident_share", _("initiated by residents (%)")),
            Column("partnerships", _("local partnerships")),
            Column("open_needs", _("needs not yet met")),
            _text("certificate", _("certificate valid until")),
            Column("self_assessment", _("self-assessment (0–25)")),
        ),
        rows=[
            (
                row.name,
                row.district,
                row.status_label,
                row.activities,
                row.participants,
                row.volunteer_hours,
                row.resident_share,
                row.partnerships,
                row.open_needs,
                row.certificate_until,
                row.self_assessment_total,
            )
            for row in result
        ],
    )


def table_osiedla(result: list[OsiedleRow]) -> Table:
    return Table(
        figure="osiedla",
        caption=_("Osiedla: served and unserved, activities per 1,000 residents"),
        columns=(
            _text("osiedle", _("osiedle")),
            _text("district", _("district")),
            _text("served", _("served by a centre")),
            Column("centres", _("centres serving it")),
            Column("population", _("population")),
            Column("activities", _("activities")),
            Column("activities_per_1000", _("activities per 1,000 residents")),
        ),
        rows=[
            (
                row.name,
                row.district_label,
                _("yes") if row.served else _("no"),
                row.centres,
                row.population,
                row.activities,
                row.activities_per_1000,
            )
            for row in result
        ],
    )


def table_trained_by_centre(result: list[TrainedCentre]) -> Table:
    return Table(
        figure="trained-by-centre",
        caption=_("People trained, by centre"),
        columns=(
            _text("centre", _("centre")),
            Column("people", _("people trained")),
            Column("completions", _("programmes completed")),
        ),
        rows=[(row.name, row.people, row.completions) for row in result],
    )


def table_trained_by_topic(result: list[TrainedTopic]) -> Table:
    return Table(
        figure="trained-by-topic",
        caption=_("People trained, by topic"),
        columns=(
            _text("topic", _("topic")),
            Column("people", _("people trained")),
            Column("centres", _("centres")),
        ),
        rows=[(row.label, row.people, row.centres) for row in result],
    )


@dataclass(frozen=True)
class Figure:
    """A figure by its public name (the API's and the CSV's): how to compute it and how to
    lay it out as a table."""

    slug: str
    compute: Callable[[StatsFilter], Any]
    table: Callable[[Any], Table]


FIGURES: dict[str, Figure] = {
    figure.slug: figure
    for figure in (
        Figure("active-centres", active_centres, table_active_centres),
        Figure("activities-by-method", activities_by_method, table_activities_by_method),
        Figure("activities-by-month", activities_by_month, table_activities_by_month),
        Figure("participants-by-age", participants_by_age, table_participants_by_age),
        Figure("volunteers", volunteers, table_volunteers),
        Figure("resident-initiated", resident_initiated, table_resident_initiated),
        Figure("partners-by-kind", partners_by_kind, table_partners_by_kind),
        Figure("partnerships-by-phase", partnerships_by_phase, table_partnerships_by_phase),
        Figure("needs", needs, table_needs),
        Figure("certificates-expiring", certificates_expiring, table_certificates_expiring),
        Figure("self-assessment", self_assessment, table_self_assessment),
        Figure("centres", centres, table_centres),
        Figure("osiedla", osiedla, table_osiedla),
    )
}


# The training figures: on the dashboard, as CSV and in the API like the others, in a registry
# of their own (FIGURES is the core set the monthly network report is built from).
TRAINING_FIGURES: dict[str, Figure] = {
    figure.slug: figure
    for figure in (
        Figure("trained-by-centre", trained_by_centre, table_trained_by_centre),
        Figure("trained-by-topic", trained_by_topic, table_trained_by_topic),
    )
}
ALL_FIGURES: dict[str, Figure] = {**FIGURES, **TRAINING_FIGURES}


def figure_table(slug: str, f: StatsFilter, *, sort: str = DEFAULT_CENTRE_SORT) -> Table:
    """The table of one figure (KeyError for an unknown one); ``sort`` orders the centres."""
    figure = ALL_FIGURES[slug]
    if slug == "centres":
        return table_centres(centres(f, sort=sort))
    return figure.table(figure.compute(f))
