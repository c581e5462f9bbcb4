"""Input and output serializers of the network: validation of shape only; services decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db.models import TextChoices
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from centres import access
from centres.api.serializers import EffectsField, PortalDateField, PortalDateTimeField
from centres.models import CalMethod, Centre, Effect, Organization, Volunteer
from network.models import (
    Adoption,
    CentreReport,
    CentreReportEvent,
    CentreReportKind,
    CentreReportStatus,
    Certification,
    CertificationStatus,
    Consultation,
    ConsultationResponse,
    FollowUp,
    FollowUpStatus,
    GoodPractice,
    MeetingKind,
    NetworkMeeting,
    NetworkMembership,
    NetworkReport,
    NetworkReportStatus,
    PracticeStatus,
    SelfAssessment,
    TrainingAttendance,
    TrainingEnrolment,
    TrainingProgramme,
    TrainingRole,
    TrainingSession,
    TrainingSessionKind,
    TrainingTopic,
)
from network.services import CERTIFICATION_FIELDS, SELF_ASSESSMENT_FIELDS


class _NamedChoiceField(serializers.ChoiceField):
    """A choice field whose choice set is one named component of the OpenAPI schema, so
    that fields of the same name elsewhere (``status``, ``kind``) do not collide."""

    choice_set: type[TextChoices]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=self.choice_set.choices, **kwargs)


@extend_schema_field(
    serializers.ChoiceField(choices=MeetingKind.choices), component_name="NetworkMeetingKindEnum"
)
class MeetingKindField(_NamedChoiceField):
    choice_set = MeetingKind


@extend_schema_field(
    serializers.ChoiceField(choices=FollowUpStatus.choices), component_name="FollowUpStatusEnum"
)
class FollowUpStatusField(_NamedChoiceField):
    choice_set = FollowUpStatus


@extend_schema_field(
    serializers.ChoiceField(choices=PracticeStatus.choices), component_name="GoodPracticeStatusEnum"
)
class PracticeStatusField(_NamedChoiceField):
    choice_set = PracticeStatus


@extend_schema_field(
    serializers.ChoiceField(choices=CertificationStatus.choices), component_name="CertificationStatusEnum"
)
class CertificationStatusField(_NamedChoiceField):
    choice_set = CertificationStatus


@extend_schema_field(
    serializers.ChoiceField(choices=CentreReportStatus.choices), component_name="CentreReportStatusEnum"
)
class CentreReportStatusField(_NamedChoiceField):
    choice_set = CentreReportStatus


@extend_schema_field(
    serializers.ChoiceField(choices=CentreReportKind.choices), component_name="CentreReportKindEnum"
)
class CentreReportKindField(_NamedChoiceField):
    choice_set = CentreReportKind


@extend_schema_field(
    serializers.ChoiceField(choices=NetworkReportStatus.choices), component_name="NetworkReportStatusEnum"
)
class NetworkReportStatusField(_NamedChoiceField):
    choice_set = NetworkReportStatus


def _version() -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, help_text="The version of the record you read.")


class _PartialUpdate(serializers.Serializer[Any]):
    """Every field but ``version`` is optional in an update."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name != "version":
                field.required = False


class OrganizationRefSerializer(serializers.ModelSerializer[Organization]):
    class Meta:
        model = Organization
        fields = ["id", "name"]
        read_only_fields = fields


# --- Membership -----------------------------------------------------------------------------


class NetworkMembershipSerializer(serializers.ModelSerializer[NetworkMembership]):
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = NetworkMembership
        fields = ["id", "organization", "organization_name", "joined", "left", "is_animator", "note"]
        read_only_fields = fields


