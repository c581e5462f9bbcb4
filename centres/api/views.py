"""Thin API views: they validate input, ask the selectors and call the services."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

from django.db.models import QuerySet
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from cal_portal.openapi import THROTTLED
from centres import access, selectors, services
from centres.api import serializers as s
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
    Activity,
    Centre,
    Group,
    OperatorTerm,
    Organization,
    Osiedle,
    Project,
    ProjectIndicator,
    Resource,
    Volunteer,
)


class RegistryWritePermission(permissions.BasePermission):
    """Reading follows the selectors; writing the registry is city staff's work."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return bool(
            request.user and request.user.is_authenticated and access.can_manage_registry(request.user)
        )


class OsiedleViewSet(viewsets.ReadOnlyModelViewSet[Osiedle]):
    """The osiedla (neighbourhoods) of the city; public."""

    serializer_class = s.OsiedleSerializer
    filterset_class = OsiedleFilter
    lookup_field = "slug"
    permission_classes = [permissions.AllowAny]

    def get_queryset(self) -> QuerySet[Osiedle]:
        return selectors.osiedle_list()


class CentreViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet[Centre]
):
    """Centres, addressed by slug. Reading is public; operators change their centres'
    public profile (optimistic locking: send the ``version`` you read)."""

    serializer_class = s.CentreSerializer
    filterset_class = CentreFilter
    lookup_field = "slug"
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    def get_queryset(self) -> QuerySet[Centre]:
        if self.request.method in permissions.SAFE_METHODS:
            return selectors.centre_list_public()
        # Another operator's centre is not found: no leak of what exists.
        return selectors.centre_list_editable(user=self.request.user)

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        if self.request.method in ("PUT", "PATCH"):
            return s.CentreProfileInputSerializer
        return s.CentreSerializer

    @extend_schema(
        request=s.CentreProfileInputSerializer, responses={200: s.CentreSerializer, 409: s.ConflictSerializer}
    )
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        centre = self.get_object()
        data = s.CentreProfileInputSerializer(data=request.data, partial=kwargs.get("partial", False))
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        version = fields.pop("version", None)
        if version is None:
            return Response(
                {"version": [gettext("This field is required.")]}, status=status.HTTP_400_BAD_REQUEST
            )
        services.centre_update_profile(centre=centre, actor=request.user, expected_version=version, **fields)
        fresh = selectors.centre_get_public(slug=centre.slug)
        return Response(s.CentreSerializer(fresh, context={"request": request}).data)

    @extend_schema(
        request=s.CentreProfileInputSerializer, responses={200: s.CentreSerializer, 409: s.ConflictSerializer}
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)


class OrganizationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Organization],
):
    """The registry of organisations (operators and partners); signed-in users read it,
    city staff change it."""

    serializer_class = s.OrganizationSerializer
    filterset_class = OrganizationFilter
    permission_classes = [permissions.IsAuthenticated, RegistryWritePermission]

    def get_queryset(self) -> QuerySet[Organization]:
        return selectors.organization_list(user=self.request.user)

    def perform_create(self, serializer: BaseSerializer[Organization]) -> None:
        serializer.instance = services.organization_save(
            organization=Organization(**serializer.validated_data), actor=self.request.user
        )

    def perform_update(self, serializer: BaseSerializer[Organization]) -> None:
        organization = serializer.instance
        assert organization is not None
        for name, value in serializer.validated_data.items():
            setattr(organization, name, value)
        serializer.instance = services.organization_save(organization=organization, actor=self.request.user)


class OperatorTermViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[OperatorTerm],
):
    """Grant agreements: who operates which centre and when."""

    serializer_class = s.OperatorTermSerializer
    filterset_class = OperatorTermFilter
    permission_classes = [permissions.IsAuthenticated, RegistryWritePermission]

    def get_queryset(self) -> QuerySet[OperatorTerm]:
        return selectors.operator_term_list(user=self.request.user)

    def perform_create(self, serializer: BaseSerializer[OperatorTerm]) -> None:
        serializer.instance = services.operator_term_save(
            term=OperatorTerm(**serializer.validated_data), actor=self.request.user
        )

    def perform_update(self, serializer: BaseSerializer[OperatorTerm]) -> None:
        term = serializer.instance
        assert term is not None
        for name, value in serializer.validated_data.items():
            setattr(term, name, value)
        serializer.instance = services.operator_term_save(term=term, actor=self.request.user)


class MeApi(APIView):
    """The signed-in user, their roles and the centres they may edit."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=s.MeSerializer)
    def get(self, request: Request) -> Response:
        user = request.user
        data = {
            "username": user.get_username(),
            "first_name": getattr(user, "first_name", ""),
            "last_name": getattr(user, "last_name", ""),
            "email": getattr(user, "email", ""),
            "roles": access.roles(user),
            "memberships": selectors.membership_list_for_user(user=user),
            "editable_centres": list(
                access.editable_centres(user).order_by("slug").values_list("slug", flat=True)
            ),
        }
        return Response(s.MeSerializer(data).data)


class TokenApi(ObtainAuthToken):
    """Exchange a username and password for an API token (send it as ``Authorization: Token …``).
    Guessing passwords is slowed down: 10 attempts a minute per address (``token`` rate)."""

    # ObtainAuthToken turns throttling off (throttle_classes = ()); it is turned back on here.
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    @extend_schema(extensions={THROTTLED: True})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().post(request, *args, **kwargs)


# --- What a centre has and does: resources, activities, volunteers, groups ----------------
# Reading follows the access module through the selectors: the animator and the standing
# team read every centre's resources, activities and groups; an operator their own
# centres' (another centre's record is a 404); volunteers only the centre's operators and
# city staff. Writes go to the services, which check the right to edit the centre.

_R = TypeVar("_R", Resource, Activity, Volunteer, Group, Project)

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
    s.ConflictSerializer, description="Someone else changed the record since you read it; nothing was saved."
)


def _record_schema(
    *,
    create: type[BaseSerializer[Any]],
    update: type[BaseSerializer[Any]],
    output: type[BaseSerializer[Any]],
    destroy: bool = True,
) -> Callable[[type[Any]], type[Any]]:
    """The schema of a centre record's collection: input and output serializers differ."""
    views = {
        "create": extend_schema(request=create, responses={201: output}),
        "update": extend_schema(request=update, responses={200: output, 409: CONFLICT_RESPONSE}),
        "partial_update": extend_schema(request=update, responses={200: output, 409: CONFLICT_RESPONSE}),
    }
    if destroy:
        views["destroy"] = extend_schema(
            parameters=[VERSION_PARAMETER], responses={204: None, 409: CONFLICT_RESPONSE}
        )
    return extend_schema_view(**views)


