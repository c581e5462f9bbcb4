"""Reads of the network app. Each list is filtered by network.permissions and decides
its joins once, so that a page's query count does not grow with its rows."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, NamedTuple

from django.contrib.auth.models import User
from django.db.models import (
    BooleanField,
    Count,
    DecimalField,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from centres import access
from centres.access import UserLike
from centres.models import Centre, Organization, Volunteer
from network import permissions, stats
from network.filters import (
    AdoptionFilter,
    CertificationFilter,
    ConsultationFilter,
    ConsultationResponseFilter,
    FollowUpFilter,
    MeetingFilter,
    MembershipFilter,
    PracticeFilter,
    PracticeManageFilter,
    SelfAssessmentFilter,
    TrainingEnrolmentFilter,
    TrainingProgrammeFilter,
    apply,
)
from network.models import (
    Adoption,
    Certification,
    Consultation,
    ConsultationResponse,
    FollowUp,
    FollowUpStatus,
    GoodPractice,
    NetworkMeeting,
    NetworkMembership,
    SelfAssessment,
    TrainingAttendance,
    TrainingEnrolment,
    TrainingProgramme,
    TrainingSession,
)


def _get(qs: QuerySet[Any], **lookup: Any) -> Any:
    try:
        return qs.get(**lookup)
    except qs.model.DoesNotExist as exc:
        raise Http404 from exc


# --- Membership ----------------------------------------------------------------------------


def membership_list(*, user: UserLike, filters: Any = None) -> QuerySet[NetworkMembership]:
    qs = (
        permissions.visible_memberships(user)
        .select_related("organization")
        .order_by("organization__name", "-joined", "pk")
    )
    return apply(MembershipFilter, qs, filters)


def current_members(*, on: Any = None) -> QuerySet[Organization]:
    """Organisations that are members of the network on ``on`` (today by default)."""
    on = on or timezone.localdate()
    return Organization.objects.filter(
        Q(network_memberships__left__isnull=True) | Q(network_memberships__left__gte=on),
        network_memberships__joined__lte=on,
    ).order_by("name")


def network_organizations() -> QuerySet[Organization]:
    """Organisations that are or were members of the network (a task may be given only to
    a member on the meeting's day: the service says so clearly if it was not)."""
    return Organization.objects.filter(network_memberships__isnull=False).distinct().order_by("name")


def current_animator(*, on: Any = None) -> Organization | None:
    on = on or timezone.localdate()
    membership = (
        NetworkMembership.objects.filter(
            Q(left__isnull=True) | Q(left__gte=on), is_animator=True, joined__lte=on
        )
        .select_related("organization")
        .first()
    )
    return membership.organization if membership is not None else None


# --- Meetings and follow-ups -------------------------------------------------------------


def _follow_ups_ordered() -> QuerySet[FollowUp]:
    return FollowUp.objects.select_related("assignee").order_by("due", "pk")


def meeting_list(*, user: UserLike, filters: Any = None) -> QuerySet[NetworkMeeting]:
    qs = (
        permissions.visible_meetings(user)
        .annotate(
            follow_up_count=Count("follow_ups", distinct=True),
            open_follow_up_count=Count(
                "follow_ups", filter=~Q(follow_ups__status=FollowUpStatus.DONE), distinct=True
            ),
            attendee_count=Count("attendee_links", distinct=True),
        )
        .order_by("-date", "-pk")
    )
    return apply(MeetingFilter, qs, filters)


def meeting_detail_queryset(*, user: UserLike) -> QuerySet[NetworkMeeting]:
    return permissions.visible_meetings(user).prefetch_related(
        Prefetch("attendees", queryset=Organization.objects.order_by("name")),
        Prefetch("follow_ups", queryset=_follow_ups_ordered()),
    )


def meeting_get(*, user: UserLike, pk: int) -> NetworkMeeting:
    meeting: NetworkMeeting = _get(meeting_detail_queryset(user=user), pk=pk)
    return meeting


def follow_up_list(*, user: UserLike, filters: Any = None) -> QuerySet[FollowUp]:
    qs = permissions.visible_follow_ups(user).select_related("meeting", "assignee").order_by("due", "pk")
    return apply(FollowUpFilter, qs, filters)


def follow_up_list_mine(*, user: UserLike, filters: Any = None) -> QuerySet[FollowUp]:
    """The tasks of the user's organisations (what an operator has to do)."""
    return follow_up_list(user=user, filters=filters).filter(
        assignee__in=access.operator_organizations(user).values("pk")
    )


def follow_up_get(*, user: UserLike, pk: int) -> FollowUp:
    follow_up: FollowUp = _get(
        permissions.visible_follow_ups(user).select_related("meeting", "assignee"), pk=pk
    )
    return follow_up


# --- Good practices ---------------------------------------------------------------------


def adoptions_prefetch() -> Prefetch[Any]:
    return Prefetch(
        "adoptions",
        queryset=Adoption.objects.select_related("centre").order_by("adopted_on", "pk"),
    )


def practice_list_public(*, filters: Any = None) -> QuerySet[GoodPractice]:
    """Published practices with their centre and the centres that adopted them."""
    qs = (
        permissions.public_practices()
        .select_related("centre")
        .prefetch_related(adoptions_prefetch())
        .order_by("-published_at", "pk")
    )
    return apply(PracticeFilter, qs, filters)


def practice_get_public(*, pk: int) -> GoodPractice:
    practice: GoodPractice = _get(
        permissions.public_practices().select_related("centre").prefetch_related(adoptions_prefetch()), pk=pk
    )
    return practice


def practice_list(*, user: UserLike, filters: Any = None) -> QuerySet[GoodPractice]:
    qs = (
        permissions.visible_practices(user)
        .select_related("centre")
        .annotate(adoption_count=Count("adoptions"))
        .order_by("status", "-published_at", "-updated_at", "pk")
    )
    return apply(PracticeManageFilter, qs, filters)


def practice_get(*, user: UserLike, pk: int) -> GoodPractice:
    practice: GoodPractice = _get(
        permissions.visible_practices(user)
        .select_related("centre", "proposed_by")
        .prefetch_related(adoptions_prefetch()),
        pk=pk,
    )
    return practice


def adoption_list(*, user: UserLike, filters: Any = None) -> QuerySet[Adoption]:
    """Adoptions of the practices the user sees."""
    qs = (
        Adoption.objects.filter(practice__in=permissions.visible_practices(user).values("pk"))
        .select_related("practice", "centre")
        .order_by("adopted_on", "pk")
    )
    return apply(AdoptionFilter, qs, filters)


def adoptable_centres(*, user: UserLike, practice: GoodPractice) -> QuerySet[Centre]:
    """Centres for which the user may record that they took up ``practice``."""
    qs = Centre.objects.all() if permissions.can_run_network(user) else access.editable_centres(user)
    taken = practice.adoptions.values("centre_id")
    return qs.exclude(pk=practice.centre_id).exclude(pk__in=taken).order_by("name")


# --- Consultations -----------------------------------------------------------------------


def consultation_list(*, user: UserLike, filters: Any = None) -> QuerySet[Consultation]:
    qs = (
        permissions.visible_consultations(user)
        .annotate(response_count=Count("responses"))
        .order_by("-opens", "-pk")
    )
    return apply(ConsultationFilter, qs, filters)


def consultation_get(*, user: UserLike, pk: int) -> Consultation:
    consultation: Consultation = _get(permissions.visible_consultations(user), pk=pk)
    return consultation


def response_list(*, user: UserLike, filters: Any = None) -> QuerySet[ConsultationResponse]:
    qs = (
        permissions.visible_responses(user)
        .filter(consultation__in=permissions.visible_consultations(user).values("pk"))
        .select_related("consultation", "organization")
        .order_by("consultation_id", "submitted_at", "pk")
    )
    return apply(ConsultationResponseFilter, qs, filters)


def responses_of(*, user: UserLike, consultation: Consultation) -> list[ConsultationResponse]:
    return list(
        permissions.visible_responses(user)
        .filter(consultation=consultation)
        .select_related("organization")
        .order_by("organization__name")
    )


def response_get(*, user: UserLike, pk: int) -> ConsultationResponse:
    response: ConsultationResponse = _get(
        permissions.visible_responses(user).select_related("consultation", "organization"), pk=pk
    )
    return response


def responding_organizations(*, user: UserLike) -> list[Organization]:
    """The organisations the user may answer for: theirs that are members of the network."""
    return list(permissions.member_organizations(user).distinct().order_by("name"))


# --- Certification and self-assessment ------------------------------------------------


def certification_list(*, user: UserLike, filters: Any = None) -> QuerySet[Certification]:
    qs = (
        permissions.visible_certifications(user)
        .select_related("centre")
        .order_by("centre__name", "-applied_on", "pk")
    )
    return apply(CertificationFilter, qs, filters)


def certification_get(*, user: UserLike, pk: int) -> Certification:
    certification: Certification = _get(
        permissions.visible_certifications(user).select_related("centre"), pk=pk
    )
    return certification


def self_assessment_list(*, user: UserLike, filters: Any = None) -> QuerySet[SelfAssessment]:
    qs = (
        permissions.visible_self_assessments(user)
        .select_related("centre")
        .order_by("-year", "centre__name", "pk")
    )
    return apply(SelfAssessmentFilter, qs, filters)


def self_assessment_get(*, user: UserLike, pk: int) -> SelfAssessment:
    assessment: SelfAssessment = _get(
        permissions.visible_self_assessments(user).select_related("centre"), pk=pk
    )
    return assessment


def self_assessments_of_centre(*, centre: Centre) -> list[SelfAssessment]:
    """A centre's self-assessments, newest first (the caller has checked the centre)."""
    return list(SelfAssessment.objects.filter(centre=centre).order_by("-year"))


def self_assessment_of_year(*, centre: Centre, year: int) -> SelfAssessment | None:
    return SelfAssessment.objects.filter(centre=centre, year=year).first()


# --- Animators' training ----------------------------------------------------------------

HOURS: DecimalField[Decimal, Decimal] = DecimalField(max_digits=8, decimal_places=1)


def _sum_hours(sessions: QuerySet[Any], group_by: str) -> Coalesce:
    """A subquery summing ``hours`` of ``sessions`` (already narrowed to the outer row)."""
    total = sessions.order_by().values(group_by).annotate(total=Sum("hours")).values("total")
    return Coalesce(Subquery(total, output_field=HOURS), Value(Decimal(0)), output_field=HOURS)


def _count(qs: QuerySet[Any], group_by: str) -> Coalesce:
    counted = qs.order_by().values(group_by).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0), output_field=IntegerField())