class NetworkMembershipInputSerializer(serializers.Serializer[Any]):
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())
    joined = serializers.DateField()
    left = serializers.DateField(required=False, allow_null=True)
    is_animator = serializers.BooleanField(required=False, default=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class NetworkMembershipUpdateSerializer(serializers.Serializer[Any]):
    joined = serializers.DateField(required=False)
    left = serializers.DateField(required=False, allow_null=True)
    is_animator = serializers.BooleanField(required=False)
    note = serializers.CharField(required=False, allow_blank=True)


# --- Meetings and follow-ups -------------------------------------------------------------


class FollowUpSerializer(serializers.ModelSerializer[FollowUp]):
    assignee_name = serializers.CharField(source="assignee.name", read_only=True)
    status = FollowUpStatusField(read_only=True)

    class Meta:
        model = FollowUp
        fields = ["id", "meeting", "title", "assignee", "assignee_name", "due", "status", "note", "version"]
        read_only_fields = fields


class NetworkMeetingSerializer(serializers.ModelSerializer[NetworkMeeting]):
    kind = MeetingKindField(read_only=True)
    attendees = OrganizationRefSerializer(many=True, read_only=True)
    follow_ups = FollowUpSerializer(many=True, read_only=True)

    class Meta:
        model = NetworkMeeting
        fields = [
            "id",
            "kind",
            "date",
            "place",
            "agenda",
            "decisions",
            "minutes",
            "attendees",
            "follow_ups",
            "version",
        ]
        read_only_fields = fields


class _MeetingFields(serializers.Serializer[Any]):
    kind = MeetingKindField(required=False, default=MeetingKind.SCAL)
    date = serializers.DateField()
    place = serializers.CharField(required=False, allow_blank=True, max_length=255)
    agenda = serializers.CharField(required=False, allow_blank=True)
    decisions = serializers.CharField(required=False, allow_blank=True)
    minutes = serializers.CharField(required=False, allow_blank=True)
    attendees = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), many=True, required=False
    )


class NetworkMeetingInputSerializer(_MeetingFields):
    pass


class NetworkMeetingUpdateSerializer(_MeetingFields, _PartialUpdate):
    version = _version()
    kind = MeetingKindField(required=False)


class FollowUpInputSerializer(serializers.Serializer[Any]):
    meeting = serializers.PrimaryKeyRelatedField(queryset=NetworkMeeting.objects.all())
    title = serializers.CharField(max_length=255)
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(),
        help_text="A member organisation of the network on the meeting's day.",
    )
    due = serializers.DateField(required=False, allow_null=True)
    status = FollowUpStatusField(required=False, default=FollowUpStatus.OPEN)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class FollowUpUpdateSerializer(_PartialUpdate):
    """The animator may change every field; the assignee's people ``status`` and ``note``."""

    version = _version()
    title = serializers.CharField(max_length=255)
    assignee = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())
    due = serializers.DateField(allow_null=True)
    status = FollowUpStatusField()
    note = serializers.CharField(allow_blank=True)


# --- Good practices ---------------------------------------------------------------------


class AdoptionSerializer(serializers.ModelSerializer[Adoption]):
    centre = serializers.SlugRelatedField[Centre](slug_field="slug", read_only=True)
    centre_name = serializers.CharField(source="centre.name", read_only=True)

    class Meta:
        model = Adoption
        fields = ["id", "practice", "centre", "centre_name", "adopted_on", "outcome", "version"]
        read_only_fields = fields


class GoodPracticeSerializer(serializers.ModelSerializer[GoodPractice]):
    centre = serializers.SlugRelatedField[Centre](slug_field="slug", read_only=True)
    centre_name = serializers.CharField(source="centre.name", read_only=True)
    method = serializers.ChoiceField(choices=CalMethod.choices, read_only=True)
    effects = serializers.ListField(child=serializers.ChoiceField(choices=Effect.choices), read_only=True)
    status = PracticeStatusField(read_only=True)
    adoptions = AdoptionSerializer(many=True, read_only=True)
    has_attachment = serializers.SerializerMethodField()

    class Meta:
        model = GoodPractice
        fields = [
            "id",
            "centre",
            "centre_name",
            "title",
            "summary",
            "method",
            "effects",
            "description",
            "status",
            "published_at",
            "has_attachment",
            "adoptions",
            "version",
        ]
        read_only_fields = fields

    def get_has_attachment(self, practice: GoodPractice) -> bool:
        return bool(practice.attachment)


class GoodPracticeInputSerializer(serializers.Serializer[Any]):
    """A draft for a centre the user edits (``centre``: its slug); the animator publishes it."""

    centre = serializers.SlugRelatedField[Centre](slug_field="slug", queryset=Centre.objects.all())
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField(max_length=500)
    method = serializers.ChoiceField(choices=CalMethod.choices)
    effects = EffectsField(required=False)
    description = serializers.CharField(required=False, allow_blank=True, default="")


class GoodPracticeUpdateSerializer(_PartialUpdate):
    version = _version()
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField(max_length=500)
    method = serializers.ChoiceField(choices=CalMethod.choices)
    effects = EffectsField()
    description = serializers.CharField(allow_blank=True)


