"""Thin API views of partnerships: they validate input, ask the selectors and call the
services. Reading follows partnerships.permissions (another centre's partnership is a
404 for an operator); writing is for the lead centre's operators and city staff."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from centres.models import District
from partnerships import permissions as partnership_permissions
from partnerships import selectors, services
from partnerships.api import serializers as s
from partnerships.filters import (
    CoverageFilter,
    PartnershipFilter,
    PartnershipMeetingFilter,
    PartnershipMemberFilter,
)
from partnerships.models import Partnership, PartnershipMeeting, PartnershipMember, Phase

CONFLICT_RESPONSE = OpenApiResponse(
    description="Someone else changed the record since you read it (a stale `version`); nothing was saved."
)
READ_AND_WRITE = ["get", "post", "patch", "head", "options"]


def _editable_only(request: Request, qs: QuerySet[Any], field: str = "pk") -> QuerySet[Any]:
    """For writes: only the partnerships the user edits (others are not found)."""
    if request.method in permissions.SAFE_METHODS:
        return qs
    editable = partnership_permissions.editable_partnerships(request.user).values("pk")
    return qs.filter(**{f"{field}__in": editable})


class PartnershipViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Partnership],
):
    """Local partnerships. City staff, the network animator and the standing team read
    all; an operator reads and changes the partnerships of their centres."""

    serializer_class = s.PartnershipSerializer
    filterset_class = PartnershipFilter
    permission_classes = [permissions.IsAuthenticated]
    http_method_names = READ_AND_WRITE

    def get_queryset(self) -> QuerySet[Partnership]:
        user = self.request.user
        if self.action == "list":
            return selectors.partnership_list(user=user)
        return _editable_only(self.request, selectors.partnership_detail_queryset(user=user))

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        classes: dict[str, type[BaseSerializer[Any]]] = {
            "retrieve": s.PartnershipDetailSerializer,
            "create": s.PartnershipCreateInputSerializer,
            "partial_update": s.PartnershipUpdateInputSerializer,
            "phase_move": s.PhaseMoveInputSerializer,
        }
        return classes.get(self.action, s.PartnershipSerializer)

    def _detail(self, partnership: Partnership) -> dict[str, Any]:
        fresh = selectors.partnership_detail_queryset(user=self.request.user).get(pk=partnership.pk)
        return s.PartnershipDetailSerializer(fresh, context=self.get_serializer_context()).data

    @extend_schema(request=s.PartnershipCreateInputSerializer, responses={201: s.PartnershipDetailSerializer})
    def create(self, request: Request) -> Response:
        data = s.PartnershipCreateInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        partnership = services.partnership_create(
            centre=fields.pop("centre"),
            actor=request.user,
            osiedla=fields.pop("osiedla"),
            phase=fields.pop("phase", Phase.FORMING),
            **fields,
        )
        return Response(self._detail(partnership), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.PartnershipUpdateInputSerializer,
        responses={200: s.PartnershipDetailSerializer, 409: CONFLICT_RESPONSE},
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partnership = self.get_object()
        data = s.PartnershipUpdateInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        services.partnership_update(
            partnership=partnership,
            actor=request.user,
            expected_version=fields.pop("version"),
            osiedla=fields.pop("osiedla", None),
            **fields,
        )
        return Response(self._detail(partnership))

    @extend_schema(
        request=s.PhaseMoveInputSerializer,
        responses={201: s.PhaseChangeSerializer, 409: CONFLICT_RESPONSE},
    )
    @action(detail=True, methods=["post"], url_path="phase-moves")
    def phase_move(self, request: Request, pk: str | None = None) -> Response:
        """Move the partnership to another phase (logged with the date and note)."""
        partnership = self.get_object()
        data = s.PhaseMoveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        change = services.partnership_phase_move(
            partnership=partnership,
            actor=request.user,
            expected_version=fields["version"],
            to_phase=fields["to_phase"],
            date=fields.get("date"),
            note=fields.get("note", ""),
        )
        return Response(s.PhaseChangeSerializer(change).data, status=status.HTTP_201_CREATED)


class PartnershipMemberViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[PartnershipMember],
):
    """Member organisations of partnerships over time (``joined``–``left``, inclusive)."""

    serializer_class = s.PartnershipMemberSerializer
    filterset_class = PartnershipMemberFilter
    permission_classes = [permissions.IsAuthenticated]
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[PartnershipMember]:
        return _editable_only(self.request, selectors.member_list(user=self.request.user), "partnership")

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        classes: dict[str, type[BaseSerializer[Any]]] = {
            "create": s.PartnershipMemberInputSerializer,
            "leave": s.MemberLeaveInputSerializer,
        }
        return classes.get(self.action, s.PartnershipMemberSerializer)

    def _output(self, member: PartnershipMember) -> dict[str, Any]:
        fresh = selectors.member_list(user=self.request.user).get(pk=member.pk)
        return s.PartnershipMemberSerializer(fresh).data

    @extend_schema(request=s.PartnershipMemberInputSerializer, responses={201: s.PartnershipMemberSerializer})
    def create(self, request: Request) -> Response:
        """An organisation joins a partnership: one of the registry, or a new one added to
        the registry on the spot."""
        data = s.PartnershipMemberInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        member = services.partnership_member_add(actor=request.user, **fields)
        return Response(self._output(member), status=status.HTTP_201_CREATED)

    @extend_schema(request=s.MemberLeaveInputSerializer, responses={200: s.PartnershipMemberSerializer})
    @action(detail=True, methods=["post"])
    def leave(self, request: Request, pk: str | None = None) -> Response:
        """Record the last day of an organisation's membership."""
        member = self.get_object()
        data = s.MemberLeaveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.partnership_member_leave(member=member, actor=request.user, left=data.validated_data["left"])
        return Response(self._output(member))


class PartnershipMeetingViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[PartnershipMeeting],
):
    """Meetings of partnerships: date, attending members, agenda, decisions, minutes."""

    serializer_class = s.PartnershipMeetingSerializer
    filterset_class = PartnershipMeetingFilter
    permission_classes = [permissions.IsAuthenticated]
    http_method_names = READ_AND_WRITE

    def get_queryset(self) -> QuerySet[PartnershipMeeting]:
        return _editable_only(self.request, selectors.meeting_list(user=self.request.user), "partnership")

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        classes: dict[str, type[BaseSerializer[Any]]] = {
            "create": s.PartnershipMeetingInputSerializer,
            "partial_update": s.PartnershipMeetingUpdateInputSerializer,
        }
        return classes.get(self.action, s.PartnershipMeetingSerializer)

    def _output(self, meeting: PartnershipMeeting) -> dict[str, Any]:
        fresh = selectors.meeting_list(user=self.request.user).get(pk=meeting.pk)
        return s.PartnershipMeetingSerializer(fresh).data

    @extend_schema(
        request=s.PartnershipMeetingInputSerializer, responses={201: s.PartnershipMeetingSerializer}
    )
    def create(self, request: Request) -> Response:
        data = s.PartnershipMeetingInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        meeting = services.partnership_meeting_record(
            partnership=fields.pop("partnership"),
            actor=request.user,
            attendees=fields.pop("attendees", []),
            **fields,
        )
        return Response(self._output(meeting), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.PartnershipMeetingUpdateInputSerializer,
        responses={200: s.PartnershipMeetingSerializer, 409: CONFLICT_RESPONSE},
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        meeting = self.get_object()
        data = s.PartnershipMeetingUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        services.partnership_meeting_update(
            meeting=meeting,
            actor=request.user,
            expected_version=fields.pop("version"),
            attendees=fields.pop("attendees", None),
            **fields,
        )
        return Response(self._output(meeting))


class PartnershipCoverageApi(APIView):
    """For each osiedle: the partnerships that cover it (not ended) and which of the partner
    kinds the CAL model recommends their current members bring, and which are missing.
    For the network dashboard: city staff, the network animator and the standing team."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "district",
                OpenApiTypes.STR,
                enum=[value for value, _label in District.choices],
                required=False,
            ),
            OpenApiParameter(
                "osiedle", OpenApiTypes.STR, description="The slug of one osiedle.", required=False
            ),
        ],
        responses=s.PartnershipCoverageSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        if not partnership_permissions.can_view_coverage(request.user):
            raise PermissionDenied
        filters = CoverageFilter(request.query_params)
        if not filters.is_valid():
            raise ValidationError(filters.errors)
        coverage = selectors.partnership_coverage(filters=request.query_params)
        return Response(s.PartnershipCoverageSerializer(cast(Any, coverage), many=True).data)
