"""Input and output serializers of partnerships: validation of shape only; services decide."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet, TextChoices
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from centres import access
from centres.models import Centre, Organization, OrganizationKind, Osiedle
from partnerships import permissions
from partnerships.models import (
    AgreementStatus,
    MemberRole,
    Partnership,
    PartnershipMeeting,
    PartnershipMember,
    PartnershipMode,
    Phase,
    PhaseChange,
    Priority,
    PriorityStatus,
)
from partnerships.selectors import OsiedleCoverage


class _NamedChoiceField(serializers.ChoiceField):
    """A choice field whose choice set is one named component of the OpenAPI schema, so
    that fields of the same name elsewhere (``status``, ``role``) do not collide."""

    choice_set: type[TextChoices]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=self.choice_set.choices, **kwargs)


@extend_schema_field(serializers.ChoiceField(choices=Phase.choices), component_name="PartnershipPhaseEnum")
class PhaseField(_NamedChoiceField):
    choice_set = Phase


@extend_schema_field(
    serializers.ChoiceField(choices=PartnershipMode.choices), component_name="PartnershipModeEnum"
)
class ModeField(_NamedChoiceField):
    choice_set = PartnershipMode


@extend_schema_field(
    serializers.ChoiceField(choices=AgreementStatus.choices), component_name="PartnershipAgreementStatusEnum"
)
class AgreementStatusField(_NamedChoiceField):
    choice_set = AgreementStatus


@extend_schema_field(
    serializers.ChoiceField(choices=MemberRole.choices), component_name="PartnershipMemberRoleEnum"
)
class MemberRoleField(_NamedChoiceField):
    choice_set = MemberRole


@extend_schema_field(
    serializers.ChoiceField(choices=PriorityStatus.choices), component_name="PartnershipPriorityStatusEnum"
)
class PriorityStatusField(_NamedChoiceField):
    choice_set = PriorityStatus


@extend_schema_field(
    serializers.ChoiceField(choices=OrganizationKind.choices),
    component_name="PartnershipOrganizationKindEnum",
)
class OrganizationKindField(_NamedChoiceField):
    choice_set = OrganizationKind


def _user(serializer: serializers.BaseSerializer[Any]) -> Any:
    request = serializer.context.get("request")
    return getattr(request, "user", None)


# --- Output ---------------------------------------------------------------------------


class PartnershipSerializer(serializers.ModelSerializer[Partnership]):
    centre = serializers.SlugRelatedField[Centre](source="lead_centre", slug_field="slug", read_only=True)
    centre_name = serializers.CharField(source="lead_centre.name", read_only=True)
    mode = ModeField(read_only=True)
    leader_name = serializers.CharField(source="leader.name", read_only=True, allow_null=True, default=None)
    osiedla = serializers.SlugRelatedField[Osiedle](slug_field="slug", many=True, read_only=True)
    phase = PhaseField(read_only=True)
    agreement_status = AgreementStatusField(read_only=True)
    current_member_count = serializers.IntegerField(read_only=True)
    last_met_on = serializers.DateField(read_only=True, allow_null=True)

    class Meta:
        model = Partnership
        fields = [
            "id",
            "name",
            "centre",
            "centre_name",
            "mode",
            "leader",
            "leader_name",
            "osiedla",
            "phase",
            "founded_on",
            "goals",
            "voluntariness",
            "equality",
            "openness",
            "locality",
            "agreement_status",
            "agreement_date",
            "current_member_count",
            "last_met_on",
            "version",
        ]
        read_only_fields = fields


class PartnershipMemberSerializer(serializers.ModelSerializer[PartnershipMember]):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    organization_kind = OrganizationKindField(source="organization.kind", read_only=True)
    role = MemberRoleField(read_only=True)
    current = serializers.SerializerMethodField()

    class Meta:
        model = PartnershipMember
        fields = [
            "id",
            "partnership",
            "organization",
            "organization_name",
            "organization_kind",
            "role",
            "joined",
            "left",
            "current",
        ]
        read_only_fields = fields

    def get_current(self, member: PartnershipMember) -> bool:
        return member.is_current(access.today())


class PhaseChangeSerializer(serializers.ModelSerializer[PhaseChange]):
    from_phase = serializers.CharField(
        read_only=True, help_text="Empty for the phase the partnership began in."
    )
    to_phase = PhaseField(read_only=True)

    class Meta:
        model = PhaseChange
        fields = ["id", "from_phase", "to_phase", "date", "note"]
        read_only_fields = fields


class PrioritySerializer(serializers.ModelSerializer[Priority]):
    osiedle = serializers.SlugRelatedField[Osiedle](slug_field="slug", read_only=True, allow_null=True)
    status = PriorityStatusField(read_only=True)

    class Meta:
        model = Priority
        fields = ["id", "challenge", "osiedle", "status", "version"]
        read_only_fields = fields


class PartnershipDetailSerializer(PartnershipSerializer):
    members = PartnershipMemberSerializer(many=True, read_only=True)
    phase_changes = PhaseChangeSerializer(many=True, read_only=True)
    priorities = PrioritySerializer(many=True, read_only=True)

    class Meta(PartnershipSerializer.Meta):
        fields = [*PartnershipSerializer.Meta.fields, "members", "phase_changes", "priorities"]
        read_only_fields = fields


class AttendeeSerializer(serializers.ModelSerializer[Organization]):
    class Meta:
        model = Organization
        fields = ["id", "name"]
        read_only_fields = fields


class PartnershipMeetingSerializer(serializers.ModelSerializer[PartnershipMeeting]):
    attendees = AttendeeSerializer(many=True, read_only=True)

    class Meta:
        model = PartnershipMeeting
        fields = [
            "id",
            "partnership",
            "date",
            "place",
            "attendees",
            "agenda",
            "decisions",
            "minutes",
            "version",
        ]
        read_only_fields = fields


# --- Input ----------------------------------------------------------------------------


class _PartnershipFieldsInput(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=200)
    mode = ModeField(required=False)
    leader = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), required=False, allow_null=True
    )
    osiedla = serializers.SlugRelatedField[Osiedle](
        slug_field="slug", many=True, queryset=Osiedle.objects.all(), allow_empty=True
    )
    founded_on = serializers.DateField()
    goals = serializers.CharField(required=False, allow_blank=True)
    voluntariness = serializers.BooleanField(required=False)
    equality = serializers.BooleanField(required=False)
    openness = serializers.BooleanField(required=False)
    locality = serializers.BooleanField(required=False)
    agreement_status = AgreementStatusField(required=False)
    agreement_date = serializers.DateField(required=False, allow_null=True)


class PartnershipCreateInputSerializer(_PartnershipFieldsInput):
    """A new partnership of a centre the user edits (``centre``: its slug)."""

    centre = serializers.SlugRelatedField[Centre](slug_field="slug", queryset=Centre.objects.none())
    phase = PhaseField(required=False, help_text="The phase it is in now (default: forming).")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = _user(self)
        centre = self.fields["centre"]
        assert isinstance(centre, serializers.SlugRelatedField)
        centre.queryset = access.editable_centres(user) if user is not None else Centre.objects.none()


class PartnershipUpdateInputSerializer(_PartnershipFieldsInput):
    """Send the ``version`` you read; the phase moves through ``phase-moves``."""

    version = serializers.IntegerField(min_value=1, help_text="The version of the partnership you read.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name != "version":
                field.required = False


class PhaseMoveInputSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(min_value=1, help_text="The version of the partnership you read.")
    to_phase = PhaseField()
    date = serializers.DateField(required=False, help_text="Default: today.")
    note = serializers.CharField(required=False, allow_blank=True, default="")


def _editable_partnerships(serializer: serializers.BaseSerializer[Any]) -> QuerySet[Partnership]:
    user = _user(serializer)
    return permissions.editable_partnerships(user) if user is not None else Partnership.objects.none()


class PartnershipMemberInputSerializer(serializers.Serializer[Any]):
    """An organisation of the registry (``organization``), or a new one added on the spot
    (``new_organization_name`` and ``new_organization_kind``)."""

    partnership = serializers.PrimaryKeyRelatedField(queryset=Partnership.objects.none())
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), required=False, allow_null=True
    )
    new_organization_name = serializers.CharField(
        required=False, allow_blank=True, max_length=255, default=""
    )
    new_organization_kind = OrganizationKindField(required=False, allow_blank=True, default="")
    role = MemberRoleField(required=False, default=MemberRole.MEMBER)
    joined = serializers.DateField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        partnership = self.fields["partnership"]
        assert isinstance(partnership, serializers.PrimaryKeyRelatedField)
        partnership.queryset = _editable_partnerships(self)


class MemberLeaveInputSerializer(serializers.Serializer[Any]):
    left = serializers.DateField(help_text="The last day of membership.")


class _MeetingFieldsInput(serializers.Serializer[Any]):
    date = serializers.DateField()
    place = serializers.CharField(required=False, allow_blank=True, max_length=255)
    attendees = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), many=True, required=False
    )
    agenda = serializers.CharField()
    decisions = serializers.CharField(required=False, allow_blank=True)
    minutes = serializers.CharField(required=False, allow_blank=True)


class PartnershipMeetingInputSerializer(_MeetingFieldsInput):
    partnership = serializers.PrimaryKeyRelatedField(queryset=Partnership.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        partnership = self.fields["partnership"]
        assert isinstance(partnership, serializers.PrimaryKeyRelatedField)
        partnership.queryset = _editable_partnerships(self)


class PartnershipMeetingUpdateInputSerializer(_MeetingFieldsInput):
    version = serializers.IntegerField(min_value=1, help_text="The version of the meeting you read.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name != "version":
                field.required = False


# --- Coverage -------------------------------------------------------------------------


class CoverageOsiedleSerializer(serializers.Serializer[Osiedle]):
    slug = serializers.SlugField()
    name = serializers.CharField()
    district = serializers.CharField()


class CoveragePartnershipSerializer(serializers.Serializer[Partnership]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    centre = serializers.SlugField(source="lead_centre.slug")


class PartnershipCoverageSerializer(serializers.Serializer[OsiedleCoverage]):
    osiedle = CoverageOsiedleSerializer()
    partnerships = CoveragePartnershipSerializer(many=True)
    present_kinds = serializers.ListField(
        child=serializers.CharField(),
        help_text="Keys of the recommended partner kinds the osiedle's partnerships have now.",
    )
    missing_kinds = serializers.ListField(
        child=serializers.CharField(), help_text="Keys of the recommended partner kinds they lack."
    )