class VersionSerializer(serializers.Serializer[Any]):
    version = _version()


class AdoptionInputSerializer(serializers.Serializer[Any]):
    centre = serializers.SlugRelatedField[Centre](
        slug_field="slug",
        queryset=Centre.objects.all(),
        help_text="The adopting centre (not the practice's own).",
    )
    adopted_on = serializers.DateField()
    outcome = serializers.CharField(required=False, allow_blank=True, default="")


# --- Consultations -----------------------------------------------------------------------


class ConsultationSerializer(serializers.ModelSerializer[Consultation]):
    is_open = serializers.SerializerMethodField()
    has_document_file = serializers.SerializerMethodField()

    class Meta:
        model = Consultation
        fields = [
            "id",
            "title",
            "subject",
            "description",
            "document_url",
            "has_document_file",
            "opens",
            "closes",
            "is_open",
            "version",
        ]
        read_only_fields = fields

    def get_is_open(self, consultation: Consultation) -> bool:
        return consultation.is_open(timezone.localdate())

    def get_has_document_file(self, consultation: Consultation) -> bool:
        return bool(consultation.document)


class ConsultationInputSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=200)
    subject = serializers.CharField(max_length=255)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    document_url = serializers.URLField(required=False, allow_blank=True, default="")
    opens = serializers.DateField()
    closes = serializers.DateField()


class ConsultationUpdateSerializer(ConsultationInputSerializer, _PartialUpdate):
    version = _version()
    description = serializers.CharField(required=False, allow_blank=True)
    document_url = serializers.URLField(required=False, allow_blank=True)


class ConsultationResponseSerializer(serializers.ModelSerializer[ConsultationResponse]):
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = ConsultationResponse
        fields = [
            "id",
            "consultation",
            "organization",
            "organization_name",
            "text",
            "submitted_at",
            "version",
        ]
        read_only_fields = fields


class ConsultationResponseInputSerializer(serializers.Serializer[Any]):
    consultation = serializers.PrimaryKeyRelatedField(queryset=Consultation.objects.all())
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), help_text="Your organisation, a member of the network."
    )
    text = serializers.CharField()


class ConsultationResponseUpdateSerializer(serializers.Serializer[Any]):
    version = _version()
    text = serializers.CharField()


# --- Certification and self-assessment ------------------------------------------------


class CertificationSerializer(serializers.ModelSerializer[Certification]):
    centre = serializers.SlugRelatedField[Centre](slug_field="slug", read_only=True)
    centre_name = serializers.CharField(source="centre.name", read_only=True)
    status = CertificationStatusField(read_only=True)

    class Meta:
        model = Certification
        fields = ["id", "centre", "centre_name", *CERTIFICATION_FIELDS, "version"]
        read_only_fields = fields


class _CertificationFields(serializers.Serializer[Any]):
    status = CertificationStatusField(required=False, default=CertificationStatus.APPLIED)
    applied_on = serializers.DateField()
    visited_on = serializers.DateField(required=False, allow_null=True)
    granted_on = serializers.DateField(required=False, allow_null=True)
    valid_until = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Default: five years after granting; another date needs a decision note.",
    )
    decision_note = serializers.CharField(required=False, allow_blank=True, default="")


class CertificationInputSerializer(_CertificationFields):
    centre = serializers.SlugRelatedField[Centre](slug_field="slug", queryset=Centre.objects.all())


class CertificationUpdateSerializer(_CertificationFields, _PartialUpdate):
    version = _version()
    status = CertificationStatusField(required=False)
    decision_note = serializers.CharField(required=False, allow_blank=True)


def _score() -> serializers.IntegerField:
    return serializers.IntegerField(min_value=0, max_value=5, required=False, allow_null=True)


def _evidence() -> serializers.CharField:
    return serializers.CharField(required=False, allow_blank=True)


class SelfAssessmentSerializer(serializers.ModelSerializer[SelfAssessment]):
    centre = serializers.SlugRelatedField[Centre](slug_field="slug", read_only=True)
    score_total = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = SelfAssessment
        fields = [
            "id",
            "centre",
            "year",
            *SELF_ASSESSMENT_FIELDS,
            "score_total",
            "submitted",
            "submitted_at",
            "version",
        ]
        read_only_fields = fields


