"""Reads of the partnerships app; each decides its joins once, so counts stay flat."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from centres.access import UserLike
from centres.models import Centre, Organization, Osiedle
from partnerships import permissions
from partnerships.filters import (
    CoverageFilter,
    PartnershipFilter,
    PartnershipMeetingFilter,
    PartnershipMemberFilter,
    current_member_q,
)
from partnerships.models import (
    RECOMMENDED_KIND_OF,
    RECOMMENDED_PARTNER_KINDS,
    Partnership,
    PartnershipMeeting,
    PartnershipMember,
    PartnershipOsiedle,
    Phase,
    PhaseChange,
    Priority,
    RecommendedKind,
)

# A partnership with no meeting for this long needs a reminder (the reporting issue sends them).
STALE_AFTER_DAYS = 90


def _today() -> date:
    return timezone.localdate()


def _filtered(filterset: type[Any], filters: dict[str, Any] | None, qs: QuerySet[Any]) -> QuerySet[Any]:
    """Apply a FilterSet of partnerships.filters; invalid filter values filter nothing."""
    result: QuerySet[Any] = filterset(filters or {}, queryset=qs).qs
    return result


def _with_activity(qs: QuerySet[Partnership], on: date) -> QuerySet[Partnership]:
    """Each partnership with its number of current members and the date it last met."""
    members = (
        PartnershipMember.objects.filter(current_member_q(on), partnership=OuterRef("pk"))
        .order_by()
        .values("partnership")
        .annotate(count=Count("pk"))
        .values("count")
    )
    last_meeting = (
        PartnershipMeeting.objects.filter(partnership=OuterRef("pk"), date__lte=on)
        .order_by("-date")
        .values("date")[:1]
    )
    return qs.annotate(
        current_member_count=Coalesce(Subquery(members, output_field=IntegerField()), Value(0)),
        last_met_on=Subquery(last_meeting),
    )


def _osiedla_prefetch() -> Prefetch[Any]:
    return Prefetch("osiedla", queryset=Osiedle.objects.order_by("name"))


def is_stale(partnership: Partnership, on: date | None = None) -> bool:
    """No meeting in the last STALE_AFTER_DAYS days (a partnership annotated by a selector)."""
    since = (on or _today()) - timedelta(days=STALE_AFTER_DAYS)
    last: date | None = getattr(partnership, "last_met_on", None)
    return (
        partnership.phase != Phase.ENDED and partnership.founded_on < since and (last is None or last < since)
    )


def partnership_list(
    *, user: UserLike, centre: Centre | None = None, filters: dict[str, Any] | None = None
) -> QuerySet[Partnership]:
    qs = (
        permissions.visible_partnerships(user)
        .select_related("lead_centre", "leader")
        .prefetch_related(_osiedla_prefetch())
        .order_by(Case(When(phase=Phase.ENDED, then=1), default=0), "name", "pk")
    )
    if centre is not None:
        qs = qs.filter(lead_centre=centre)
    return _filtered(PartnershipFilter, filters, _with_activity(qs, _today()))


def _detail_queryset() -> QuerySet[Partnership]:
    return _with_activity(
        Partnership.objects.select_related("lead_centre", "leader").prefetch_related(
            _osiedla_prefetch(),
            Prefetch(
                "members",
                queryset=PartnershipMember.objects.select_related("organization").order_by(
                    "joined", "organization__name", "pk"
                ),
            ),
            Prefetch(
                "meetings",
                queryset=PartnershipMeeting.objects.order_by("-date", "-pk").prefetch_related(
                    Prefetch("attendees", queryset=Organization.objects.order_by("name"))
                ),
            ),
            Prefetch("phase_changes", queryset=PhaseChange.objects.select_related("by")),
            Prefetch("priorities", queryset=Priority.objects.select_related("osiedle").order_by("pk")),
        ),
        _today(),
    )


def partnership_get_editable(*, centre: Centre, pk: int | str) -> Partnership:
    """A partnership of a centre the caller already may edit, or 404."""
    try:
        return _detail_queryset().get(lead_centre=centre, pk=pk)
    except (ObjectDoesNotExist, ValueError) as exc:
        raise Http404 from exc


def partnership_detail_queryset(*, user: UserLike) -> QuerySet[Partnership]:
    """Partnerships the user may see, with everything their page or API detail shows."""
    return _detail_queryset().filter(pk__in=permissions.visible_partnerships(user).values("pk"))


def partnership_list_public(*, centre: Centre) -> list[Partnership]:
    """A centre's partnerships for its public page: name, phase, osiedla and the names and
    kinds of the current member organisations (``current_members``)."""
    members = PartnershipMember.objects.filter(current_member_q()).select_related("organization")
    return list(
        Partnership.objects.filter(lead_centre=centre)
        .prefetch_related(
            _osiedla_prefetch(),
            Prefetch(
                "members",
                queryset=members.order_by("organization__name", "pk"),
                to_attr="current_members",
            ),
        )
        .order_by(Case(When(phase=Phase.ENDED, then=1), default=0), "name", "pk")
    )


def partnership_list_stale(
    *, user: UserLike | None = None, on: date | None = None, days: int = STALE_AFTER_DAYS
) -> QuerySet[Partnership]:
    """Partnerships that go on (not ended) but have not met in the last ``days`` days,
    including those founded earlier than that which never met. ``user`` None: all of them
    (for the reminders of the reporting issue); otherwise those the user sees."""
    on = on or _today()
    since = on - timedelta(days=days)
    qs = Partnership.objects.all() if user is None else permissions.visible_partnerships(user)
    recent = PartnershipMeeting.objects.filter(partnership=OuterRef("pk"), date__gte=since, date__lte=on)
    qs = qs.exclude(phase=Phase.ENDED).filter(founded_on__lt=since).filter(~Exists(recent))
    return _with_activity(qs.select_related("lead_centre"), on).order_by(
        "last_met_on", "founded_on", "name", "pk"
    )


def member_list(*, user: UserLike, filters: dict[str, Any] | None = None) -> QuerySet[PartnershipMember]:
    qs = (
        PartnershipMember.objects.filter(partnership__in=permissions.visible_partnerships(user).values("pk"))
        .select_related("organization", "partnership")
        .order_by("partnership_id", "joined", "organization__name", "pk")
    )
    return _filtered(PartnershipMemberFilter, filters, qs)


def member_get_editable(*, partnership: Partnership, pk: int | str) -> PartnershipMember:
    try:
        return PartnershipMember.objects.select_related("organization", "partnership__lead_centre").get(
            partnership=partnership, pk=pk
        )
    except (ObjectDoesNotExist, ValueError) as exc:
        raise Http404 from exc


def meeting_list(*, user: UserLike, filters: dict[str, Any] | None = None) -> QuerySet[PartnershipMeeting]:
    qs = (
        PartnershipMeeting.objects.filter(partnership__in=permissions.visible_partnerships(user).values("pk"))
        .select_related("partnership")
        .prefetch_related(Prefetch("attendees", queryset=Organization.objects.order_by("name")))
        .order_by("-date", "-pk")
    )
    return _filtered(PartnershipMeetingFilter, filters, qs)


def meeting_get_editable(*, partnership: Partnership, pk: int | str) -> PartnershipMeeting:
    try:
        return (
            PartnershipMeeting.objects.select_related("partnership__lead_centre")
            .prefetch_related("attendees")
            .get(partnership=partnership, pk=pk)
        )
    except (ObjectDoesNotExist, ValueError) as exc:
        raise Http404 from exc


def priority_get_editable(*, partnership: Partnership, pk: int | str) -> Priority:
    try:
        return Priority.objects.select_related("osiedle", "partnership__lead_centre").get(
            partnership=partnership, pk=pk
        )
    except (ObjectDoesNotExist, ValueError) as exc:
        raise Http404 from exc


def attendee_choices(*, partnership: Partnership) -> QuerySet[Organization]:
    """Organisations that can attend a meeting: the partnership's members, each with the
    day it last left (``left_on``) if it is no longer a member."""
    mine = Q(partnership_memberships__partnership=partnership)
    return (
        Organization.objects.filter(mine)
        .annotate(
            open_memberships=Count(
                "partnership_memberships",
                filter=mine
                & (
                    Q(partnership_memberships__left__isnull=True)
                    | Q(partnership_memberships__left__gte=_today())
                ),
            ),
            left_on=Max("partnership_memberships__left", filter=mine),
        )
        .order_by("name")
        .only("pk", "name", "kind")
    )


# --- Members over time --------------------------------------------------------------


@dataclass(frozen=True)
class MemberBar:
    """A member's period as a bar on the partnership's time axis, in percent of it."""

    member: PartnershipMember
    offset: str
    width: str
    current: bool


@dataclass(frozen=True)
class MemberTimeline:
    start: date
    end: date
    bars: list[MemberBar]


def member_timeline(*, partnership: Partnership, on: date | None = None) -> MemberTimeline:
    """The members of a (prefetched) partnership over time, from its founding to today
    (or to the last recorded date, if later). No queries."""
    on = on or _today()
    members = list(partnership.members.all())
    start = partnership.founded_on
    end = max([on, *(m.left or m.joined for m in members)])
    total = max((end - start).days + 1, 1)
    bars = []
    for member in sorted(members, key=lambda m: (m.organization.name, m.joined, m.pk)):
        first = max((member.joined - start).days, 0)
        last = min(((member.left or end) - start).days, total - 1)
        width = max((last - first + 1) / total * 100, 0.8)
        offset = min(first / total * 100, 100 - width)
        bars.append(
            MemberBar(
                member=member, offset=f"{offset:.2f}", width=f"{width:.2f}", current=member.is_current(on)
            )
        )
    return MemberTimeline(start=start, end=end, bars=bars)


# --- Coverage against the CAL model -------------------------------------------------


@dataclass(frozen=True)
class OsiedleCoverage:
    """Which recommended partner kinds the partnerships covering an osiedle have now."""

    osiedle: Osiedle
    partnerships: tuple[Partnership, ...]
    present: tuple[RecommendedKind, ...]
    missing: tuple[RecommendedKind, ...]

    @property
    def present_kinds(self) -> list[str]:
        return [kind.key for kind in self.present]

    @property
    def missing_kinds(self) -> list[str]:
        return [kind.key for kind in self.missing]


def partnership_coverage(
    *,
    filters: dict[str, Any] | None = None,
    osiedla: list[Osiedle] | None = None,
    on: date | None = None,
) -> list[OsiedleCoverage]:
    """For each osiedle (those given, or all matching ``filters``), the partnerships that
    cover it (not ended) and which recommended partner kinds their current members
    (joined, not left by ``on``) bring, and which are missing. At most three queries."""
    on = on or _today()
    if osiedla is None:
        osiedla = list(_filtered(CoverageFilter, filters, Osiedle.objects.order_by("name")))
    if not osiedla:
        return []
    links = list(
        PartnershipOsiedle.objects.filter(osiedle__in=[o.pk for o in osiedla])
        .exclude(partnership__phase=Phase.ENDED)
        .select_related("partnership__lead_centre")
        .order_by("partnership__name", "partnership_id")
    )
    partnership_ids = {link.partnership_id for link in links}
    kinds_of: dict[int, set[str]] = defaultdict(set)
    if partnership_ids:
        rows = (
            PartnershipMember.objects.filter(current_member_q(on), partnership_id__in=partnership_ids)
            .values_list("partnership_id", "organization__kind")
            .distinct()
        )
        for partnership_id, kind in rows:
            if kind in RECOMMENDED_KIND_OF:
                kinds_of[partnership_id].add(RECOMMENDED_KIND_OF[kind])
    by_osiedle: dict[int, list[Partnership]] = defaultdict(list)
    for link in links:
        by_osiedle[link.osiedle_id].append(link.partnership)
    result = []
    for osiedle in osiedla:
        partnerships = by_osiedle.get(osiedle.pk, [])
        present = set().union(*(kinds_of[p.pk] for p in partnerships)) if partnerships else set()
        result.append(
            OsiedleCoverage(
                osiedle=osiedle,
                partnerships=tuple(partnerships),
                present=tuple(k for k in RECOMMENDED_PARTNER_KINDS if k.key in present),
                missing=tuple(k for k in RECOMMENDED_PARTNER_KINDS if k.key not in present),
            )
        )
    return result
