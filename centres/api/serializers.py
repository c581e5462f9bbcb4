"""Input and output serializers: validation of shape only; services decide."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, TypeVar

from django.db import models
from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from centres import access
from centres.models import (
    MAX_SERIES_OCCURRENCES,
    Activity,
    ActivitySeries,
    Centre,
    CentreStatus,
    Effect,
    FunderKind,
    Group,
    GroupKind,
    IndicatorMeasure,
    Membership,
    OperatorTerm,
    Organization,
    OrganizationKind,
    Osiedle,
    Project,
    ProjectIndicator,
    ProjectStatus,
    Resource,
    ResourceKind,
    SeriesFrequency,
    Volunteer,
)
from centres.services import (
    ACTIVITY_FIELDS,
    GROUP_FIELDS,
    ORGANIZATION_FIELDS,
    PROJECT_FIELDS,
    PROJECT_INDICATOR_FIELDS,
    RESOURCE_FIELDS,
    VOLUNTEER_FIELDS,
)

_M = TypeVar("_M", bound=models.Model)


class _NamedChoiceField(serializers.ChoiceField):
    """A choice field whose choice set is one named component of the OpenAPI schema.

    Several models have a ``kind`` with different choices (organisations, resources,
    groups); named components keep the schema's enums apart without a naming collision."""

    choice_set: type[TextChoices]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=self.choice_set.choices, **kwargs)


@extend_schema_field(
    serializers.ChoiceField(choices=OrganizationKind.choices), component_name="OrganizationKindEnum"
)
class OrganizationKindField(_NamedChoiceField):
    choice_set = OrganizationKind


@extend_schema_field(serializers.ChoiceField(choices=ResourceKind.choices), component_name="ResourceKindEnum")
class ResourceKindField(_NamedChoiceField):
    choice_set = ResourceKind


@extend_schema_field(serializers.ChoiceField(choices=GroupKind.choices), component_name="GroupKindEnum")
class GroupKindField(_NamedChoiceField):
    choice_set = GroupKind


@extend_schema_field(
    serializers.ChoiceField(choices=ProjectStatus.choices), component_name="ProjectStatusEnum"
)
class ProjectStatusField(_NamedChoiceField):
    choice_set = ProjectStatus


@extend_schema_field(serializers.ChoiceField(choices=FunderKind.choices), component_name="FunderKindEnum")
class FunderKindField(_NamedChoiceField):
    choice_set = FunderKind


@extend_schema_field(
    serializers.ChoiceField(choices=IndicatorMeasure.choices), component_name="IndicatorMeasureEnum"
)
class IndicatorMeasureField(_NamedChoiceField):
    choice_set = IndicatorMeasure


class OsiedleSerializer(serializers.ModelSerializer[Osiedle]):
    district_label = serializers.CharField(source="get_district_display", read_only=True)

    class Meta:
        model = Osiedle
        fields = ["id", "name", "slug", "district", "district_label", "population"]


class OrganizationSerializer(serializers.ModelSerializer[Organization]):
    kind = OrganizationKindField()
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


# --- What a centre has and does: resources, activities, volunteers, groups ----------------
# Output serializers show a record; input serializers validate the shape of a write and
# leave every rule to the services (full_clean), so the workspace forms and the API share
# one set of rules. A record is created for a centre the user may edit; it is changed and
# deleted with the ``version`` it was read at (optimistic locking: a stale one is a 409).