class _SelfAssessmentFields(serializers.Serializer[Any]):
    score_place = _score()
    evidence_place = _evidence()
    score_needs = _score()
    evidence_needs = _evidence()
    score_fields = _score()
    evidence_fields = _evidence()
    score_volunteering = _score()
    evidence_volunteering = _evidence()
    score_initiatives = _score()
    evidence_initiatives = _evidence()
    submit = serializers.BooleanField(
        required=False, default=False, help_text="Submit it (final; every score is needed)."
    )


class SelfAssessmentInputSerializer(_SelfAssessmentFields):
    centre = serializers.SlugRelatedField[Centre](slug_field="slug", queryset=Centre.objects.all())
    year = serializers.IntegerField(min_value=2000, max_value=2100)


class SelfAssessmentUpdateSerializer(_SelfAssessmentFields):
    version = _version()


# --- Reports --------------------------------------------------------------------------------


def _absolute(context: dict[str, Any], url: str) -> str:
    request = context.get("request")
    return request.build_absolute_uri(url) if request is not None else url


class BudgetLineSerializer(serializers.Serializer[Any]):
    """One cost of a final report; amounts in zł as decimal strings (the service checks them)."""

    name = serializers.CharField(max_length=200, allow_blank=True)
    granted = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    spent = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    own = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    in_kind = serializers.CharField(required=False, allow_blank=True, allow_null=True)


class CentreReportLinksSerializer(serializers.Serializer[Any]):
    html = serializers.URLField(read_only=True)
    pdf = serializers.URLField(read_only=True)
    xlsx = serializers.URLField(read_only=True)


class CentreReportSerializer(serializers.ModelSerializer[CentreReport]):
    """A centre report as the list shows it. ``figures`` are the period's counts as built
    (frozen once submitted); ``links`` lead to the page and the PDF and XLSX exports."""

    centre = serializers.SlugRelatedField[Centre](slug_field="slug", read_only=True)
    centre_name = serializers.CharField(source="centre.name", read_only=True)
    organization_name = serializers.CharField(source="term.organization.name", read_only=True)
    kind = CentreReportKindField(read_only=True)
    status = CentreReportStatusField(read_only=True)
    figures = serializers.JSONField(read_only=True)
    budget_lines = BudgetLineSerializer(many=True, read_only=True)
    links = serializers.SerializerMethodField()

    class Meta:
        model = CentreReport
        fields = [
            "id",
            "centre",
            "centre_name",
            "term",
            "organization_name",
            "kind",
            "period_start",
            "period_end",
            "due_on",
            "status",
            "figures",
            "figures_at",
            "results",
            "actions",
            "deviations",
            "additional_info",
            "budget_lines",
            "submitted_at",
            "reviewed_at",
            "review_comment",
            "links",
            "version",
        ]
        read_only_fields = fields

    @extend_schema_field(CentreReportLinksSerializer)
    def get_links(self, report: CentreReport) -> dict[str, str]:
        return {
            "html": _absolute(self.context, report.get_absolute_url()),
            "pdf": _absolute(self.context, reverse("network:centre-report-pdf", args=[report.pk])),
            "xlsx": _absolute(self.context, reverse("network:centre-report-xlsx", args=[report.pk])),
        }


class CentreReportEventSerializer(serializers.ModelSerializer[CentreReportEvent]):
    # None when the system made the change (a draft built by the periodic task).
    actor = serializers.SlugRelatedField[Any](slug_field="username", read_only=True, allow_null=True)
    from_status = serializers.SerializerMethodField()
    to_status = CentreReportStatusField(read_only=True)

    class Meta:
        model = CentreReportEvent
        fields = ["at", "actor", "from_status", "to_status", "comment"]
        read_only_fields = fields

    @extend_schema_field(CentreReportStatusField(allow_null=True))
    def get_from_status(self, event: CentreReportEvent) -> str | None:
        return event.from_status or None


class CentreReportDetailSerializer(CentreReportSerializer):
    """A report with its status log (who changed its status, when, and the comments)."""

    status_log = CentreReportEventSerializer(many=True, read_only=True)

    class Meta(CentreReportSerializer.Meta):
        fields = [*CentreReportSerializer.Meta.fields, "status_log"]
        read_only_fields = fields


