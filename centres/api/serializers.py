"""Input and output serializers: validation of shape only; services decide."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from centres import access
from centres.models import Centre, Membership, OperatorTerm, Organization, Osiedle
from centres.services import ORGANIZATION_FIELDS


class OsiedleSerializer(serializers.ModelSerializer[Osiedle]):
    district_label = serializers.CharField(source="get_district_display", read_only=True)

    class Meta:
        model = Osiedle
        fields = ["id", "name", "slug", "district", "district_label", "population"]


class OrganizationSerializer(serializers.ModelSerializer[Organization]):
    osiedle = serializers.SlugRelatedField(
        slug_field="slug", queryset=Osiedle.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = Organization
        fields = ["id", *ORGANIZATION_FIELDS]
        extra_kwargs = {"sector": {"required": False, "allow_blank": True}}
        # Checksums and uniqueness are the service's (full_clean) work, so that the
        # admin, the API and seed data share one set of rules.
        validators: list[Any] = []

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        for name in ("krs", "nip", "regon"):
            fields[name].validators = []
        return fields


class OperatorSummarySerializer(serializers.Serializer[OperatorTerm]):
    organization = serializers.CharField(source="organization.name")
    organization_id = serializers.IntegerField()
    start = serializers.DateField()
    end = serializers.DateField(allow_null=True)


class CentreSerializer(serializers.ModelSerializer[Centre]):
    primary_osiedle = serializers.SlugRelatedField[Osiedle](slug_field="slug", read_only=True)
    served_osiedla = serializers.SlugRelatedField[Osiedle](slug_field="slug", many=True, read_only=True)
    district = serializers.CharField(source="primary_osiedle.district", read_only=True)
    operators = OperatorSummarySerializer(source="current_terms", many=True, read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Centre
        fields = [
            "slug",
            "name",
            "status",
            "street_address",
            "postal_code",
            "city",
            "latitude",
            "longitude",
            "primary_osiedle",
            "served_osiedla",
            "district",
            "area_m2",
            "opening_hours",
            "accessibility_notes",
            "description",
            "email",
            "phone",
            "website",
            "operators",
            "version",
            "url",
        ]
        read_only_fields = fields

    def get_url(self, centre: Centre) -> str:
        request = self.context.get("request")
        path = centre.get_absolute_url()
        return request.build_absolute_uri(path) if request else path


class CentreProfileInputSerializer(serializers.Serializer[Any]):
    """What an operator may change through the API; ``version`` is the one read."""

    version = serializers.IntegerField(min_value=1)
    description = serializers.CharField(required=False, allow_blank=True)
    opening_hours = serializers.CharField(required=False, allow_blank=True)
    accessibility_notes = serializers.CharField(required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40)
    website = serializers.URLField(required=False, allow_blank=True)


class OperatorTermSerializer(serializers.ModelSerializer[OperatorTerm]):
    centre = serializers.SlugRelatedField(slug_field="slug", queryset=Centre.objects.all())
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    is_current = serializers.SerializerMethodField()

    class Meta:
        model = OperatorTerm
        fields = [
            "id",
            "centre",
            "organization",
            "organization_name",
            "start",
            "end",
            "agreement_number",
            "grant_amount",
            "competition_reference",
            "is_current",
        ]
        validators: list[Any] = []

    def get_is_current(self, term: OperatorTerm) -> bool:
        return term.is_current(access.today())


class MembershipSerializer(serializers.ModelSerializer[Membership]):
    organization = serializers.CharField(source="organization.name")

    class Meta:
        model = Membership
        fields = ["organization_id", "organization", "role"]


class MeSerializer(serializers.Serializer[dict[str, Any]]):
    username = serializers.CharField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    email = serializers.EmailField()
    roles = serializers.ListField(child=serializers.CharField())
    memberships = MembershipSerializer(many=True)
    editable_centres = serializers.ListField(child=serializers.SlugField())
