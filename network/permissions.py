"""Who may see and change the network's shared work. The roles are centres.access's;
this module applies them to the network's records, so that pages, the API, the admin
and the services ask one place.

- The network animator runs meetings and follow-ups, publishes good practices and opens
  consultations; city staff may do all of it and alone manage certification, the
  standing team and memberships. Standing-team members read.
- Operators propose good practices for their centres (drafts), answer consultations and
  update the follow-ups of their organisations, and fill their centres' self-assessments.
  Another centre's draft or self-assessment is a 404 for them.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from centres import access
from centres.access import UserLike
from centres.models import Centre, Organization
from network.models import (
    Adoption,
    Certification,
    Consultation,
    ConsultationResponse,
    FollowUp,
    GoodPractice,
    MeetingKind,
    NetworkMeeting,
    NetworkMembership,
    PracticeStatus,
    SelfAssessment,
    TeamMember,
    TrainingEnrolment,
    TrainingProgramme,
)


def _signed_in(user: UserLike) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.is_active


def can_run_network(user: UserLike) -> bool:
    """Meetings, follow-ups, publishing practices, consultations: the animator (and city staff)."""
    return access.is_network_animator(user) or access.is_city_staff(user)


def can_manage_registry(user: UserLike) -> bool:
    """Memberships, the standing team and certification: city staff."""
    return access.is_city_staff(user)


def member_organizations(user: UserLike) -> QuerySet[Organization]:
    """The user's organisations that are members of the network today."""
    today = access.today()
    return access.operator_organizations(user).filter(
        Q(network_memberships__left__isnull=True) | Q(network_memberships__left__gte=today),
        network_memberships__joined__lte=today,
    )


def is_network_participant(user: UserLike) -> bool:
    """Anyone who takes part in the network's work: its viewers, and operators."""
    return access.can_view_network(user) or access.is_operator(user)


# --- Membership and the standing team --------------------------------------------------


def visible_memberships(user: UserLike) -> QuerySet[NetworkMembership]:
    if is_network_participant(user):
        return NetworkMembership.objects.all()
    return NetworkMembership.objects.none()


def visible_team(user: UserLike) -> QuerySet[TeamMember]:
    if access.can_view_network(user):
        return TeamMember.objects.all()
    return TeamMember.objects.none()


# --- Meetings and follow-ups ------------------------------------------------------------


def visible_meetings(user: UserLike) -> QuerySet[NetworkMeeting]:
    """The animator, the team and city staff read every meeting; an operator whose
    organisation is a member reads the SCAL meetings (not the standing team's)."""
    if access.can_view_network(user):
        return NetworkMeeting.objects.all()
    if member_organizations(user).exists():
        return NetworkMeeting.objects.filter(kind=MeetingKind.SCAL)
    return NetworkMeeting.objects.none()


def visible_follow_ups(user: UserLike) -> QuerySet[FollowUp]:
    if access.can_view_network(user):
        return FollowUp.objects.all()
    return FollowUp.objects.filter(assignee__in=access.operator_organizations(user).values("pk"))


def can_update_follow_up_status(user: UserLike, follow_up: FollowUp) -> bool:
    """The assignee's people report progress; the animator may too."""
    if can_run_network(user):
        return True
    return access.operator_organizations(user).filter(pk=follow_up.assignee_id).exists()


# --- Good practices ---------------------------------------------------------------------


def public_practices() -> QuerySet[GoodPractice]:
    return GoodPractice.objects.filter(status=PracticeStatus.PUBLISHED)


def visible_practices(user: UserLike) -> QuerySet[GoodPractice]:
    """Managing practices: the network's viewers see all, drafts too; an operator sees
    their centres' practices and the published ones."""
    if access.can_view_network(user):
        return GoodPractice.objects.all()
    if not _signed_in(user):
        return GoodPractice.objects.none()
    own = Q(centre__in=access.editable_centres(user).values("pk"))
    return GoodPractice.objects.filter(own | Q(status=PracticeStatus.PUBLISHED))


def can_propose_practice(user: UserLike, centre: Centre) -> bool:
    return can_run_network(user) or access.can_edit_centre(user, centre)


