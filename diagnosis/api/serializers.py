"""Input and output serializers of the diagnosis API: the shape of the data only; every
rule is the services' (full_clean), shared with the workspace forms and the admin."""

from __future__ import annotations

from typing import Any

from django.db import models
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from centres.api.serializers import EditableCentreField, PortalDateField
from centres.models import Activity, Centre, Osiedle
from diagnosis import permissions
from diagnosis.models import (
    DECIDED_STATUSES,
    SUBMISSION_KINDS,
    Diagnosis,
    DiagnosisStatus,
    Finding,
    FindingKind,
    FindingResponse,
    FindingStatus,
    Method,
    MethodUse,
    ResidentSubmission,
    SubmissionStatus,
    TargetGroup,
    Theme,
)
from diagnosis.services import ACCEPT_FIELDS, DIAGNOSIS_FIELDS, FINDING_FIELDS, METHOD_FIELDS

_VERSION_HELP = "The version of the record you read; a stale one is refused with 409."


@extend_schema_field(serializers.ChoiceField(choices=FindingKind.choices), component_name="FindingKindEnum")
class FindingKindField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=FindingKind.choices, **kwargs)


@extend_schema_field(
    serializers.ChoiceField(choices=[(k.value, k.label) for k in FindingKind if k in SUBMISSION_KINDS]),
    component_name="SubmissionKindEnum",
)
class SubmissionKindField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=[(k.value, k.label) for k in FindingKind if k in SUBMISSION_KINDS], **kwargs)


@extend_schema_field(
    serializers.ChoiceField(choices=DiagnosisStatus.choices), component_name="DiagnosisStatusEnum"
)
class DiagnosisStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=DiagnosisStatus.choices, **kwargs)


@extend_schema_field(
    serializers.ChoiceField(choices=FindingStatus.choices), component_name="FindingStatusEnum"
)
class FindingStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=FindingStatus.choices, **kwargs)


@extend_schema_field(
    serializers.ChoiceField(
        choices=[(value, label) for value, label in FindingStatus.choices if value in DECIDED_STATUSES]
    ),
    component_name="FindingDecidedStatusEnum",
)
class FindingDecidedStatusField(serializers.ChoiceField):
    """What a client may set: open, met or dropped ("being addressed" follows from the
    activities that answer the finding)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            choices=[(value, label) for value, label in FindingStatus.choices if value in DECIDED_STATUSES],
            **kwargs,
        )


@extend_schema_field(
    serializers.ChoiceField(choices=SubmissionStatus.choices), component_name="SubmissionStatusEnum"
)
class SubmissionStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=SubmissionStatus.choices, **kwargs)


@extend_schema_field(serializers.ChoiceField(choices=Method.choices), component_name="DiagnosisMethodEnum")
class MethodField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Method.choices, **kwargs)


class TargetGroupsField(serializers.MultipleChoiceField):
    """Target groups: a list of values, returned in their canonical order."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=TargetGroup.choices, **kwargs)

    def to_internal_value(self, data: Any) -> list[str]:  # type: ignore[override]
        chosen = super().to_internal_value(data)
        return [value for value in TargetGroup.values if value in chosen]


class _InputSerializer(serializers.ModelSerializer[Any]):
    """The input of a write: the model's fields, its dates within the portal's years."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateField: PortalDateField,
    }


@extend_schema_field(OpenApiTypes.INT)
class EditableDiagnosisField(serializers.PrimaryKeyRelatedField[Diagnosis]):
    """A diagnosis of a centre the user may edit: any other is "does not exist", whether
    or not it does (no leak of what exists)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "A diagnosis of a centre you may edit.")
        super().__init__(**kwargs)

    def get_queryset(self) -> Any:
        request = self.context.get("request")
        return Diagnosis.objects.none() if request is None else permissions.editable_diagnoses(request.user)


