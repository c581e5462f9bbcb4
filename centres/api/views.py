"""Thin API views: they validate input, ask the selectors and call the services."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from centres import access, selectors, services
from centres.api import serializers as s
from centres.filters import CentreFilter, OperatorTermFilter, OrganizationFilter, OsiedleFilter
from centres.models import Centre, OperatorTerm, Organization, Osiedle


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

    @extend_schema(request=s.CentreProfileInputSerializer, responses=s.CentreSerializer)
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

    @extend_schema(request=s.CentreProfileInputSerializer, responses=s.CentreSerializer)
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
    """Exchange a username and password for an API token (send it as ``Authorization: Token …``)."""

    throttle_scope = "token"