def can_edit_practice(user: UserLike, practice: GoodPractice) -> bool:
    """The animator edits any practice; the centre's operators their drafts."""
    if can_run_network(user):
        return True
    return practice.status == PracticeStatus.DRAFT and access.can_edit_centre(user, practice.centre)


def can_publish_practice(user: UserLike) -> bool:
    return can_run_network(user)


def can_record_adoption(user: UserLike, centre: Centre) -> bool:
    """The animator, or the operators of the adopting centre."""
    return can_run_network(user) or access.can_edit_centre(user, centre)


def editable_adoptions(user: UserLike) -> QuerySet[Adoption]:
    if can_run_network(user):
        return Adoption.objects.all()
    return Adoption.objects.filter(centre__in=access.editable_centres(user).values("pk"))


# --- Consultations ----------------------------------------------------------------------


def visible_consultations(user: UserLike) -> QuerySet[Consultation]:
    if is_network_participant(user):
        return Consultation.objects.all()
    return Consultation.objects.none()


def visible_responses(user: UserLike) -> QuerySet[ConsultationResponse]:
    """The network's viewers read every answer; an operator reads their organisations'."""
    if access.can_view_network(user):
        return ConsultationResponse.objects.all()
    return ConsultationResponse.objects.filter(
        organization__in=access.operator_organizations(user).values("pk")
    )


def can_respond_for(user: UserLike, organization: Organization) -> bool:
    return access.operator_organizations(user).filter(pk=organization.pk).exists()


# --- Certification and self-assessment ------------------------------------------------


def visible_certifications(user: UserLike) -> QuerySet[Certification]:
    if access.can_view_network(user):
        return Certification.objects.all()
    return Certification.objects.filter(centre__in=access.editable_centres(user).values("pk"))


def visible_self_assessments(user: UserLike) -> QuerySet[SelfAssessment]:
    """City staff and the centre's operators see drafts; the animator and the team read
    the submitted ones."""
    if access.is_city_staff(user):
        return SelfAssessment.objects.all()
    own = Q(centre__in=access.editable_centres(user).values("pk"))
    if access.can_view_network(user):
        return SelfAssessment.objects.filter(own | Q(submitted=True))
    if not _signed_in(user):
        return SelfAssessment.objects.none()
    return SelfAssessment.objects.filter(own)


def can_edit_self_assessment(user: UserLike, centre: Centre) -> bool:
    return access.can_edit_centre(user, centre)


# --- Animators' training ----------------------------------------------------------------
# The animator and city staff run programmes (sessions, attendance); operators enrol the
# people of the centres they may edit and see only those people. The animator and city staff
# see every enrolment (names, never a volunteer's contact data); the standing team sees the
# programmes, not the people.


def can_manage_training(user: UserLike) -> bool:
    """Programmes, their sessions and attendance: the animator and city staff."""
    return access.is_network_animator(user) or access.is_city_staff(user)


def visible_programmes(user: UserLike) -> QuerySet[TrainingProgramme]:
    """Programmes: the network's viewers and the operators (who enrol their people)."""
    if is_network_participant(user):
        return TrainingProgramme.objects.all()
    return TrainingProgramme.objects.none()


def can_enrol(user: UserLike, centre: Centre) -> bool:
    """Enrolling a centre's people: its operators (and city staff)."""
    return access.can_edit_centre(user, centre)


def enrolments_visible_to(user: UserLike) -> QuerySet[TrainingEnrolment]:
    """The animator and city staff see every enrolment; an operator sees those of the
    centres they may edit; anyone else (the standing team, the public) none."""
    if can_manage_training(user):
        return TrainingEnrolment.objects.all()
    if not _signed_in(user):
        return TrainingEnrolment.objects.none()
    return TrainingEnrolment.objects.filter(centre__in=access.editable_centres(user).values("pk"))


def can_withdraw_enrolment(user: UserLike, enrolment: TrainingEnrolment) -> bool:
    """The centre's operators (and city staff), and those who run the programme."""
    return can_enrol(user, enrolment.centre) or can_manage_training(user)


def can_download_certificate(user: UserLike, enrolment: TrainingEnrolment) -> bool:
    """A certificate of completion: the centre's operators, city staff and the animator,
    once the person has completed the programme."""
    if enrolment.completed_on is None:
        return False
    return can_manage_training(user) or access.can_edit_centre(user, enrolment.centre)
