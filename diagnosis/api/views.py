"""Thin API views of community diagnoses: they validate input, ask the selectors and call
the services.

Reading follows diagnosis.permissions: published diagnoses and their findings are public;
the network (city staff, animator, standing team) reads all; an operator reads their own
centres'. Writes name the version read (a stale one is a 409) and reach only records the
user may edit: another centre's record is a 404. Residents' submissions are seen only by
the centre's operators and city staff.

The map of needs and resources: ``GET /api/v1/findings/geojson/`` (or
``GET /api/v1/findings/?format=geojson``) returns every finding with a point that matches
the filters, as one GeoJSON FeatureCollection (not paginated).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from centres.api.serializers import ConflictSerializer, VersionInputSerializer
from diagnosis import permissions as diagnosis_permissions
from diagnosis import selectors, services
from diagnosis.api import serializers as s
from diagnosis.filters import DiagnosisFilter, FindingFilter, ResidentSubmissionFilter
from diagnosis.geo import GEOJSON_MEDIA_TYPE, finding_feature, findings_geojson
from diagnosis.models import Diagnosis, Finding, FindingResponse, MethodUse, ResidentSubmission


class GeoJSONRenderer(JSONRenderer):
    """``application/geo+json`` (RFC 7946), chosen with ``?format=geojson``."""

    media_type = GEOJSON_MEDIA_TYPE
    format = "geojson"


VERSION_PARAMETER = OpenApiParameter(
    "version",
    OpenApiTypes.INT,
    OpenApiParameter.QUERY,
    required=False,
    description=(
        'The version of the record you read (required: here or as `{"version": N}` in a JSON body). '
        "A stale version is refused with 409 and nothing is deleted."
    ),
)
CONFLICT_RESPONSE = OpenApiResponse(
    ConflictSerializer, description="Someone else changed the record since you read it; nothing was saved."
)


def _version_to_delete(request: Request) -> int:
    body = request.data if isinstance(request.data, Mapping) else {}
    raw = request.query_params.get("version", body.get("version"))
    data = VersionInputSerializer(data={} if raw is None else {"version": raw})
    data.is_valid(raise_exception=True)
    version: int = data.validated_data["version"]
    return version


def _missing_version() -> Response:
    """A change names the version it was read at, in a PUT and in a PATCH alike."""
    return Response({"version": [gettext("This field is required.")]}, status=status.HTTP_400_BAD_REQUEST)


def _is_safe(request: Request) -> bool:
    return request.method in permissions.SAFE_METHODS


@extend_schema_view(
    create=extend_schema(request=s.DiagnosisCreateInputSerializer, responses={201: s.DiagnosisSerializer}),
    update=extend_schema(
        request=s.DiagnosisUpdateInputSerializer,
        responses={200: s.DiagnosisSerializer, 409: CONFLICT_RESPONSE},
    ),
    partial_update=extend_schema(
        request=s.DiagnosisUpdateInputSerializer,
        responses={200: s.DiagnosisSerializer, 409: CONFLICT_RESPONSE},
    ),
    destroy=extend_schema(parameters=[VERSION_PARAMETER], responses={204: None, 409: CONFLICT_RESPONSE}),
)
class DiagnosisViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Diagnosis]):
    """Community diagnoses of centres: period, osiedla, status, methods used, conclusions.
    Published ones are public. Publishing needs the conclusions; residents' input is open
    only while a diagnosis is in progress."""

    serializer_class = s.DiagnosisSerializer
    filterset_class = DiagnosisFilter
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    def get_queryset(self) -> QuerySet[Diagnosis]:
        qs = selectors.diagnosis_list(user=self.request.user).prefetch_related("methods")
        if not _is_safe(self.request):
            return qs.filter(pk__in=diagnosis_permissions.editable_diagnoses(self.request.user).values("pk"))
        return qs

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        if self.action == "create":
            return s.DiagnosisCreateInputSerializer
        if self.action in ("update", "partial_update"):
            return s.DiagnosisUpdateInputSerializer
        return s.DiagnosisSerializer

    def _output(self, diagnosis: Diagnosis) -> Any:
        fresh = (
            selectors.diagnosis_list(user=self.request.user).prefetch_related("methods").get(pk=diagnosis.pk)
        )
        return s.DiagnosisSerializer(fresh, context=self.get_serializer_context()).data

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = s.DiagnosisCreateInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        diagnosis = services.diagnosis_create(
            centre=fields.pop("centre"), actor=request.user, osiedla=fields.pop("osiedla"), **fields
        )
        return Response(self._output(diagnosis), status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        diagnosis = self.get_object()
        partial = kwargs.get("partial", False)
        data = s.DiagnosisUpdateInputSerializer(
            diagnosis, data=request.data, partial=partial, context=self.get_serializer_context()
        )
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        if "version" not in fields:
            return _missing_version()
        version = fields.pop("version")
        updated = services.diagnosis_update(
            diagnosis=diagnosis,
            actor=request.user,
            expected_version=version,
            osiedla=fields.pop("osiedla", None),
            **fields,
        )
        return Response(self._output(updated))

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        diagnosis = self.get_object()
        services.diagnosis_delete(
            diagnosis=diagnosis, actor=request.user, expected_version=_version_to_delete(request)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    create=extend_schema(request=s.MethodUseInputSerializer, responses={201: s.MethodUseSerializer}),
)
class MethodUseViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[MethodUse],
):
    """The research methods diagnoses used (survey, research walk, world café…), with dates
    and the number of respondents."""

    serializer_class = s.MethodUseSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    filterset_fields = ["diagnosis"]

    def get_queryset(self) -> QuerySet[MethodUse]:
        diagnoses = (
            diagnosis_permissions.visible_diagnoses(self.request.user)
            if _is_safe(self.request)
            else diagnosis_permissions.editable_diagnoses(self.request.user)
        )
        return MethodUse.objects.filter(diagnosis__in=diagnoses.values("pk")).order_by(
            "diagnosis_id", "date", "pk"
        )

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        if self.action == "create":
            return s.MethodUseInputSerializer
        return s.MethodUseSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = s.MethodUseInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        method_use = services.method_use_add(diagnosis=fields.pop("diagnosis"), actor=request.user, **fields)
        return Response(s.MethodUseSerializer(method_use).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: MethodUse) -> None:
        services.method_use_delete(method_use=instance, actor=self.request.user)


GEOJSON_DESCRIPTION = (
    "The map of needs and resources: every finding with a point that matches the filters, as one "
    "GeoJSON FeatureCollection (RFC 7946, coordinates [longitude, latitude] in WGS84); not paginated. "
    "The same as `GET /api/v1/findings/?format=geojson`."
)


@extend_schema_view(
    list=extend_schema(
        description=(
            "Findings (needs, problems, assets, ideas) the user may see, most urgent first. With "
            "`?format=geojson`, the findings placed on the map as one GeoJSON FeatureCollection "
            "(not paginated; see `findings/geojson/`)."
        ),
        responses={
            (200, "application/json"): s.FindingSerializer(many=True),
            (200, GEOJSON_MEDIA_TYPE): s.FindingFeatureCollectionSerializer,
        },
    ),
    create=extend_schema(request=s.FindingCreateInputSerializer, responses={201: s.FindingSerializer}),
    update=extend_schema(
        request=s.FindingUpdateInputSerializer, responses={200: s.FindingSerializer, 409: CONFLICT_RESPONSE}
    ),
    partial_update=extend_schema(
        request=s.FindingUpdateInputSerializer, responses={200: s.FindingSerializer, 409: CONFLICT_RESPONSE}
    ),
    destroy=extend_schema(parameters=[VERSION_PARAMETER], responses={204: None, 409: CONFLICT_RESPONSE}),
)
class FindingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Finding]):
    """What diagnoses found: needs, problems, assets and ideas, with a theme, a priority, an
    optional point and the activities that answer them. ``status`` is the current one: an open
    finding that an activity answers is being addressed; a client sets open, met or dropped."""

    serializer_class = s.FindingSerializer
    filterset_class = FindingFilter
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, GeoJSONRenderer]

    def get_queryset(self) -> QuerySet[Finding]:
        qs = selectors.finding_list(user=self.request.user)
        if not _is_safe(self.request):
            return qs.filter(pk__in=diagnosis_permissions.editable_findings(self.request.user).values("pk"))
        return qs

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        if self.action == "create":
            return s.FindingCreateInputSerializer
        if self.action in ("update", "partial_update"):
            return s.FindingUpdateInputSerializer
        if self.action == "geojson":
            return s.FindingFeatureCollectionSerializer
        return s.FindingSerializer

    def _output(self, finding: Finding) -> Any:
        fresh = selectors.finding_list(user=self.request.user).get(pk=finding.pk)
        return s.FindingSerializer(fresh, context=self.get_serializer_context()).data

    def _feature_collection(self) -> Response:
        findings = self.filter_queryset(self.get_queryset()).filter(latitude__isnull=False)
        return Response(findings_geojson(findings), content_type=GEOJSON_MEDIA_TYPE)

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        # GeoJSON is what a successful read returns; errors and writes stay plain JSON, as
        # the schema documents them.
        if not getattr(request, "accepted_renderer", None):
            # The negotiation failed (an unknown ?format=): DRF falls back to the first renderer.
            request.accepted_renderer, request.accepted_media_type = self.perform_content_negotiation(
                request, force=True
            )
        renderer = request.accepted_renderer
        if isinstance(renderer, GeoJSONRenderer) and (
            response.status_code >= 400 or request.method not in ("GET", "HEAD")
        ):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        try:
            return super().perform_content_negotiation(request, force)
        except Http404 as exc:  # DRF's answer to an unknown ?format=
            raise exceptions.ValidationError(
                {"format": [gettext("Choose the format json or geojson.")]}, code="invalid_format"
            ) from exc

    def _wants_geojson(self, request: Request) -> bool:
        return getattr(request.accepted_renderer, "format", None) == GeoJSONRenderer.format

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if self._wants_geojson(request):
            return self._feature_collection()
        return super().list(request, *args, **kwargs)

    @extend_schema(
        responses={
            (200, "application/json"): s.FindingSerializer,
            (200, GEOJSON_MEDIA_TYPE): s.FindingFeatureSerializer,
        }
    )
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if self._wants_geojson(request):
            return Response(finding_feature(self.get_object()), content_type=GEOJSON_MEDIA_TYPE)
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        description=GEOJSON_DESCRIPTION,
        filters=True,
        responses={
            (200, GEOJSON_MEDIA_TYPE): s.FindingFeatureCollectionSerializer,
            (200, "application/json"): s.FindingFeatureCollectionSerializer,
        },
    )
    @action(
        detail=False, methods=["get"], renderer_classes=[GeoJSONRenderer, JSONRenderer], pagination_class=None
    )
    def geojson(self, request: Request) -> Response:
        return self._feature_collection()

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = s.FindingCreateInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        finding = services.finding_create(diagnosis=fields.pop("diagnosis"), actor=request.user, **fields)
        return Response(self._output(finding), status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        finding = self.get_object()
        data = s.FindingUpdateInputSerializer(
            finding,
            data=request.data,
            partial=kwargs.get("partial", False),
            context=self.get_serializer_context(),
        )
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        if "version" not in fields:
            return _missing_version()
        version = fields.pop("version")
        updated = services.finding_update(
            finding=finding, actor=request.user, expected_version=version, **fields
        )
        return Response(self._output(updated))

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        finding = self.get_object()
        services.finding_delete(
            finding=finding, actor=request.user, expected_version=_version_to_delete(request)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    create=extend_schema(
        request=s.FindingResponseInputSerializer, responses={201: s.FindingResponseSerializer}
    ),
)
class FindingResponseViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[FindingResponse],
):
    """Which activity answers which finding (or uses which asset). Only an activity of the
    centre that made the diagnosis may answer its findings; a pair is linked once."""

    serializer_class = s.FindingResponseSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    filterset_fields = ["finding", "activity"]

    def get_queryset(self) -> QuerySet[FindingResponse]:
        findings = (
            diagnosis_permissions.visible_findings(self.request.user)
            if _is_safe(self.request)
            else diagnosis_permissions.editable_findings(self.request.user)
        )
        return (
            FindingResponse.objects.filter(finding__in=findings.values("pk"))
            .select_related("activity", "activity__centre")
            .order_by("finding_id", "pk")
        )

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        if self.action == "create":
            return s.FindingResponseInputSerializer
        return s.FindingResponseSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = s.FindingResponseInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        response = services.finding_response_create(
            finding=data.validated_data["finding"],
            activity=data.validated_data["activity"],
            actor=request.user,
        )
        output = s.FindingResponseSerializer(response, context=self.get_serializer_context())
        return Response(output.data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: FindingResponse) -> None:
        services.finding_response_delete(
            finding=instance.finding, activity=instance.activity, actor=self.request.user
        )


class ResidentSubmissionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[ResidentSubmission]
):
    """What residents sent while a diagnosis was open (no personal data). Seen only by the
    centre's operators and city staff; ``accept/`` turns one into a finding, ``reject/``
    declines it. Residents send theirs through the public form, not the API."""

    serializer_class = s.ResidentSubmissionSerializer
    filterset_class = ResidentSubmissionFilter
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self) -> QuerySet[ResidentSubmission]:
        return selectors.submission_list(user=self.request.user)

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        if self.action == "accept":
            return s.SubmissionAcceptInputSerializer
        return s.ResidentSubmissionSerializer

    @extend_schema(
        request=s.SubmissionAcceptInputSerializer,
        responses={201: s.FindingSerializer, 409: CONFLICT_RESPONSE},
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        """Accept the submission: it becomes a finding of its diagnosis."""
        submission = self.get_object()
        data = s.SubmissionAcceptInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        finding = services.submission_accept(submission=submission, actor=request.user, **data.validated_data)
        fresh = selectors.finding_list(user=request.user).get(pk=finding.pk)
        return Response(
            s.FindingSerializer(fresh, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=None, responses={200: s.ResidentSubmissionSerializer, 409: CONFLICT_RESPONSE})
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        submission = services.submission_reject(submission=self.get_object(), actor=request.user)
        fresh = self.get_queryset().get(pk=submission.pk)
        return Response(s.ResidentSubmissionSerializer(fresh, context=self.get_serializer_context()).data)
