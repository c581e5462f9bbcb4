"""Reads of the centres app; each decides its joins once, so counts stay flat."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Model,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Round
from django.http import Http404
from django.utils import timezone

from centres import access
from centres.access import UserLike
from centres.filters import (
    ActivityFilter,
    CentreFilter,
    GroupFilter,
    OperatorTermFilter,
    OrganizationFilter,
    OsiedleFilter,
    ProjectFilter,
    ProjectIndicatorFilter,
    ResourceFilter,
    VolunteerFilter,
)
from centres.models import (
    AGE_BANDS,
    VOLUNTEER_PERSONAL_FIELDS,
    Activity,
    Centre,
    CentreStatus,
    Group,
    IndicatorMeasure,
    Membership,
    OperatorTerm,
    Organization,
    Osiedle,
    Project,
    ProjectActivity,
    ProjectIndicator,
    ProjectStatus,
    Resource,
    ResourceKind,
    Volunteer,
)

_M = TypeVar("_M", bound=Model)


def _filtered(filterset: type[Any], filters: dict[str, Any] | None, qs: QuerySet[_M]) -> QuerySet[_M]:
    """Apply a FilterSet of centres.filters; invalid filter values filter nothing."""
    result: QuerySet[_M] = filterset(filters or {}, queryset=qs).qs
    return result


def current_terms_prefetch(to_attr: str = "current_terms") -> Prefetch[Any]:
    return Prefetch(
        "terms",
        queryset=OperatorTerm.objects.filter(access.current_term_q()).select_related("organization"),
        to_attr=to_attr,
    )


def _centre_public_queryset() -> QuerySet[Centre]:
    return (
        Centre.objects.select_related("primary_osiedle")
        .prefetch_related("served_osiedla", current_terms_prefetch())
        .order_by("name")
    )


def centre_list_public(*, filters: dict[str, Any] | None = None) -> QuerySet[Centre]:
    """Centres shown to the public: all but closed ones."""
    qs = _centre_public_queryset().exclude(status=CentreStatus.CLOSED)
    return _filtered(CentreFilter, filters, qs)


def centre_get_public(*, slug: str) -> Centre:
    """A centre page; closed centres keep their page (their history matters)."""
    try:
        return _centre_public_queryset().get(slug=slug)
    except Centre.DoesNotExist as exc:
        raise Http404 from exc


def centre_list_editable(*, user: UserLike, filters: dict[str, Any] | None = None) -> QuerySet[Centre]:
    """The centres a user may edit (the workspace's "my centres")."""
    qs = (
        access.editable_centres(user)
        .select_related("primary_osiedle")
        .prefetch_related("served_osiedla", current_terms_prefetch())
        .order_by("name")
    )
    return _filtered(CentreFilter, filters, qs)


def centre_get_editable(*, user: UserLike, slug: str) -> Centre:
    """A centre the user may edit, or 404: another operator's centre does not exist for them."""
    try:
        return centre_list_editable(user=user).get(slug=slug)
    except Centre.DoesNotExist as exc:
        raise Http404 from exc


def osiedle_list(*, filters: dict[str, Any] | None = None) -> QuerySet[Osiedle]:
    return _filtered(OsiedleFilter, filters, Osiedle.objects.order_by("name"))


def organization_list(*, user: UserLike, filters: dict[str, Any] | None = None) -> QuerySet[Organization]:
    qs = access.visible_organizations(user).select_related("osiedle").order_by("name")
    return _filtered(OrganizationFilter, filters, qs)


def operator_term_list(*, user: UserLike, filters: dict[str, Any] | None = None) -> QuerySet[OperatorTerm]:
    qs = (
        access.visible_operator_terms(user)
        .select_related("centre", "organization")
        .order_by("centre__name", "-start")
    )
    return _filtered(OperatorTermFilter, filters, qs)


def membership_list_for_user(*, user: UserLike) -> QuerySet[Membership]:
    if user.pk is None:
        return Membership.objects.none()
    return Membership.objects.filter(user_id=user.pk).select_related("organization")


# --- What centres have and do -------------------------------------------------------


def _record_of_centre(qs: QuerySet[_M], *, centre: Centre, pk: int | str) -> _M:
    """A record of a centre the caller already may edit, or 404."""
    try:
        return qs.get(centre=centre, pk=pk)
    except (ObjectDoesNotExist, ValueError) as exc:
        raise Http404 from exc


def resource_list(
    *, user: UserLike, centre: Centre | None = None, filters: dict[str, Any] | None = None
) -> QuerySet[Resource]:
    qs = access.visible_resources(user).select_related("centre").order_by("centre__name", "kind", "name")
    if centre is not None:
        qs = qs.filter(centre=centre)
    return _filtered(ResourceFilter, filters, qs)


def resource_get_editable(*, centre: Centre, pk: int | str) -> Resource:
    return _record_of_centre(Resource.objects.select_related("centre"), centre=centre, pk=pk)


def resource_list_public(*, centre: Centre) -> QuerySet[Resource]:
    """Rooms, spaces and equipment: the material resources residents may ask to use."""
    return Resource.objects.filter(centre=centre, kind=ResourceKind.MATERIAL).order_by("category", "name")


def _activity_queryset() -> QuerySet[Activity]:
    return Activity.objects.select_related("centre", "centre__primary_osiedle", "series").prefetch_related(
        Prefetch("partners", queryset=Organization.objects.order_by("name"))
    )


def activity_list(
    *, user: UserLike, centre: Centre | None = None, filters: dict[str, Any] | None = None
) -> QuerySet[Activity]:
    qs = _activity_queryset().filter(pk__in=access.visible_activities(user).values("pk"))
    if centre is not None:
        qs = qs.filter(centre=centre)
    return _filtered(ActivityFilter, filters, qs.order_by("-start", "pk"))


def activity_get_editable(*, centre: Centre, pk: int | str) -> Activity:
    return _record_of_centre(_activity_queryset(), centre=centre, pk=pk)


def _public_activities() -> QuerySet[Activity]:
    return _activity_queryset().filter(is_public=True).exclude(centre__status=CentreStatus.CLOSED)


def activity_list_upcoming(
    *, centre: Centre | None = None, filters: dict[str, Any] | None = None
) -> QuerySet[Activity]:
    """Public activities not yet over, soonest first (the centre page, the home page, /events/)."""
    qs = _public_activities().filter(end__gte=timezone.now())
    if centre is not None:
        qs = qs.filter(centre=centre)
    return _filtered(ActivityFilter, filters, qs.order_by("start", "pk"))


# How far back a subscribed calendar keeps past events.
CALENDAR_PAST = timedelta(days=92)


def activity_list_calendar(*, centre: Centre | None = None) -> QuerySet[Activity]:
    """Public activities for an iCalendar feed: the last three months and everything ahead."""
    qs = _public_activities().filter(end__gte=timezone.now() - CALENDAR_PAST)
    if centre is not None:
        qs = qs.filter(centre=centre)
    return qs.order_by("start", "pk")


def activity_get_public(*, slug: str, pk: int | str) -> Activity:
    try:
        return _public_activities().get(centre__slug=slug, pk=pk)
    except (Activity.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def partner_choices() -> QuerySet[Organization]:
    """Organisations an activity can name as partners (the whole registry)."""
    return Organization.objects.order_by("name").only("pk", "name", "kind")


def volunteer_list(
    *, user: UserLike, centre: Centre | None = None, filters: dict[str, Any] | None = None
) -> QuerySet[Volunteer]:
    qs = access.visible_volunteers(user).select_related("centre").order_by("centre__name", "name", "pk")
    if centre is not None:
        qs = qs.filter(centre=centre)
    return _filtered(VolunteerFilter, filters, qs)


def volunteer_get_editable(*, centre: Centre, pk: int | str) -> Volunteer:
    return _record_of_centre(Volunteer.objects.select_related("centre"), centre=centre, pk=pk)


def volunteer_personal_data(*, volunteer: Volunteer) -> dict[str, Any]:
    """Everything the portal holds about a volunteer (GDPR art. 15 and 20): the record
    and its audit history. The caller has checked access."""
    from pghistory.models import Events

    history = Events.objects.tracks(volunteer).order_by("pgh_created_at")
    return {
        "centre": {"name": volunteer.centre.name, "slug": volunteer.centre.slug},
        "volunteer": {
            "id": volunteer.pk,
            **{name: getattr(volunteer, name) for name in VOLUNTEER_PERSONAL_FIELDS},
            "is_leader": volunteer.is_leader,
            "consent_date": volunteer.consent_date.isoformat() if volunteer.consent_date else None,
            "consent_scope": volunteer.consent_scope,
            "legal_basis": volunteer.legal_basis,
            "agreement_start": volunteer.agreement_start.isoformat() if volunteer.agreement_start else None,
            "agreement_end": volunteer.agreement_end.isoformat() if volunteer.agreement_end else None,
            "active": volunteer.active,
            "created_at": volunteer.created_at.isoformat(),
            "updated_at": volunteer.updated_at.isoformat(),
        },
        "history": [
            {"at": event.pgh_created_at.isoformat(), "event": event.pgh_label, "data": event.pgh_data}
            for event in history
            if event.pgh_model == "centres.VolunteerEvent"
        ],
    }


def group_list(
    *, user: UserLike, centre: Centre | None = None, filters: dict[str, Any] | None = None
) -> QuerySet[Group]:
    qs = access.visible_groups(user).select_related("centre").order_by("centre__name", "name")
    if centre is not None:
        qs = qs.filter(centre=centre)
    return _filtered(GroupFilter, filters, qs)


def group_get_editable(*, centre: Centre, pk: int | str) -> Group:
    return _record_of_centre(Group.objects.select_related("centre"), centre=centre, pk=pk)


def group_list_public(*, centre: Centre) -> QuerySet[Group]:
    return Group.objects.filter(centre=centre, active=True).order_by("name")


def activity_list_of_series(*, user: UserLike, series_id: int) -> QuerySet[Activity]:
    """The occurrences of a series that the user may see, in order."""
    return activity_list(user=user).filter(series_id=series_id).order_by("start", "pk")


def centre_list_workspace(*, user: UserLike) -> QuerySet[Centre]:
    """The centres of a user's workspace with their short figures (activities not yet over,
    resources, active volunteers, active groups, running projects), counted in the same
    query as the centres."""
    from django.db.models import Count, IntegerField, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    def count_of(records: QuerySet[Any]) -> Coalesce:
        per_centre = (
            records.filter(centre=OuterRef("pk"))
            .order_by()
            .values("centre")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(per_centre, output_field=IntegerField()), 0)

    return centre_list_editable(user=user).annotate(
        upcoming_activity_count=count_of(Activity.objects.filter(end__gte=timezone.now())),
        resource_count=count_of(Resource.objects.all()),
        active_volunteer_count=count_of(Volunteer.objects.filter(active=True, erased_at__isnull=True)),
        active_group_count=count_of(Group.objects.filter(active=True)),
        running_project_count=count_of(Project.objects.filter(status=ProjectStatus.RUNNING)),
    )


# --- Projects --------------------------------------------------------------------------

# The achieved value of an indicator and its share of the target (numeric in PostgreSQL).
_ACHIEVED: DecimalField[Decimal, Decimal] = DecimalField(max_digits=16, decimal_places=2)


def _linked_total(total: Any, condition: Q | None = None) -> Coalesce:
    """A figure of the activities linked to the indicator's project, 0 when there are none."""
    links = ProjectActivity.objects.filter(project=OuterRef("project"))
    if condition is not None:
        links = links.filter(condition)
    per_project = links.order_by().values("project").annotate(total=Cast(total, _ACHIEVED)).values("total")
    return Coalesce(Subquery(per_project, output_field=_ACHIEVED), Value(Decimal(0)), output_field=_ACHIEVED)


def _participants() -> Any:
    expression: Any = F(f"activity__{AGE_BANDS[0][0]}")
    for name, _label in AGE_BANDS[1:]:
        expression = expression + F(f"activity__{name}")
    return Sum(expression)


def project_indicator_queryset() -> QuerySet[ProjectIndicator]:
    """Indicators with ``achieved`` (computed from the project's linked activities for a
    counted measure, the value entered for a manual one; None while none is entered) and
    ``achieved_percent`` of the target: computed by the database in the query that reads
    the indicators, however many there are."""
    measure = IndicatorMeasure
    achieved = Case(
        When(measure=measure.MANUAL, then=F("value_entered")),
        When(measure=measure.ACTIVITIES, then=_linked_total(Count("pk"))),
        When(measure=measure.PARTICIPANTS, then=_linked_total(_participants())),
        When(
            measure=measure.PUBLIC_SPACE, then=_linked_total(Count("pk"), Q(activity__in_public_space=True))
        ),
        When(
            measure=measure.RESIDENT_INITIATIVES,
            then=_linked_total(Count("pk"), Q(activity__resident_initiated=True)),
        ),
        When(measure=measure.VOLUNTEER_HOURS, then=_linked_total(Sum("activity__volunteer_hours"))),
        output_field=_ACHIEVED,
    )
    percent = ExpressionWrapper(
        Round(F("achieved") * Value(Decimal(100)) / F("target"), 1), output_field=_ACHIEVED
    )
    return (
        ProjectIndicator.objects.annotate(achieved=achieved).annotate(achieved_percent=percent).order_by("pk")
    )


def _project_queryset() -> QuerySet[Project]:
    return Project.objects.select_related("centre").prefetch_related(
        Prefetch("partners", queryset=Organization.objects.order_by("name")),
        Prefetch("indicators", queryset=project_indicator_queryset()),
        Prefetch("activities", queryset=Activity.objects.order_by("start", "pk")),
    )


def project_list(
    *, user: UserLike, centre: Centre | None = None, filters: dict[str, Any] | None = None
) -> QuerySet[Project]:
    """Projects the user may see (see ``access.visible_projects``), with their partners,
    linked activities and indicators (achieved values included): four queries in all."""
    qs = _project_queryset().filter(pk__in=access.visible_projects(user).values("pk"))
    if centre is not None:
        qs = qs.filter(centre=centre)
    return _filtered(ProjectFilter, filters, qs.order_by("-starts_on", "title", "pk"))


def project_indicator_list(
    *, user: UserLike, filters: dict[str, Any] | None = None
) -> QuerySet[ProjectIndicator]:
    """Indicators of the projects the user may see, with their achieved values."""
    qs = (
        project_indicator_queryset()
        .filter(project__in=access.visible_projects(user).values("pk"))
        .select_related("project__centre")
        .order_by("project_id", "pk")
    )
    return _filtered(ProjectIndicatorFilter, filters, qs)


def project_get_editable(*, centre: Centre, pk: int | str) -> Project:
    """A project of a centre the caller already may edit, with everything its page shows."""
    return _record_of_centre(_project_queryset(), centre=centre, pk=pk)


def project_indicator_get_editable(*, project: Project, pk: int | str) -> ProjectIndicator:
    try:
        return project_indicator_queryset().select_related("project__centre").get(project=project, pk=pk)
    except (ProjectIndicator.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def project_activity_choices(*, project: Project) -> QuerySet[Activity]:
    """The activities that may be linked to a project: its centre's, held within its
    period, and those already linked (so that a link is never dropped unseen)."""
    held_within = Q(start__date__gte=project.starts_on, start__date__lte=project.ends_on)
    return (
        Activity.objects.filter(centre_id=project.centre_id)
        .filter(held_within | Q(project_links__project=project))
        .distinct()
        .order_by("start", "pk")
    )


def project_list_public(*, centre: Centre, on: date | None = None) -> QuerySet[Project]:
    """The centre's projects the public sees: running ones, and granted ones whose period
    has begun and not ended. Only the public fields are shown (no amounts, no indicators)."""
    on = on or access.today()
    started = Q(status=ProjectStatus.GRANTED, starts_on__lte=on, ends_on__gte=on)
    return (
        Project.objects.filter(centre=centre)
        .filter(Q(status=ProjectStatus.RUNNING) | started)
        .prefetch_related(Prefetch("partners", queryset=Organization.objects.order_by("name")))
        .order_by("-starts_on", "title", "pk")
    )


def project_list_awaiting_decision(*, on: date, within_days: int) -> QuerySet[Project]:
    """Applications whose funder's decision is due within ``within_days`` of ``on``, or
    overdue while the project is still an application (the reminders)."""
    return (
        Project.objects.filter(
            status=ProjectStatus.APPLICATION, decision_date__lte=on + timedelta(days=within_days)
        )
        .select_related("centre")
        .order_by("decision_date", "pk")
    )