class CentreReportUpdateSerializer(_PartialUpdate):
    """The operator's narrative (Parts I and III) and a final report's budget (Part II)."""

    version = _version()
    results = serializers.CharField(allow_blank=True, trim_whitespace=False)
    actions = serializers.CharField(allow_blank=True, trim_whitespace=False)
    deviations = serializers.CharField(allow_blank=True, trim_whitespace=False)
    additional_info = serializers.CharField(allow_blank=True, trim_whitespace=False)
    budget_lines = BudgetLineSerializer(many=True, help_text="Final reports only.")


class CentreReportSubmitSerializer(CentreReportUpdateSerializer):
    """Submit the report, saving the fields given first; the figures are then frozen."""


class CentreReportReturnSerializer(serializers.Serializer[Any]):
    version = _version()
    comment = serializers.CharField(help_text="What the operator should correct.")


class CentreReportAcceptSerializer(serializers.Serializer[Any]):
    version = _version()
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class NetworkReportLinksSerializer(serializers.Serializer[Any]):
    html = serializers.URLField(read_only=True)
    status = serializers.URLField(read_only=True)
    pdf = serializers.URLField(read_only=True, allow_null=True)
    xlsx = serializers.URLField(read_only=True, allow_null=True)


class NetworkReportSerializer(serializers.ModelSerializer[NetworkReport]):
    """A network report and how far its build has come; the downloads once it is complete."""

    status = NetworkReportStatusField(read_only=True)
    is_month = serializers.BooleanField(read_only=True)
    requested_by = serializers.SlugRelatedField[Any](slug_field="username", read_only=True)
    links = serializers.SerializerMethodField()

    class Meta:
        model = NetworkReport
        fields = [
            "id",
            "period_start",
            "period_end",
            "is_month",
            "status",
            "progress",
            "requested_by",
            "created_at",
            "generated_at",
            "links",
        ]
        read_only_fields = fields

    @extend_schema_field(NetworkReportLinksSerializer)
    def get_links(self, report: NetworkReport) -> dict[str, str | None]:
        def download(fmt: str) -> str | None:
            if not report.is_complete:
                return None
            return _absolute(self.context, reverse("network:network-report-download", args=[report.pk, fmt]))

        return {
            "html": _absolute(self.context, report.get_absolute_url()),
            "status": _absolute(self.context, reverse("network:network-report-status", args=[report.pk])),
            "pdf": download("pdf"),
            "xlsx": download("xlsx"),
        }


class NetworkReportRequestSerializer(serializers.Serializer[Any]):
    start = serializers.DateField(help_text="The first day of the period.")
    end = serializers.DateField(help_text="The last day of the period (at most three years after the start).")


# --- Animators' training ----------------------------------------------------------------


@extend_schema_field(
    serializers.ChoiceField(choices=TrainingTopic.choices), component_name="TrainingTopicEnum"
)
class TrainingTopicField(_NamedChoiceField):
    choice_set = TrainingTopic


@extend_schema_field(
    serializers.ChoiceField(choices=TrainingSessionKind.choices), component_name="TrainingSessionKindEnum"
)
class TrainingSessionKindField(_NamedChoiceField):
    choice_set = TrainingSessionKind


@extend_schema_field(serializers.ChoiceField(choices=TrainingRole.choices), component_name="TrainingRoleEnum")
class TrainingRoleField(_NamedChoiceField):
    choice_set = TrainingRole


def _hours(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=8, decimal_places=1, coerce_to_string=False, **kwargs)


class TrainingSessionSerializer(serializers.ModelSerializer[TrainingSession]):
    topic = TrainingTopicField(read_only=True)
    kind = TrainingSessionKindField(read_only=True)
    hours = _hours(read_only=True)

    class Meta:
        model = TrainingSession
        fields = ["id", "programme", "topic", "kind", "starts_at", "hours", "trainer", "place", "version"]
        read_only_fields = fields


class TrainingProgrammeSerializer(serializers.ModelSerializer[TrainingProgramme]):
    """A programme with its sessions in order of time; never the people enrolled (those are
    ``training-enrolments``, for the operators of their centres, the animator and city staff)."""

    topic = TrainingTopicField(read_only=True)
    status = serializers.SerializerMethodField()
    total_hours = _hours(read_only=True, help_text="The hours of all the programme's sessions.")
    session_count = serializers.IntegerField(read_only=True)
    enrolled_count = serializers.IntegerField(read_only=True)
    sessions = TrainingSessionSerializer(many=True, read_only=True)

    class Meta:
        model = TrainingProgramme
        fields = [
            "id",
            "title",
            "description",
            "topic",
            "starts_on",
            "ends_on",
            "status",
            "attendance_threshold",
            "capacity",
            "total_hours",
            "session_count",
            "enrolled_count",
            "sessions",
            "version",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=["upcoming", "running", "finished"]))
    def get_status(self, programme: TrainingProgramme) -> str:
        if programme.is_finished:
            return "finished"
        return "upcoming" if programme.is_upcoming else "running"


class TrainingProgrammeInputSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    topic = TrainingTopicField()
    starts_on = PortalDateField()
    ends_on = PortalDateField()
    attendance_threshold = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=100,
        default=80,
        help_text="Percent of the programme's hours a person must attend to complete it.",
    )
    capacity = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=100000,
        default=None,
        help_text="Null: no limit.",
    )


class TrainingProgrammeUpdateSerializer(TrainingProgrammeInputSerializer, _PartialUpdate):
    version = _version()
    description = serializers.CharField(required=False, allow_blank=True)
    attendance_threshold = serializers.IntegerField(required=False, min_value=1, max_value=100)
    capacity = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=100000)


class TrainingSessionInputSerializer(serializers.Serializer[Any]):
    topic = TrainingTopicField(required=False, help_text="The programme's topic when left out.")
    kind = TrainingSessionKindField(required=False, default=TrainingSessionKind.SESSION)
    starts_at = PortalDateTimeField(help_text="Within the programme's dates.")
    hours = serializers.DecimalField(
        max_digits=4, decimal_places=1, min_value=Decimal("0.1"), coerce_to_string=False
    )
    trainer = serializers.CharField(max_length=200)
    place = serializers.CharField(required=False, allow_blank=True, max_length=255, default="")


class TrainingSessionUpdateSerializer(TrainingSessionInputSerializer, _PartialUpdate):
    version = _version()
    kind = TrainingSessionKindField(required=False)
    place = serializers.CharField(required=False, allow_blank=True, max_length=255)


class TrainingAttendanceInputSerializer(serializers.Serializer[Any]):
    present = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        allow_empty=True,
        max_length=10000,
        help_text="The ids of the enrolments present; every other enrolment of the programme is absent.",
    )


class TrainingAttendanceSerializer(serializers.ModelSerializer[TrainingAttendance]):
    name = serializers.CharField(source="enrolment.person_name", read_only=True)

    class Meta:
        model = TrainingAttendance
        fields = ["id", "session", "enrolment", "name", "present", "recorded_at"]
        read_only_fields = fields


class TrainingEnrolmentSerializer(serializers.ModelSerializer[TrainingEnrolment]):
    """An enrolled person: the name on the attendance list, never contact data."""

    programme_title = serializers.CharField(source="programme.title", read_only=True)
    centre = serializers.SlugRelatedField[Centre](slug_field="slug", read_only=True)
    centre_name = serializers.CharField(source="centre.name", read_only=True)
    name = serializers.CharField(
        source="person_name", read_only=True, help_text="The name on the attendance list and the certificate."
    )
    role = TrainingRoleField(read_only=True)
    attended_hours = _hours(read_only=True)
    total_hours = _hours(read_only=True, help_text="The hours of all the programme's sessions.")
    completed = serializers.BooleanField(read_only=True)

    class Meta:
        model = TrainingEnrolment
        fields = [
            "id",
            "programme",
            "programme_title",
            "centre",
            "centre_name",
            "name",
            "role",
            "volunteer",
            "staff",
            "attended_hours",
            "total_hours",
            "completed",
            "completed_on",
            "version",
        ]
        read_only_fields = fields


class TrainingEnrolmentInputSerializer(serializers.Serializer[Any]):
    """One person of a centre the user edits: a volunteer of the centre or a member of its
    operator organisation's staff (exactly one of the two)."""

    programme = serializers.PrimaryKeyRelatedField(queryset=TrainingProgramme.objects.all())
    centre = serializers.SlugRelatedField[Centre](slug_field="slug", queryset=Centre.objects.all())
    volunteer = serializers.PrimaryKeyRelatedField(
        queryset=Volunteer.objects.none(), required=False, allow_null=True, default=None
    )
    staff = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True, default=None
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the volunteers the user may see can be named (another centre's: "no such").
        request = self.context.get("request")
        if request is not None:
            self.fields["volunteer"].queryset = access.visible_volunteers(request.user)  # type: ignore[attr-defined]
