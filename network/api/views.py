"""Thin API views of the network: they validate input, read through the selectors (which
network.permissions filters: another centre's draft or self-assessment is a 404) and write
through the services (a refusal is a 400 with fields, a forbidden write a 403, a stale
``version`` a 409)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from centres.api.serializers import ConflictSerializer, VersionInputSerializer
from network import permissions as network_permissions
from network import selectors, services
from network.api import serializers as s
from network.filters import (
    CertificationFilter,
    ConsultationFilter,
    ConsultationResponseFilter,
    FollowUpFilter,
    MeetingFilter,
    MembershipFilter,
    PracticeManageFilter,
    SelfAssessmentFilter,
    TrainingEnrolmentFilter,
    TrainingProgrammeFilter,
)
from network.models import (
    CentreReport,
    CentreReportStatus,
    Certification,
    Consultation,
    ConsultationResponse,
    FollowUp,
    GoodPractice,
    NetworkMeeting,
    NetworkMembership,
    NetworkReport,
    NetworkReportStatus,
    SelfAssessment,
    TrainingEnrolment,
    TrainingProgramme,
    TrainingSession,
)
from network.reports import centre as centre_reports
from network.reports import network as network_reports

CONFLICT_RESPONSE = OpenApiResponse(
    description="Someone else changed the record since you read it (a stale `version`); nothing was saved."
)
READ_AND_WRITE = ["get", "post", "patch", "head", "options"]


class _NetworkViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Any]):
    permission_classes = [permissions.IsAuthenticated]
    http_method_names = READ_AND_WRITE
    input_serializers: dict[str, type[BaseSerializer[Any]]] = {}

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        return self.input_serializers.get(self.action, self.serializer_class)  # type: ignore[return-value]

    def _input(self, serializer_class: type[BaseSerializer[Any]]) -> dict[str, Any]:
        data = serializer_class(data=self.request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        return dict(data.validated_data)

    def _output(self, record: Model, status_code: int = status.HTTP_200_OK) -> Response:
        """The record as the list shows it, read again after the write."""
        found = self.get_queryset().get(pk=record.pk)
        serializer_class = self.serializer_class
        assert serializer_class is not None
        return Response(
            serializer_class(found, context=self.get_serializer_context()).data, status=status_code
        )


class NetworkMembershipViewSet(_NetworkViewSet):
    """Member organisations of SCAL over time; exactly one current animator. City staff
    record them; the network's participants read."""

    serializer_class = s.NetworkMembershipSerializer
    filterset_class = MembershipFilter
    input_serializers = {
        "create": s.NetworkMembershipInputSerializer,
        "partial_update": s.NetworkMembershipUpdateSerializer,
    }

    def get_queryset(self) -> QuerySet[NetworkMembership]:
        return selectors.membership_list(user=self.request.user)

    @extend_schema(request=s.NetworkMembershipInputSerializer, responses={201: s.NetworkMembershipSerializer})
    def create(self, request: Request) -> Response:
        membership = services.network_membership_create(
            actor=request.user, **self._input(s.NetworkMembershipInputSerializer)
        )
        return self._output(membership, status.HTTP_201_CREATED)

    @extend_schema(
        request=s.NetworkMembershipUpdateSerializer, responses={200: s.NetworkMembershipSerializer}
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        membership = self.get_object()
        services.network_membership_update(
            membership=membership, actor=request.user, **self._input(s.NetworkMembershipUpdateSerializer)
        )
        return self._output(membership)


class NetworkMeetingViewSet(_NetworkViewSet):
    """Meetings of SCAL and of the standing team, with their tasks (``follow_ups``).
    The animator records them; the team reads; operators read the SCAL meetings."""

    serializer_class = s.NetworkMeetingSerializer
    filterset_class = MeetingFilter
    input_serializers = {
        "create": s.NetworkMeetingInputSerializer,
        "partial_update": s.NetworkMeetingUpdateSerializer,
    }

    def get_queryset(self) -> QuerySet[NetworkMeeting]:
        return selectors.meeting_detail_queryset(user=self.request.user).order_by("-date", "-pk")

    @extend_schema(request=s.NetworkMeetingInputSerializer, responses={201: s.NetworkMeetingSerializer})
    def create(self, request: Request) -> Response:
        fields = self._input(s.NetworkMeetingInputSerializer)
        meeting = services.network_meeting_create(
            actor=request.user, attendees=fields.pop("attendees", []), **fields
        )
        return self._output(meeting, status.HTTP_201_CREATED)

    @extend_schema(
        request=s.NetworkMeetingUpdateSerializer,
        responses={200: s.NetworkMeetingSerializer, 409: CONFLICT_RESPONSE},
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        meeting = self.get_object()
        fields = self._input(s.NetworkMeetingUpdateSerializer)
        services.network_meeting_update(
            meeting=meeting,
            actor=request.user,
            expected_version=fields.pop("version"),
            attendees=fields.pop("attendees", None),
            **fields,
        )
        return self._output(meeting)


class FollowUpViewSet(_NetworkViewSet):
    """Tasks agreed at network meetings. The animator creates and changes them; the people
    of the assignee organisation update ``status`` and ``note``."""

    serializer_class = s.FollowUpSerializer
    filterset_class = FollowUpFilter
    input_serializers = {"create": s.FollowUpInputSerializer, "partial_update": s.FollowUpUpdateSerializer}

    def get_queryset(self) -> QuerySet[FollowUp]:
        return selectors.follow_up_list(user=self.request.user)

    @extend_schema(request=s.FollowUpInputSerializer, responses={201: s.FollowUpSerializer})
    def create(self, request: Request) -> Response:
        fields = self._input(s.FollowUpInputSerializer)
        meeting = fields.pop("meeting")
        if not selectors.meeting_detail_queryset(user=request.user).filter(pk=meeting.pk).exists():
            raise ValidationError({"meeting": [_("No such meeting.")]})
        follow_up = services.follow_up_create(meeting=meeting, actor=request.user, **fields)
        return self._output(follow_up, status.HTTP_201_CREATED)

    @extend_schema(
        request=s.FollowUpUpdateSerializer, responses={200: s.FollowUpSerializer, 409: CONFLICT_RESPONSE}
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        follow_up = self.get_object()
        fields = self._input(s.FollowUpUpdateSerializer)
        version = fields.pop("version")
        if network_permissions.can_run_network(request.user) or set(fields) - {"status", "note"}:
            services.follow_up_update(
                follow_up=follow_up, actor=request.user, expected_version=version, **fields
            )
        else:
            services.follow_up_report_progress(
                follow_up=follow_up,
                actor=request.user,
                expected_version=version,
                status=fields.get("status", follow_up.status),
                note=fields.get("note", follow_up.note),
            )
        return self._output(follow_up)


class GoodPracticeViewSet(_NetworkViewSet):
    """Good practices with their adoptions. Operators propose drafts for their centres and
    see their own drafts; the animator publishes. The public list is ``/practices/``."""

    serializer_class = s.GoodPracticeSerializer
    filterset_class = PracticeManageFilter
    input_serializers = {
        "create": s.GoodPracticeInputSerializer,
        "partial_update": s.GoodPracticeUpdateSerializer,
        "publish": s.VersionSerializer,
        "unpublish": s.VersionSerializer,
        "adopt": s.AdoptionInputSerializer,
    }

    def get_queryset(self) -> QuerySet[GoodPractice]:
        return (
            selectors.practice_list(user=self.request.user)
            .prefetch_related(selectors.adoptions_prefetch())
            .order_by("-published_at", "pk")
        )

    @extend_schema(request=s.GoodPracticeInputSerializer, responses={201: s.GoodPracticeSerializer})
    def create(self, request: Request) -> Response:
        fields = self._input(s.GoodPracticeInputSerializer)
        practice = services.practice_create(centre=fields.pop("centre"), actor=request.user, **fields)
        return self._output(practice, status.HTTP_201_CREATED)

    @extend_schema(
        request=s.GoodPracticeUpdateSerializer,
        responses={200: s.GoodPracticeSerializer, 409: CONFLICT_RESPONSE},
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        practice = self.get_object()
        fields = self._input(s.GoodPracticeUpdateSerializer)
        services.practice_update(
            practice=practice, actor=request.user, expected_version=fields.pop("version"), **fields
        )
        return self._output(practice)

    @extend_schema(
        request=s.VersionSerializer, responses={200: s.GoodPracticeSerializer, 409: CONFLICT_RESPONSE}
    )
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        """Publish the practice on /practices/ (the animator)."""
        practice = self.get_object()
        version = self._input(s.VersionSerializer)["version"]
        services.practice_publish(practice=practice, actor=request.user, expected_version=version)
        return self._output(practice)

    @extend_schema(
        request=s.VersionSerializer, responses={200: s.GoodPracticeSerializer, 409: CONFLICT_RESPONSE}
    )
    @action(detail=True, methods=["post"])
    def unpublish(self, request: Request, pk: str | None = None) -> Response:
        """Withdraw the practice from publication: a draft again (the animator)."""
        practice = self.get_object()
        version = self._input(s.VersionSerializer)["version"]
        services.practice_unpublish(practice=practice, actor=request.user, expected_version=version)
        return self._output(practice)

    @extend_schema(request=s.AdoptionInputSerializer, responses={201: s.AdoptionSerializer})
    @action(detail=True, methods=["post"], url_path="adoptions")
    def adopt(self, request: Request, pk: str | None = None) -> Response:
        """Record that another centre took up the practice (its operators, or the animator)."""
        practice = self.get_object()
        fields = self._input(s.AdoptionInputSerializer)
        adoption = services.adoption_create(practice=practice, actor=request.user, **fields)
        return Response(s.AdoptionSerializer(adoption).data, status=status.HTTP_201_CREATED)


class ConsultationViewSet(_NetworkViewSet):
    """Consultations of city programmes and tools, opened by the animator."""

    serializer_class = s.ConsultationSerializer
    filterset_class = ConsultationFilter
    input_serializers = {
        "create": s.ConsultationInputSerializer,
        "partial_update": s.ConsultationUpdateSerializer,
    }

    def get_queryset(self) -> QuerySet[Consultation]:
        return selectors.consultation_list(user=self.request.user)

    @extend_schema(request=s.ConsultationInputSerializer, responses={201: s.ConsultationSerializer})
    def create(self, request: Request) -> Response:
        consultation = services.consultation_create(
            actor=request.user, **self._input(s.ConsultationInputSerializer)
        )
        return self._output(consultation, status.HTTP_201_CREATED)

    @extend_schema(
        request=s.ConsultationUpdateSerializer,
        responses={200: s.ConsultationSerializer, 409: CONFLICT_RESPONSE},
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        consultation = self.get_object()
        fields = self._input(s.ConsultationUpdateSerializer)
        services.consultation_update(
            consultation=consultation, actor=request.user, expected_version=fields.pop("version"), **fields
        )
        return self._output(consultation)


class ConsultationResponseViewSet(_NetworkViewSet):
    """Answers of member organisations: one per organisation, accepted and editable only
    while the consultation is open. The network's viewers read all; an operator their own."""

    serializer_class = s.ConsultationResponseSerializer
    filterset_class = ConsultationResponseFilter
    input_serializers = {
        "create": s.ConsultationResponseInputSerializer,
        "partial_update": s.ConsultationResponseUpdateSerializer,
    }

    def get_queryset(self) -> QuerySet[ConsultationResponse]:
        return selectors.response_list(user=self.request.user)

    @extend_schema(
        request=s.ConsultationResponseInputSerializer, responses={201: s.ConsultationResponseSerializer}
    )
    def create(self, request: Request) -> Response:
        fields = self._input(s.ConsultationResponseInputSerializer)
        response = services.consultation_response_submit(actor=request.user, **fields)
        return self._output(response, status.HTTP_201_CREATED)

    @extend_schema(
        request=s.ConsultationResponseUpdateSerializer,
        responses={200: s.ConsultationResponseSerializer, 409: CONFLICT_RESPONSE},
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = self.get_object()
        fields = self._input(s.ConsultationResponseUpdateSerializer)
        services.consultation_response_update(
            response=response, actor=request.user, expected_version=fields["version"], text=fields["text"]
        )
        return self._output(response)


class CertificationViewSet(_NetworkViewSet):
    """The CAL quality certificate of each centre. City staff record it; the network's
    viewers read all, an operator their centres'."""

    serializer_class = s.CertificationSerializer
    filterset_class = CertificationFilter
    input_serializers = {
        "create": s.CertificationInputSerializer,
        "partial_update": s.CertificationUpdateSerializer,
    }

    def get_queryset(self) -> QuerySet[Certification]:
        return selectors.certification_list(user=self.request.user)

    @extend_schema(request=s.CertificationInputSerializer, responses={201: s.CertificationSerializer})
    def create(self, request: Request) -> Response:
        fields = self._input(s.CertificationInputSerializer)
        certification = services.certification_create(
            centre=fields.pop("centre"), actor=request.user, **fields
        )
        return self._output(certification, status.HTTP_201_CREATED)

    @extend_schema(
        request=s.CertificationUpdateSerializer,
        responses={200: s.CertificationSerializer, 409: CONFLICT_RESPONSE},
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        certification = self.get_object()
        fields = self._input(s.CertificationUpdateSerializer)
        services.certification_update(
            certification=certification, actor=request.user, expected_version=fields.pop("version"), **fields
        )
        return self._output(certification)


class SelfAssessmentViewSet(_NetworkViewSet):
    """Yearly self-assessments against the five CAL standards (one per centre and year).
    A centre's operators fill them in; the animator and the team read the submitted ones."""

    serializer_class = s.SelfAssessmentSerializer
    filterset_class = SelfAssessmentFilter
    input_serializers = {
        "create": s.SelfAssessmentInputSerializer,
        "partial_update": s.SelfAssessmentUpdateSerializer,
    }

    def get_queryset(self) -> QuerySet[SelfAssessment]:
        return selectors.self_assessment_list(user=self.request.user)

    @extend_schema(request=s.SelfAssessmentInputSerializer, responses={201: s.SelfAssessmentSerializer})
    def create(self, request: Request) -> Response:
        fields = self._input(s.SelfAssessmentInputSerializer)
        assessment = services.self_assessment_create(
            centre=fields.pop("centre"),
            year=fields.pop("year"),
            actor=request.user,
            submit=fields.pop("submit", False),
            **fields,
        )
        return self._output(assessment, status.HTTP_201_CREATED)

    @extend_schema(
        request=s.SelfAssessmentUpdateSerializer,
        responses={200: s.SelfAssessmentSerializer, 409: CONFLICT_RESPONSE},
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        assessment = self.get_object()
        fields = self._input(s.SelfAssessmentUpdateSerializer)
        services.self_assessment_update(
            assessment=assessment,
            actor=request.user,
            expected_version=fields.pop("version"),
            submit=fields.pop("submit", False),
            **fields,
        )
        return self._output(assessment)


@extend_schema(
    parameters=[
        OpenApiParameter("centre", OpenApiTypes.STR, description="A centre's slug."),
        OpenApiParameter("status", OpenApiTypes.STR, enum=CentreReportStatus.values),
    ]
)
class CentreReportViewSet(_NetworkViewSet):
    """Centre reports (sprawozdania), newest period first. City staff read all; an operator
    the reports of their organisation's terms; the animator and the standing team the
    submitted and accepted ones. The operator writes the narrative (``PATCH``) and
    submits; city staff return the report with a comment or accept it."""

    serializer_class = s.CentreReportSerializer
    input_serializers = {
        "partial_update": s.CentreReportUpdateSerializer,
        "submit": s.CentreReportSubmitSerializer,
        "return_": s.CentreReportReturnSerializer,
        "accept": s.CentreReportAcceptSerializer,
    }

    def get_queryset(self) -> QuerySet[CentreReport]:
        params = self.request.query_params if self.action == "list" else {}
        reports = centre_reports.centre_report_list(
            user=self.request.user, centre_slug=params.get("centre", ""), status=params.get("status", "")
        )
        if self.action == "list":
            return reports
        return reports.prefetch_related("status_log__actor")

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        if self.action == "retrieve":
            return s.CentreReportDetailSerializer
        return super().get_serializer_class()

    def _report_output(self, report: CentreReport) -> Response:
        found = self.get_queryset().get(pk=report.pk)
        return Response(s.CentreReportDetailSerializer(found, context=self.get_serializer_context()).data)

    @staticmethod
    def _narrative(fields: dict[str, Any]) -> dict[str, Any]:
        if "budget_lines" in fields:
            fields["budget_lines"] = [dict(line) for line in fields["budget_lines"]]
        return fields

    @extend_schema(
        request=s.CentreReportUpdateSerializer,
        responses={200: s.CentreReportDetailSerializer, 409: CONFLICT_RESPONSE},
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The operator saves the narrative of a draft or a returned report."""
        report = self.get_object()
        fields = self._narrative(self._input(s.CentreReportUpdateSerializer))
        centre_reports.centre_report_update(
            report=report, actor=request.user, expected_version=fields.pop("version"), **fields
        )
        return self._report_output(report)

    @extend_schema(
        request=s.CentreReportSubmitSerializer,
        responses={200: s.CentreReportDetailSerializer, 409: CONFLICT_RESPONSE},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        """The operator submits the report (saving the fields given first): the narrative
        must be there, and a final report's budget must add up; the figures are frozen."""
        report = self.get_object()
        fields = self._narrative(self._input(s.CentreReportSubmitSerializer))
        centre_reports.centre_report_submit(
            report=report, actor=request.user, expected_version=fields.pop("version"), **fields
        )
        return self._report_output(report)

    @extend_schema(
        request=s.CentreReportReturnSerializer,
        responses={200: s.CentreReportDetailSerializer, 409: CONFLICT_RESPONSE},
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request: Request, pk: str | None = None) -> Response:
        """City staff return a submitted report to the operator with what to correct."""
        report = self.get_object()
        fields = self._input(s.CentreReportReturnSerializer)
        centre_reports.centre_report_return(
            report=report, actor=request.user, comment=fields["comment"], expected_version=fields["version"]
        )
        return self._report_output(report)

    @extend_schema(
        request=s.CentreReportAcceptSerializer,
        responses={200: s.CentreReportDetailSerializer, 409: CONFLICT_RESPONSE},
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        """City staff accept a submitted report."""
        report = self.get_object()
        fields = self._input(s.CentreReportAcceptSerializer)
        centre_reports.centre_report_accept(
            report=report, actor=request.user, comment=fields["comment"], expected_version=fields["version"]
        )
        return self._report_output(report)


class NetworkReportViewSet(_NetworkViewSet):
    """The network's reports: the dashboard's figures for a period as HTML, PDF and XLSX.
    The animator, the standing team and city staff read them; the animator and city staff
    ask for one for any period (``POST``), which is built in the background: poll the
    report (or ``links.status``) until ``status`` is ``complete``, then download."""

    serializer_class = s.NetworkReportSerializer
    http_method_names = ["get", "post", "head", "options"]
    input_serializers = {"create": s.NetworkReportRequestSerializer}

    def get_queryset(self) -> QuerySet[NetworkReport]:
        return network_reports.network_report_list(user=self.request.user)

    @extend_schema(
        request=s.NetworkReportRequestSerializer,
        responses={
            200: OpenApiResponse(s.NetworkReportSerializer, description="The period's report is ready."),
            202: OpenApiResponse(
                s.NetworkReportSerializer, description="The report is being built; poll it for progress."
            ),
        },
    )
    def create(self, request: Request) -> Response:
        fields = self._input(s.NetworkReportRequestSerializer)
        report = network_reports.network_report_request(
            actor=request.user, start=fields["start"], end=fields["end"]
        )
        complete = report.status == NetworkReportStatus.COMPLETE
        return self._output(report, status.HTTP_200_OK if complete else status.HTTP_202_ACCEPTED)


# --- Animators' training ----------------------------------------------------------------

TRAINING_CONFLICT = OpenApiResponse(
    ConflictSerializer, description="Someone else changed the record since you read it; nothing was saved."
)
DELETE_VERSION = OpenApiParameter(
    "version",
    OpenApiTypes.INT,
    OpenApiParameter.QUERY,
    required=False,
    description=(
        'The version of the record you read (required: here or as `{"version": N}` in a JSON body). '
        "A stale version is refused with 409 and nothing is deleted."
    ),
)
SESSION_ID = OpenApiParameter("session_id", OpenApiTypes.INT, OpenApiParameter.PATH)


def _version_to_delete(request: Request) -> int:
    """A DELETE names the version it was read at: ``?version=N`` or a JSON body."""
    body = request.data if isinstance(request.data, Mapping) else {}
    raw = request.query_params.get("version", body.get("version"))
    data = VersionInputSerializer(data={} if raw is None else {"version": raw})
    data.is_valid(raise_exception=True)
    version: int = data.validated_data["version"]
    return version


class TrainingProgrammeViewSet(_NetworkViewSet):
    """Training programmes for the centres' staff and volunteers, with their sessions. The
    animator and city staff run them (programmes, ``sessions/``, ``attendance/``); the
    network's participants read them. People enrolled are ``training-enrolments``."""

    serializer_class = s.TrainingProgrammeSerializer
    filterset_class = TrainingProgrammeFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    lookup_value_regex = r"[0-9]+"
    input_serializers = {
        "create": s.TrainingProgrammeInputSerializer,
        "partial_update": s.TrainingProgrammeUpdateSerializer,
        "session_create": s.TrainingSessionInputSerializer,
        "session_update": s.TrainingSessionUpdateSerializer,
        "attendance": s.TrainingAttendanceInputSerializer,
    }

    def get_queryset(self) -> QuerySet[TrainingProgramme]:
        return selectors.training_programme_list(user=self.request.user).prefetch_related(
            selectors.sessions_ordered()
        )

    def _session(self, programme: TrainingProgramme, session_id: str) -> TrainingSession:
        return selectors.training_session_get(user=self.request.user, pk=int(session_id), programme=programme)

    @extend_schema(request=s.TrainingProgrammeInputSerializer, responses={201: s.TrainingProgrammeSerializer})
    def create(self, request: Request) -> Response:
        programme = services.training_programme_create(
            actor=request.user, **self._input(s.TrainingProgrammeInputSerializer)
        )
        return self._output(programme, status.HTTP_201_CREATED)

    @extend_schema(
        request=s.TrainingProgrammeUpdateSerializer,
        responses={200: s.TrainingProgrammeSerializer, 409: TRAINING_CONFLICT},
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        programme = self.get_object()
        fields = self._input(s.TrainingProgrammeUpdateSerializer)
        services.training_programme_update(
            programme=programme, actor=request.user, expected_version=fields.pop("version"), **fields
        )
        return self._output(programme)

    @extend_schema(parameters=[DELETE_VERSION], responses={204: None, 409: TRAINING_CONFLICT})
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Delete a programme nobody has attended yet, with its sessions and enrolments."""
        programme = self.get_object()
        services.training_programme_delete(
            programme=programme, actor=request.user, expected_version=_version_to_delete(request)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=s.TrainingSessionInputSerializer, responses={201: s.TrainingSessionSerializer})
    @action(detail=True, methods=["post"], url_path="sessions")
    def session_create(self, request: Request, pk: str | None = None) -> Response:
        """Add a session or consultation within the programme's dates."""
        programme = self.get_object()
        session = services.training_session_create(
            programme=programme, actor=request.user, **self._input(s.TrainingSessionInputSerializer)
        )
        return Response(s.TrainingSessionSerializer(session).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[SESSION_ID],
        request=s.TrainingSessionUpdateSerializer,
        responses={200: s.TrainingSessionSerializer, 409: TRAINING_CONFLICT},
    )
    @action(detail=True, methods=["patch"], url_path=r"sessions/(?P<session_id>[0-9]+)")
    def session_update(self, request: Request, pk: str | None = None, session_id: str = "") -> Response:
        """Change a session (one whose attendance is recorded cannot move to the future)."""
        session = self._session(self.get_object(), session_id)
        fields = self._input(s.TrainingSessionUpdateSerializer)
        updated = services.training_session_update(
            session=session, actor=request.user, expected_version=fields.pop("version"), **fields
        )
        return Response(s.TrainingSessionSerializer(updated).data)

    @extend_schema(
        parameters=[SESSION_ID, DELETE_VERSION], request=None, responses={204: None, 409: TRAINING_CONFLICT}
    )
    @session_update.mapping.delete
    def session_delete(self, request: Request, pk: str | None = None, session_id: str = "") -> Response:
        """Delete a session nobody attended."""
        session = self._session(self.get_object(), session_id)
        services.training_session_delete(
            session=session, actor=request.user, expected_version=_version_to_delete(request)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        parameters=[SESSION_ID],
        request=s.TrainingAttendanceInputSerializer,
        responses={200: s.TrainingAttendanceSerializer(many=True)},
    )
    @action(detail=True, methods=["post"], url_path=r"sessions/(?P<session_id>[0-9]+)/attendance")
    def attendance(self, request: Request, pk: str | None = None, session_id: str = "") -> Response:
        """Record who was at a session that has begun: the enrolments listed in ``present``
        were there, every other enrolment of the programme was not. Repeating it changes
        nothing; completion of the programme follows."""
        session = self._session(self.get_object(), session_id)
        rows = services.training_attendance_record(
            session=session,
            actor=request.user,
            present=self._input(s.TrainingAttendanceInputSerializer)["present"],
        )
        return Response(s.TrainingAttendanceSerializer(rows, many=True).data)


class TrainingEnrolmentViewSet(_NetworkViewSet):
    """People enrolled in training programmes, with the hours they attended and whether
    they completed. An operator sees and enrols the people of their centres (``POST``) and
    withdraws them until they have attended (``DELETE``); the animator and city staff see
    everyone (names only); others see nobody."""

    serializer_class = s.TrainingEnrolmentSerializer
    filterset_class = TrainingEnrolmentFilter
    http_method_names = ["get", "post", "delete", "head", "options"]
    lookup_value_regex = r"[0-9]+"
    input_serializers = {"create": s.TrainingEnrolmentInputSerializer}

    def get_queryset(self) -> QuerySet[TrainingEnrolment]:
        return selectors.training_enrolment_list(user=self.request.user)

    @extend_schema(request=s.TrainingEnrolmentInputSerializer, responses={201: s.TrainingEnrolmentSerializer})
    def create(self, request: Request) -> Response:
        fields = self._input(s.TrainingEnrolmentInputSerializer)
        programme = fields.pop("programme")
        if not network_permissions.visible_programmes(request.user).filter(pk=programme.pk).exists():
            raise ValidationError({"programme": [_("No such training programme.")]})
        enrolment = services.training_enrol(programme=programme, actor=request.user, **fields)
        return self._output(enrolment, status.HTTP_201_CREATED)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Withdraw the person from the programme (refused once they attended a session)."""
        services.training_enrolment_withdraw(enrolment=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