def _programmes(user: UserLike) -> QuerySet[TrainingProgramme]:
    """Visible programmes with ``total_hours``, ``session_count`` and ``enrolled_count``
    (subqueries, so that the three do not multiply each other's rows)."""
    return permissions.visible_programmes(user).annotate(
        total_hours=_sum_hours(TrainingSession.objects.filter(programme=OuterRef("pk")), "programme"),
        session_count=_count(TrainingSession.objects.filter(programme=OuterRef("pk")), "programme"),
        enrolled_count=_count(TrainingEnrolment.objects.filter(programme=OuterRef("pk")), "programme"),
    )


def training_programme_list(*, user: UserLike, filters: Any = None) -> QuerySet[TrainingProgramme]:
    qs = _programmes(user).order_by("-starts_on", "title", "pk")
    return apply(TrainingProgrammeFilter, qs, filters)


def training_programmes_open(*, user: UserLike) -> QuerySet[TrainingProgramme]:
    """Programmes that have not finished: people can still be enrolled in them."""
    return _programmes(user).filter(ends_on__gte=timezone.localdate()).order_by("starts_on", "title", "pk")


def sessions_ordered() -> Prefetch[Any]:
    return Prefetch("sessions", queryset=TrainingSession.objects.order_by("starts_at", "pk"))