class EditableCentreField(serializers.SlugRelatedField[Centre]):
    """A centre named by slug, among those the user may edit: any other centre is
    "does not exist", whether or not it does (no leak of what exists)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "The slug of a centre you may edit.")
        super().__init__(slug_field="slug", **kwargs)

    def get_queryset(self) -> Any:
        request = self.context.get("request")
        if request is None:
            return Centre.objects.none()
        return access.editable_centres(request.user)


class PartnerSerializer(serializers.ModelSerializer[Organization]):
    kind = OrganizationKindField(read_only=True)

    class Meta:
        model = Organization
        fields = ["id", "name", "kind"]
        read_only_fields = fields


class ConflictSerializer(serializers.Serializer[Any]):
    """The body of a 409: someone else saved the record since it was read."""

    detail = serializers.CharField()
    code = serializers.ChoiceField(choices=["conflict"])


class VersionInputSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(min_value=1, help_text="The version of the record you read.")


# The years a date of the portal may fall in: wide enough for any record of a centre,
# narrow enough that date arithmetic (time zones, series) never overflows.
FIRST_YEAR, LAST_YEAR = 1900, 2999


def _out_of_range() -> serializers.ValidationError:
    return serializers.ValidationError(
        _("Enter a date between the years %(first)s and %(last)s.")
        % {"first": FIRST_YEAR, "last": LAST_YEAR},
        code="out_of_range",
    )


class PortalDateTimeField(serializers.DateTimeField):
    def to_internal_value(self, value: Any) -> datetime:
        try:
            result = super().to_internal_value(value)
        except OverflowError as exc:  # e.g. 0001-01-01T00:00, moved to UTC
            raise _out_of_range() from exc
        if not FIRST_YEAR <= result.year <= LAST_YEAR:
            raise _out_of_range()
        return result


class PortalDateField(serializers.DateField):
    def to_internal_value(self, value: Any) -> date:
        result = super().to_internal_value(value)
        if not FIRST_YEAR <= result.year <= LAST_YEAR:
            raise _out_of_range()
        return result


class _InputSerializer(serializers.ModelSerializer[_M]):
    """The input of a write: the model's fields, its dates within FIRST_YEAR–LAST_YEAR."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: PortalDateTimeField,
        models.DateField: PortalDateField,
    }


class _UpdateInputMixin:
    """An update names the version it was read at, in a PUT and in a PATCH alike; the
    centre of a record does not change (a client may send it back unchanged)."""

    partial: bool
    instance: Any

    def to_internal_value(self, data: Any) -> Any:
        missing_version = self.partial and isinstance(data, Mapping) and "version" not in data
        try:
            value = super().to_internal_value(data)  # type: ignore[misc]
        except serializers.ValidationError as exc:
            if missing_version and isinstance(exc.detail, dict):
                exc.detail["version"] = [_required()]
            raise
        if missing_version:
            raise serializers.ValidationError({"version": [_required()]})
        return value

    def validate_centre(self, value: str) -> str:
        if self.instance is not None and value != self.instance.centre.slug:
            raise serializers.ValidationError(
                _("The centre of a record cannot be changed."), code="centre_changed"
            )
        return value


def _required() -> serializers.ErrorDetail:
    return serializers.ErrorDetail(str(serializers.Field.default_error_messages["required"]), code="required")


_VERSION_HELP = "The version of the record you read; a stale one is refused with 409."
_CENTRE_UNCHANGED_HELP = "Optional: the record's centre (a record does not move between centres)."


# --- Resources -----------------------------------------------------------------------------


class ResourceSerializer(serializers.ModelSerializer[Resource]):
    centre = serializers.SlugRelatedField[Centre](slug_field="slug", read_only=True)
    kind = ResourceKindField(read_only=True)

    class Meta:
        model = Resource
        fields = ["id", "centre", *RESOURCE_FIELDS, "version", "created_at", "updated_at"]
        read_only_fields = fields


class ResourceInputSerializer(_InputSerializer[Resource]):
    kind = ResourceKindField()

    class Meta:
        model = Resource
        fields = list(RESOURCE_FIELDS)


class ResourceCreateInputSerializer(ResourceInputSerializer):
    centre = EditableCentreField()

    class Meta(ResourceInputSerializer.Meta):
        fields = ["centre", *RESOURCE_FIELDS]


class ResourceUpdateInputSerializer(_UpdateInputMixin, ResourceInputSerializer):
    version = serializers.IntegerField(min_value=1, help_text=_VERSION_HELP)
    centre = serializers.SlugField(required=False, help_text=_CENTRE_UNCHANGED_HELP)

    class Meta(ResourceInputSerializer.Meta):
        fields = ["version", "centre", *RESOURCE_FIELDS]


# --- Activities ----------------------------------------------------------------------------


