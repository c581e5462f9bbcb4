"""Reads of the network app. Each list is filtered by network.permissions and decides
its joins once, so that a page's query count does not grow with its rows."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from centres import access
from centres.access import UserLike
from centres.models import Centre, Organization
from network import permissions
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