def training_programme_get(*, user: UserLike, pk: int) -> TrainingProgramme:
    """One programme (annotated like the list) with its sessions in order of time."""
    programme: TrainingProgramme = _get(_programmes(user).prefetch_related(sessions_ordered()), pk=pk)
    return programme


def training_session_get(
    *, user: UserLike, pk: int, programme: TrainingProgramme | None = None
) -> TrainingSession:
    """A session of a programme the user sees (of ``programme`` when given)."""
    qs = TrainingSession.objects.filter(programme__in=permissions.visible_programmes(user).values("pk"))
    if programme is not None:
        qs = qs.filter(programme=programme)
    session: TrainingSession = _get(qs.select_related("programme"), pk=pk)
    return session


def _enrolments(user: UserLike) -> QuerySet[TrainingEnrolment]:
    """Visible enrolments with ``attended_hours``, ``total_hours`` (of the programme) and
    ``completed``; the programme and centre joined."""
    present = TrainingAttendance.objects.filter(enrolment=OuterRef("pk"), present=True)
    attended = present.order_by().values("enrolment").annotate(total=Sum("session__hours")).values("total")
    return (
        permissions.enrolments_visible_to(user)
        .select_related("programme", "centre", "volunteer")
        .annotate(
            attended_hours=Coalesce(
                Subquery(attended, output_field=HOURS), Value(Decimal(0)), output_field=HOURS
            ),
            total_hours=_sum_hours(
                TrainingSession.objects.filter(programme=OuterRef("programme_id")), "programme"
            ),
            completed=ExpressionWrapper(Q(completed_on__isnull=False), output_field=BooleanField()),
        )
    )