class EffectsField(serializers.MultipleChoiceField):
    """Intended effects: a list of effect values, returned in their canonical order."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Effect.choices, **kwargs)

    def to_internal_value(self, data: Any) -> list[str]:  # type: ignore[override]
        chosen = super().to_internal_value(data)
        return [value for value in Effect.values if value in chosen]


class ActivitySerializer(serializers.ModelSerializer[Activity]):
    centre = serializers.SlugRelatedField[Centre](slug_field="slug", read_only=True)
    participants_total = serializers.IntegerField(source="participants", read_only=True)
    effects = serializers.ListField(child=serializers.ChoiceField(choices=Effect.choices), read_only=True)
    partners = PartnerSerializer(many=True, read_only=True)
    url = serializers.SerializerMethodField(help_text="The public page of the event; null unless public.")

    class Meta:
        model = Activity
        fields = [
            "id",
            "centre",
            "series",
            *ACTIVITY_FIELDS,
            "participants_total",
            "partners",
            "version",
            "created_at",
            "updated_at",
            "url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_url(self, activity: Activity) -> str | None:
        if not activity.is_public or activity.centre.status == CentreStatus.CLOSED:
            return None
        request = self.context.get("request")
        path = activity.get_absolute_url()
        return request.build_absolute_uri(path) if request else path


class ActivityInputSerializer(_InputSerializer[Activity]):
    effects = EffectsField(required=False)
    partners = serializers.PrimaryKeyRelatedField(
        many=True,
        required=False,
        queryset=Organization.objects.all(),
        help_text="Ids of partner organisations (the registry at /api/v1/organizations/).",
    )
    new_partner_name = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=255,
        help_text="A partner missing from the registry: it is added (name and kind) and linked.",
    )
    new_partner_kind = serializers.ChoiceField(
        choices=OrganizationKind.choices, required=False, allow_blank=True
    )

    class Meta:
        model = Activity
        fields = [*ACTIVITY_FIELDS, "partners", "new_partner_name", "new_partner_kind"]


class ActivityCreateInputSerializer(ActivityInputSerializer):
    centre = EditableCentreField()

    class Meta(ActivityInputSerializer.Meta):
        fields = ["centre", *ActivityInputSerializer.Meta.fields]


class ActivityUpdateInputSerializer(_UpdateInputMixin, ActivityInputSerializer):
    version = serializers.IntegerField(min_value=1, help_text=_VERSION_HELP)
    centre = serializers.SlugField(required=False, help_text=_CENTRE_UNCHANGED_HELP)

    class Meta(ActivityInputSerializer.Meta):
        fields = ["version", "centre", *ActivityInputSerializer.Meta.fields]


class ActivitySeriesInputSerializer(ActivityCreateInputSerializer):
    """The first occurrence, and how often and until when it repeats."""

    frequency = serializers.ChoiceField(choices=SeriesFrequency.choices)
    until = PortalDateField(
        help_text=f"The last day an occurrence may fall on (at most {MAX_SERIES_OCCURRENCES} occurrences)."
    )

    class Meta(ActivityCreateInputSerializer.Meta):
        fields = [*ActivityCreateInputSerializer.Meta.fields, "frequency", "until"]


class ActivitySeriesSerializer(serializers.ModelSerializer[ActivitySeries]):
    centre = serializers.SlugRelatedField[Centre](slug_field="slug", read_only=True)
    activities = serializers.SerializerMethodField()

    class Meta:
        model = ActivitySeries
        fields = ["id", "centre", "frequency", "first_start", "until", "occurrences", "activities"]
        read_only_fields = fields

    @extend_schema_field(ActivitySerializer(many=True))
    def get_activities(self, series: ActivitySeries) -> Any:
        return ActivitySerializer(self.context["activities"], many=True, context=self.context).data


# --- Volunteers ----------------------------------------------------------------------------


class VolunteerSerializer(serializers.ModelSerializer[Volunteer]):
    centre = serializers.SlugRelatedField[Centre](slug_field="slug", read_only=True)

    class Meta:
        model = Volunteer
        fields = ["id", "centre", *VOLUNTEER_FIELDS, "erased_at", "version", "created_at", "updated_at"]
        read_only_fields = fields


class VolunteerInputSerializer(_InputSerializer[Volunteer]):
    class Meta:
        model = Volunteer
        fields = list(VOLUNTEER_FIELDS)
        # Blank in the model only once erased; a volunteer recorded through the API has a name.
        extra_kwargs = {"name": {"required": True, "allow_blank": False}}


class VolunteerCreateInputSerializer(VolunteerInputSerializer):
    centre = EditableCentreField()

    class Meta(VolunteerInputSerializer.Meta):
        fields = ["centre", *VOLUNTEER_FIELDS]


class VolunteerUpdateInputSerializer(_UpdateInputMixin, VolunteerInputSerializer):
    version = serializers.IntegerField(min_value=1, help_text=_VERSION_HELP)
    centre = serializers.SlugField(required=False, help_text=_CENTRE_UNCHANGED_HELP)

    class Meta(VolunteerInputSerializer.Meta):
        fields = ["version", "centre", *VOLUNTEER_FIELDS]


class _PersonalDataCentreSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    slug = serializers.SlugField()


class _PersonalDataVolunteerSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    email = serializers.CharField()
    phone = serializers.CharField()
    skills = serializers.CharField()
    notes = serializers.CharField()
    is_leader = serializers.BooleanField()
    consent_date = serializers.DateField(allow_null=True)
    consent_scope = serializers.CharField()
    legal_basis = serializers.CharField()
    agreement_start = serializers.DateField(allow_null=True)
    agreement_end = serializers.DateField(allow_null=True)
    active = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class _PersonalDataEventSerializer(serializers.Serializer[Any]):
    at = serializers.DateTimeField()
    event = serializers.CharField()
    # A field named "data" (the audit snapshot); DRF takes declared fields off the class.
    data = serializers.DictField()  # type: ignore[assignment]


class VolunteerPersonalDataSerializer(serializers.Serializer[Any]):
    """Everything the portal holds about a volunteer (GDPR art. 15 and 20); documents the
    shape of ``selectors.volunteer_personal_data``."""

    centre = _PersonalDataCentreSerializer()
    volunteer = _PersonalDataVolunteerSerializer()
    history = _PersonalDataEventSerializer(many=True)


# --- Groups --------------------------------------------------------------------------------


class GroupSerializer(serializers.ModelSerializer[Group]):
    centre = serializers.SlugRelatedField[Centre](slug_field="slug", read_only=True)
    kind = GroupKindField(read_only=True)

    class Meta:
        model = Group
        fields = ["id", "centre", *GROUP_FIELDS, "version", "created_at", "updated_at"]
        read_only_fields = fields


class GroupInputSerializer(_InputSerializer[Group]):
    kind = GroupKindField()

    class Meta:
        model = Group
        fields = list(GROUP_FIELDS)


class GroupCreateInputSerializer(GroupInputSerializer):
    centre = EditableCentreField()

    class Meta(GroupInputSerializer.Meta):
        fields = ["centre", *GROUP_FIELDS]


class GroupUpdateInputSerializer(_UpdateInputMixin, GroupInputSerializer):
    version = serializers.IntegerField(min_value=1, help_text=_VERSION_HELP)
    centre = serializers.SlugField(required=False, help_text=_CENTRE_UNCHANGED_HELP)

    class Meta(GroupInputSerializer.Meta):
        fields = ["version", "centre", *GROUP_FIELDS]


# --- Projects ------------------------------------------------------------------------------
# A project is created for a centre the user may edit and changed with the ``version`` it
# was read at, like the other records; its indicators likewise, each with its own version.
# The achieved value of an indicator is computed (``selectors.project_indicator_queryset``).

_ACHIEVED_HELP = (
    "For a counted measure, computed from the project's linked activities; for a manual one, "
    "the value entered (null while none is)."
)


class ProjectIndicatorSerializer(serializers.ModelSerializer[ProjectIndicator]):
    measure = IndicatorMeasureField(read_only=True)
    is_computed = serializers.BooleanField(read_only=True)
    achieved = serializers.DecimalField(
        max_digits=16, decimal_places=2, read_only=True, allow_null=True, help_text=_ACHIEVED_HELP
    )
    achieved_percent = serializers.DecimalField(
        max_digits=16,
        decimal_places=1,
        read_only=True,
        allow_null=True,
        help_text="The value achieved as a percentage of the target.",
    )

    class Meta:
        model = ProjectIndicator
        fields = [
            "id",
            "project",
            *PROJECT_INDICATOR_FIELDS,
            "is_computed",
            "achieved",
            "achieved_percent",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ProjectSerializer(serializers.ModelSerializer[Project]):
    centre = serializers.SlugRelatedField[Centre](slug_field="slug", read_only=True)
    status = ProjectStatusField(read_only=True)
    funder_kind = FunderKindField(read_only=True)
    partners = PartnerSerializer(many=True, read_only=True)
    activities = serializers.PrimaryKeyRelatedField[Activity](
        many=True, read_only=True, help_text="Ids of the activities carried out under the project."
    )
    indicators = ProjectIndicatorSerializer(many=True, read_only=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "centre",
            *PROJECT_FIELDS,
            "partners",
            "activities",
            "indicators",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ProjectActivitiesField(serializers.PrimaryKeyRelatedField[Activity]):
    """Activities named by id, among those the user may see: any other is "does not exist"."""

    def get_queryset(self) -> Any:
        request = self.context.get("request")
        if request is None:
            return Activity.objects.none()
        return access.visible_activities(request.user)


class ProjectInputSerializer(_InputSerializer[Project]):
    status = ProjectStatusField(required=False)
    funder_kind = FunderKindField()
    partners = serializers.PrimaryKeyRelatedField(
        many=True,
        required=False,
        queryset=Organization.objects.all(),
        help_text="Ids of partner organisations (the registry at /api/v1/organizations/).",
    )
    activities = ProjectActivitiesField(
        many=True,
        required=False,
        help_text=(
            "Ids of the centre's activities carried out under the project, held within its period; "
            "left out in an update, the linked activities stay as they are."
        ),
    )

    class Meta:
        model = Project
        fields = [*PROJECT_FIELDS, "partners", "activities"]


class ProjectCreateInputSerializer(ProjectInputSerializer):
    centre = EditableCentreField()

    class Meta(ProjectInputSerializer.Meta):
        fields = ["centre", *ProjectInputSerializer.Meta.fields]


class ProjectUpdateInputSerializer(_UpdateInputMixin, ProjectInputSerializer):
    version = serializers.IntegerField(min_value=1, help_text=_VERSION_HELP)
    centre = serializers.SlugField(required=False, help_text=_CENTRE_UNCHANGED_HELP)

    class Meta(ProjectInputSerializer.Meta):
        fields = ["version", "centre", *ProjectInputSerializer.Meta.fields]


class EditableProjectField(serializers.PrimaryKeyRelatedField[Project]):
    """A project of a centre the user may edit: any other is "does not exist"."""

    def get_queryset(self) -> Any:
        request = self.context.get("request")
        if request is None:
            return Project.objects.none()
        return Project.objects.filter(centre__in=access.editable_centres(request.user)).select_related(
            "centre"
        )


class ProjectIndicatorInputSerializer(_InputSerializer[ProjectIndicator]):
    measure = IndicatorMeasureField()

    class Meta:
        model = ProjectIndicator
        fields = list(PROJECT_INDICATOR_FIELDS)


class ProjectIndicatorCreateInputSerializer(ProjectIndicatorInputSerializer):
    project = EditableProjectField(help_text="The id of a project of a centre you may edit.")

    class Meta(ProjectIndicatorInputSerializer.Meta):
        fields = ["project", *PROJECT_INDICATOR_FIELDS]


class ProjectIndicatorUpdateInputSerializer(ProjectIndicatorInputSerializer):
    version = serializers.IntegerField(min_value=1, help_text=_VERSION_HELP)
    project = serializers.IntegerField(
        required=False, help_text="Optional: the indicator's project (an indicator does not move)."
    )

    class Meta(ProjectIndicatorInputSerializer.Meta):
        fields = ["version", "project", *PROJECT_INDICATOR_FIELDS]

    def to_internal_value(self, data: Any) -> Any:
        missing_version = self.partial and isinstance(data, Mapping) and "version" not in data
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if missing_version and isinstance(exc.detail, dict):
                exc.detail["version"] = [_required()]
            raise
        if missing_version:
            raise serializers.ValidationError({"version": [_required()]})
        return value

    def validate_project(self, value: int) -> int:
        if self.instance is not None and value != self.instance.project_id:
            raise serializers.ValidationError(
                _("The project of an indicator cannot be changed."), code="project_changed"
            )
        return value