@extend_schema_field(OpenApiTypes.INT)
class EditableFindingField(serializers.PrimaryKeyRelatedField[Finding]):
    """A finding of a centre the user may edit (any other does not exist for them)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "A finding of a centre you may edit.")
        super().__init__(**kwargs)

    def get_queryset(self) -> Any:
        request = self.context.get("request")
        return Finding.objects.none() if request is None else permissions.editable_findings(request.user)


def _absolute(request: Any, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path


# --- Diagnoses ---------------------------------------------------------------------------------


class MethodUseSerializer(serializers.ModelSerializer[MethodUse]):
    method = MethodField(read_only=True)

    class Meta:
        model = MethodUse
        fields = ["id", "diagnosis", *METHOD_FIELDS]
        read_only_fields = fields


class MethodUseInputSerializer(_InputSerializer):
    method = MethodField()
    diagnosis = EditableDiagnosisField()

    class Meta:
        model = MethodUse
        fields = ["diagnosis", *METHOD_FIELDS]


class DiagnosisSerializer(serializers.ModelSerializer[Diagnosis]):
    centre = serializers.SlugRelatedField[Centre](slug_field="slug", read_only=True)
    osiedla = serializers.SlugRelatedField[Osiedle](slug_field="slug", many=True, read_only=True)
    status = DiagnosisStatusField(read_only=True)
    methods = MethodUseSerializer(many=True, read_only=True)
    finding_count = serializers.IntegerField(read_only=True)
    url = serializers.SerializerMethodField(help_text="The public page; null unless published.")

    class Meta:
        model = Diagnosis
        fields = [
            "id",
            "centre",
            *DIAGNOSIS_FIELDS,
            "osiedla",
            "published_at",
            "methods",
            "finding_count",
            "version",
            "created_at",
            "updated_at",
            "url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_url(self, diagnosis: Diagnosis) -> str | None:
        if not diagnosis.is_published:
            return None
        from django.urls import reverse

        path = reverse(
            "diagnosis:diagnosis-public", kwargs={"slug": diagnosis.centre.slug, "pk": diagnosis.pk}
        )
        return _absolute(self.context.get("request"), path)


class DiagnosisInputSerializer(_InputSerializer):
    status = DiagnosisStatusField(required=False)
    osiedla = serializers.SlugRelatedField[Osiedle](
        slug_field="slug",
        many=True,
        queryset=Osiedle.objects.all(),
        help_text="Slugs of the osiedla covered.",
    )

    class Meta:
        model = Diagnosis
        fields = ["osiedla", *DIAGNOSIS_FIELDS]


class DiagnosisCreateInputSerializer(DiagnosisInputSerializer):
    centre = EditableCentreField()

    class Meta(DiagnosisInputSerializer.Meta):
        fields = ["centre", *DiagnosisInputSerializer.Meta.fields]


class DiagnosisUpdateInputSerializer(DiagnosisInputSerializer):
    version = serializers.IntegerField(min_value=1, help_text=_VERSION_HELP)

    class Meta(DiagnosisInputSerializer.Meta):
        fields = ["version", *DiagnosisInputSerializer.Meta.fields]
        extra_kwargs = {"osiedla": {"required": False}}

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        fields["osiedla"].required = False
        return fields


# --- Findings and the activities that answer them ---------------------------------------------------


class AnsweringActivitySerializer(serializers.Serializer[FindingResponse]):
    """An activity that answers a finding; its title only where the activity may be seen."""

    id = serializers.IntegerField(source="activity_id")
    title = serializers.SerializerMethodField()
    start = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_title(self, response: FindingResponse) -> str | None:
        return response.activity.title if self._visible(response.activity) else None

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_start(self, response: FindingResponse) -> str | None:
        if not self._visible(response.activity):
            return None
        return serializers.DateTimeField().to_representation(response.activity.start)

    def _visible(self, activity: Activity) -> bool:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None:
            return activity.is_public
        return permissions.can_see_activity(user, activity)


class FindingSerializer(serializers.ModelSerializer[Finding]):
    diagnosis = serializers.PrimaryKeyRelatedField[Diagnosis](read_only=True)
    centre = serializers.SlugRelatedField[Centre](
        source="diagnosis.centre", slug_field="slug", read_only=True
    )
    kind = FindingKindField(read_only=True)
    osiedle = serializers.SlugRelatedField[Osiedle](slug_field="slug", read_only=True, allow_null=True)
    target_groups = serializers.ListField(
        child=serializers.ChoiceField(choices=TargetGroup.choices), read_only=True
    )
    status = FindingStatusField(
        source="current_status",
        read_only=True,
        help_text="The current status: an open finding that an activity answers is being addressed.",
    )
    answering_activities = AnsweringActivitySerializer(source="responses", many=True, read_only=True)

    class Meta:
        model = Finding
        fields = [
            "id",
            "diagnosis",
            "centre",
            *FINDING_FIELDS,
            "status",
            "answering_activities",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class FindingInputSerializer(_InputSerializer):
    theme = serializers.ChoiceField(choices=Theme.choices)
    kind = FindingKindField()
    target_groups = TargetGroupsField(required=False)
    osiedle = serializers.SlugRelatedField[Osiedle](
        slug_field="slug", queryset=Osiedle.objects.all(), allow_null=True, required=False
    )
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, allow_null=True, required=False, coerce_to_string=False
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, allow_null=True, required=False, coerce_to_string=False
    )

    class Meta:
        model = Finding
        fields = list(FINDING_FIELDS)


class FindingCreateInputSerializer(FindingInputSerializer):
    diagnosis = EditableDiagnosisField()

    class Meta(FindingInputSerializer.Meta):
        fields = ["diagnosis", *FINDING_FIELDS]


class FindingUpdateInputSerializer(FindingInputSerializer):
    version = serializers.IntegerField(min_value=1, help_text=_VERSION_HELP)
    status = FindingDecidedStatusField(required=False)

    class Meta(FindingInputSerializer.Meta):
        fields = ["version", *FINDING_FIELDS, "status"]


class FindingResponseSerializer(serializers.ModelSerializer[FindingResponse]):
    activity_title = serializers.SerializerMethodField()

    class Meta:
        model = FindingResponse
        fields = ["id", "finding", "activity", "activity_title", "created_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_activity_title(self, response: FindingResponse) -> str | None:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        visible = (
            response.activity.is_public
            if user is None
            else permissions.can_see_activity(user, response.activity)
        )
        return response.activity.title if visible else None


class FindingResponseInputSerializer(serializers.Serializer[Any]):
    finding = EditableFindingField()
    activity = serializers.PrimaryKeyRelatedField(
        queryset=Activity.objects.all(), help_text="An activity of the same centre that answers the finding."
    )


# --- GeoJSON (documentation of diagnosis.geo) -----------------------------------------------------------


class _PointSerializer(serializers.Serializer[Any]):
    type = serializers.ChoiceField(choices=["Point"])
    coordinates = serializers.ListField(
        child=serializers.FloatField(), min_length=2, max_length=2, help_text="[longitude, latitude] (WGS84)."
    )


class _FindingPropertiesSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    kind = FindingKindField()
    kind_label = serializers.CharField()
    theme = serializers.ChoiceField(choices=Theme.choices)
    theme_label = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    priority = serializers.IntegerField(min_value=1, max_value=5)
    status = FindingStatusField()
    status_label = serializers.CharField()
    osiedle = serializers.CharField(allow_null=True)
    centre = serializers.SlugField()
    centre_name = serializers.CharField()
    diagnosis = serializers.IntegerField()
    diagnosis_title = serializers.CharField()
    answering_activities = serializers.IntegerField()
    url = serializers.CharField(allow_null=True, help_text="The public page of the diagnosis, if published.")


@extend_schema_serializer(many=False)
class FindingFeatureSerializer(serializers.Serializer[Any]):
    """One finding as a GeoJSON Feature (its geometry is null without a point)."""

    type = serializers.ChoiceField(choices=["Feature"])
    id = serializers.IntegerField()
    geometry = _PointSerializer(allow_null=True)
    properties = _FindingPropertiesSerializer()


@extend_schema_serializer(many=False)  # one collection, never a paginated list of them
class FindingFeatureCollectionSerializer(serializers.Serializer[Any]):
    """The findings placed on the map, as a GeoJSON FeatureCollection (RFC 7946)."""

    type = serializers.ChoiceField(choices=["FeatureCollection"])
    features = FindingFeatureSerializer(many=True)


# --- Residents' submissions -------------------------------------------------------------------------


class ResidentSubmissionSerializer(serializers.ModelSerializer[ResidentSubmission]):
    centre = serializers.SlugRelatedField[Centre](
        source="diagnosis.centre", slug_field="slug", read_only=True
    )
    kind = SubmissionKindField(read_only=True)
    status = SubmissionStatusField(read_only=True)
    osiedle = serializers.SlugRelatedField[Osiedle](slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = ResidentSubmission
        fields = [
            "id",
            "diagnosis",
            "centre",
            "kind",
            "text",
            "osiedle",
            "status",
            "finding",
            "created_at",
            "moderated_at",
        ]
        read_only_fields = fields


class SubmissionAcceptInputSerializer(_InputSerializer):
    """The finding an accepted submission becomes; kind, description and osiedle default to
    the resident's."""

    kind = FindingKindField(required=False)
    theme = serializers.ChoiceField(choices=Theme.choices)
    target_groups = TargetGroupsField(required=False)
    osiedle = serializers.SlugRelatedField[Osiedle](
        slug_field="slug", queryset=Osiedle.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = Finding
        fields = list(ACCEPT_FIELDS)
        extra_kwargs = {"description": {"required": False}}