def training_enrolment_list(
    *,
    user: UserLike,
    programme: TrainingProgramme | None = None,
    centre: Centre | None = None,
    filters: Any = None,
) -> QuerySet[TrainingEnrolment]:
    """Enrolments the user may see (operators: their centres'; the animator and city staff:
    all; others: none), narrowed to a programme and/or a centre."""
    qs = _enrolments(user)
    if programme is not None:
        qs = qs.filter(programme=programme)
    if centre is not None:
        qs = qs.filter(centre=centre)
    qs = qs.order_by("-programme__starts_on", "programme_id", "centre__name", "volunteer__name", "name", "pk")
    return apply(TrainingEnrolmentFilter, qs, filters)


def training_enrolment_get(*, user: UserLike, pk: int) -> TrainingEnrolment:
    enrolment: TrainingEnrolment = _get(_enrolments(user), pk=pk)
    return enrolment


def training_sessions_attended(*, enrolment: TrainingEnrolment) -> list[TrainingSession]:
    """The sessions the person attended, in order of time (the certificate lists them)."""
    return list(
        TrainingSession.objects.filter(attendances__enrolment=enrolment, attendances__present=True).order_by(
            "starts_at", "pk"
        )
    )


def training_attendance_of(*, session: TrainingSession) -> dict[int, bool]:
    """Recorded attendance at a session: enrolment id -> present."""
    return dict(TrainingAttendance.objects.filter(session=session).values_list("enrolment_id", "present"))


class TrainingCandidates(NamedTuple):
    """The people a centre's operators may enrol: its active volunteers and the staff of
    its current operator organisation."""

    volunteers: QuerySet[Volunteer]
    staff: QuerySet[User]


def training_candidates(*, centre: Centre, programme: TrainingProgramme | None = None) -> TrainingCandidates:
    """The centre's people who can be enrolled (those already in ``programme`` left out)."""
    volunteers = Volunteer.objects.filter(centre=centre, active=True, erased_at__isnull=True).order_by(
        "name", "pk"
    )
    staff = access.operator_staff(centre).order_by("last_name", "first_name", "username", "pk")
    if programme is not None:
        enrolled = TrainingEnrolment.objects.filter(programme=programme)
        volunteers = volunteers.exclude(
            pk__in=enrolled.filter(volunteer__isnull=False).values("volunteer_id")
        )
        staff = staff.exclude(pk__in=enrolled.filter(staff__isnull=False).values("staff_id"))
    return TrainingCandidates(volunteers=volunteers, staff=staff)


def training_stats(*, filters: stats.StatsFilter | None = None) -> stats.TrainingFigures:
    """People of the centres who completed a programme in the period and area of ``filters``
    (the last twelve months of the whole network by default): in all, by centre and by
    topic. One query."""
    return stats.training(filters or stats.StatsFilter.default())