class _CentreRecordViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[_R], Generic[_R]
):
    """List, read, create and change records of centres; subclasses name the serializers
    and the services."""

    permission_classes = [permissions.IsAuthenticated]
    lookup_value_regex = r"[0-9]+"
    output_serializer_class: type[BaseSerializer[Any]]
    create_serializer_class: type[BaseSerializer[Any]]
    update_serializer_class: type[BaseSerializer[Any]]

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        if self.action == "create":
            return self.create_serializer_class
        if self.action in ("update", "partial_update"):
            return self.update_serializer_class
        return super().get_serializer_class()

    def record_create(self, *, centre: Centre, fields: dict[str, Any]) -> _R:
        raise NotImplementedError

    def record_update(self, *, record: _R, version: int, fields: dict[str, Any]) -> _R:
        raise NotImplementedError

    def output(self, record: _R) -> Any:
        """The record as the list shows it, read again through the selector."""
        fresh = self.get_queryset().get(pk=record.pk)
        return self.output_serializer_class(fresh, context=self.get_serializer_context()).data

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.create_serializer_class(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        centre = fields.pop("centre")
        record = self.record_create(centre=centre, fields=fields)
        return Response(self.output(record), status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        record = self.get_object()
        data = self.update_serializer_class(
            record,
            data=request.data,
            partial=kwargs.get("partial", False),
            context=self.get_serializer_context(),
        )
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        fields.pop("centre", None)
        version = fields.pop("version")
        updated = self.record_update(record=record, version=version, fields=fields)
        return Response(self.output(updated))

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)


def _version_to_delete(request: Request) -> int:
    """A DELETE names the version it was read at: ``?version=N`` or a JSON body."""
    body = request.data if isinstance(request.data, Mapping) else {}
    raw = request.query_params.get("version", body.get("version"))
    data = s.VersionInputSerializer(data={} if raw is None else {"version": raw})
    data.is_valid(raise_exception=True)
    version: int = data.validated_data["version"]
    return version


@_record_schema(
    create=s.ResourceCreateInputSerializer,
    update=s.ResourceUpdateInputSerializer,
    output=s.ResourceSerializer,
)
class ResourceViewSet(_CentreRecordViewSet[Resource]):
    """What centres have: rooms, spaces and equipment, and immaterial resources (knowledge,
    contacts, residents' skills). Changes and deletions name the ``version`` read."""

    serializer_class = output_serializer_class = s.ResourceSerializer
    create_serializer_class = s.ResourceCreateInputSerializer
    update_serializer_class = s.ResourceUpdateInputSerializer
    filterset_class = ResourceFilter

    def get_queryset(self) -> QuerySet[Resource]:
        return selectors.resource_list(user=self.request.user)

    def record_create(self, *, centre: Centre, fields: dict[str, Any]) -> Resource:
        return services.resource_create(centre=centre, actor=self.request.user, **fields)

    def record_update(self, *, record: Resource, version: int, fields: dict[str, Any]) -> Resource:
        return services.resource_update(
            resource=record, actor=self.request.user, expected_version=version, **fields
        )

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        resource = self.get_object()
        services.resource_delete(
            resource=resource, actor=request.user, expected_version=_version_to_delete(request)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


@_record_schema(
    create=s.ActivityCreateInputSerializer,
    update=s.ActivityUpdateInputSerializer,
    output=s.ActivitySerializer,
)
class ActivityViewSet(_CentreRecordViewSet[Activity]):
    """What centres do: activities with their CAL method, form, participants by age band,
    volunteers, partners and intended effects. ``series/`` creates a weekly or monthly
    series in one go. Changes and deletions name the ``version`` read."""

    serializer_class = output_serializer_class = s.ActivitySerializer
    create_serializer_class = s.ActivityCreateInputSerializer
    update_serializer_class = s.ActivityUpdateInputSerializer
    filterset_class = ActivityFilter

    def get_queryset(self) -> QuerySet[Activity]:
        return selectors.activity_list(user=self.request.user)

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        if self.action == "series":
            return s.ActivitySeriesInputSerializer
        return super().get_serializer_class()

    def record_create(self, *, centre: Centre, fields: dict[str, Any]) -> Activity:
        return services.activity_create(
            centre=centre,
            actor=self.request.user,
            partners=fields.pop("partners", ()),
            new_partner_name=fields.pop("new_partner_name", ""),
            new_partner_kind=fields.pop("new_partner_kind", ""),
            **fields,
        )

    def record_update(self, *, record: Activity, version: int, fields: dict[str, Any]) -> Activity:
        return services.activity_update(
            activity=record,
            actor=self.request.user,
            expected_version=version,
            partners=fields.pop("partners", None),  # left out: the partners stay as they are
            new_partner_name=fields.pop("new_partner_name", ""),
            new_partner_kind=fields.pop("new_partner_kind", ""),
            **fields,
        )

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        activity = self.get_object()
        services.activity_delete(
            activity=activity, actor=request.user, expected_version=_version_to_delete(request)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=s.ActivitySeriesInputSerializer, responses={201: s.ActivitySeriesSerializer})
    @action(detail=False, methods=["post"], url_path="series")
    def series(self, request: Request) -> Response:
        """Create a weekly or monthly series of activities: all its occurrences, or none."""
        data = s.ActivitySeriesInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        series = services.activity_series_create(
            centre=fields.pop("centre"),
            actor=request.user,
            frequency=fields.pop("frequency"),
            until=fields.pop("until"),
            partners=fields.pop("partners", ()),
            new_partner_name=fields.pop("new_partner_name", ""),
            new_partner_kind=fields.pop("new_partner_kind", ""),
            **fields,
        )
        activities = selectors.activity_list_of_series(user=request.user, series_id=series.pk)
        context = {**self.get_serializer_context(), "activities": activities}
        return Response(
            s.ActivitySeriesSerializer(series, context=context).data, status=status.HTTP_201_CREATED
        )


@_record_schema(
    create=s.VolunteerCreateInputSerializer,
    update=s.VolunteerUpdateInputSerializer,
    output=s.VolunteerSerializer,
    destroy=False,
)
class VolunteerViewSet(_CentreRecordViewSet[Volunteer]):
    """Volunteers and local leaders: personal data, seen only by the centre's operators and
    city staff. A volunteer is not deleted but erased (``erase/``), which keeps the centre's
    figures; ``export/`` gives everything held about them."""

    serializer_class = output_serializer_class = s.VolunteerSerializer
    create_serializer_class = s.VolunteerCreateInputSerializer
    update_serializer_class = s.VolunteerUpdateInputSerializer
    filterset_class = VolunteerFilter

    def get_queryset(self) -> QuerySet[Volunteer]:
        return selectors.volunteer_list(user=self.request.user)

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        if self.action == "export":
            return s.VolunteerPersonalDataSerializer
        return super().get_serializer_class()

    def record_create(self, *, centre: Centre, fields: dict[str, Any]) -> Volunteer:
        return services.volunteer_create(centre=centre, actor=self.request.user, **fields)

    def record_update(self, *, record: Volunteer, version: int, fields: dict[str, Any]) -> Volunteer:
        return services.volunteer_update(
            volunteer=record, actor=self.request.user, expected_version=version, **fields
        )

    @extend_schema(responses=s.VolunteerPersonalDataSerializer)
    @action(detail=True, methods=["get"])
    def export(self, request: Request, pk: str) -> Response:
        """Everything the portal holds about the volunteer, as JSON (GDPR art. 15 and 20)."""
        volunteer = self.get_object()
        response = Response(selectors.volunteer_personal_data(volunteer=volunteer))
        response["Content-Disposition"] = f'attachment; filename="volunteer-{volunteer.pk}.json"'
        return response

    @extend_schema(request=None, responses=s.VolunteerSerializer)
    @action(detail=True, methods=["post"])
    def erase(self, request: Request, pk: str) -> Response:
        """Erase the volunteer's personal data (GDPR art. 17); the anonymous record stays."""
        volunteer = services.volunteer_erase(volunteer=self.get_object(), actor=request.user)
        return Response(self.output(volunteer))


@_record_schema(
    create=s.GroupCreateInputSerializer, update=s.GroupUpdateInputSerializer, output=s.GroupSerializer
)
class GroupViewSet(_CentreRecordViewSet[Group]):
    """Groups that meet at or with centres (self-help, informal, neighbours', clubs).
    Changes and deletions name the ``version`` read."""

    serializer_class = output_serializer_class = s.GroupSerializer
    create_serializer_class = s.GroupCreateInputSerializer
    update_serializer_class = s.GroupUpdateInputSerializer
    filterset_class = GroupFilter

    def get_queryset(self) -> QuerySet[Group]:
        return selectors.group_list(user=self.request.user)

    def record_create(self, *, centre: Centre, fields: dict[str, Any]) -> Group:
        return services.group_create(centre=centre, actor=self.request.user, **fields)

    def record_update(self, *, record: Group, version: int, fields: dict[str, Any]) -> Group:
        return services.group_update(
            group=record, actor=self.request.user, expected_version=version, **fields
        )

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        group = self.get_object()
        services.group_delete(group=group, actor=request.user, expected_version=_version_to_delete(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Projects and their result indicators ---------------------------------------------------


@_record_schema(
    create=s.ProjectCreateInputSerializer,
    update=s.ProjectUpdateInputSerializer,
    output=s.ProjectSerializer,
)
class ProjectViewSet(_CentreRecordViewSet[Project]):
    """Projects of centres beyond the city grant: funder, amounts, period, status (an
    application has the date of the funder's decision), partners, the activities carried
    out under them and their result indicators with the value ``achieved``. The animator and
    the standing team read every centre's; an operator their own centres'. Changes and
    deletions name the ``version`` read."""

    serializer_class = output_serializer_class = s.ProjectSerializer
    create_serializer_class = s.ProjectCreateInputSerializer
    update_serializer_class = s.ProjectUpdateInputSerializer
    filterset_class = ProjectFilter

    def get_queryset(self) -> QuerySet[Project]:
        return selectors.project_list(user=self.request.user)

    def record_create(self, *, centre: Centre, fields: dict[str, Any]) -> Project:
        return services.project_create(
            centre=centre,
            actor=self.request.user,
            partners=fields.pop("partners", ()),
            activities=fields.pop("activities", ()),
            **fields,
        )

    def record_update(self, *, record: Project, version: int, fields: dict[str, Any]) -> Project:
        return services.project_update(
            project=record,
            actor=self.request.user,
            expected_version=version,
            partners=fields.pop("partners", None),  # left out: they stay as they are
            activities=fields.pop("activities", None),
            **fields,
        )

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        project = self.get_object()
        services.project_delete(
            project=project, actor=request.user, expected_version=_version_to_delete(request)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


@_record_schema(
    create=s.ProjectIndicatorCreateInputSerializer,
    update=s.ProjectIndicatorUpdateInputSerializer,
    output=s.ProjectIndicatorSerializer,
)
class ProjectIndicatorViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[ProjectIndicator]
):
    """Result indicators of projects: a target (greater than zero), how the value is found
    (counted from the project's linked activities, or entered by hand with how it is
    measured) and the value ``achieved``. Filter with ``?project=<id>``. Changes and
    deletions name the ``version`` read."""

    permission_classes = [permissions.IsAuthenticated]
    lookup_value_regex = r"[0-9]+"
    serializer_class = s.ProjectIndicatorSerializer
    filterset_class = ProjectIndicatorFilter

    def get_queryset(self) -> QuerySet[ProjectIndicator]:
        return selectors.project_indicator_list(user=self.request.user)

    def _output(self, indicator: ProjectIndicator) -> Any:
        fresh = self.get_queryset().get(pk=indicator.pk)
        return s.ProjectIndicatorSerializer(fresh, context=self.get_serializer_context()).data

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = s.ProjectIndicatorCreateInputSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        indicator = services.project_indicator_create(
            project=fields.pop("project"), actor=request.user, **fields
        )
        return Response(self._output(indicator), status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        indicator = self.get_object()
        data = s.ProjectIndicatorUpdateInputSerializer(
            indicator,
            data=request.data,
            partial=kwargs.get("partial", False),
            context=self.get_serializer_context(),
        )
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        fields.pop("project", None)
        version = fields.pop("version")
        updated = services.project_indicator_update(
            indicator=indicator, actor=request.user, expected_version=version, **fields
        )
        return Response(self._output(updated))

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        indicator = self.get_object()
        services.project_indicator_delete(
            indicator=indicator, actor=request.user, expected_version=_version_to_delete(request)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
