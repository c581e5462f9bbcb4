"""``GET /api/v1/stats/<figure>/``: the dashboard's figures for API clients, computed by
network.stats with the same filters (``start``, ``end``, ``district``, ``osiedle``,
``centre`` as query parameters; ``sort`` for the centres). For the animator, the standing
team, city staff and the users the city granted the dashboard; 401 without credentials,
403 for anyone else. Each response names the figure and echoes the filter it was computed
for (the default period moves with the calendar), with the figure under ``data``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import permissions, serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from centres import access
from centres.models import District
from network import stats
from network.stats import CENTRE_SORTS, StatsFilter
from network.stats_filters import StatsFilterForm

# --- Serializers: output only, one per figure ----------------------------------------------


def _number(**kwargs: Any) -> serializers.DecimalField:
    """A decimal as a JSON number (figures are for computing with, not for display)."""
    return serializers.DecimalField(max_digits=12, decimal_places=2, coerce_to_string=False, **kwargs)


class StatsFilterSerializer(serializers.Serializer[StatsFilter]):
    start = serializers.DateField()
    end = serializers.DateField()
    district = serializers.CharField(help_text="A district's value, or empty for all.")
    osiedle = serializers.CharField(help_text="An osiedle's slug, or empty for all.")
    centre = serializers.CharField(help_text="A centre's slug, or empty for all.")


class StatsStatusCountSerializer(serializers.Serializer[stats.StatusCount]):
    status = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label
    centres = serializers.IntegerField()


class StatsActiveCentresSerializer(serializers.Serializer[stats.ActiveCentres]):
    active = serializers.IntegerField(
        help_text="Centres run by an operator during the period, past planning."
    )
    total = serializers.IntegerField()
    by_status = StatsStatusCountSerializer(many=True)


class StatsMethodCountSerializer(serializers.Serializer[stats.MethodCount]):
    method = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label
    activities = serializers.IntegerField()
    participants = serializers.IntegerField()


class StatsMonthCountSerializer(serializers.Serializer[stats.MonthCount]):
    month = serializers.DateField(help_text="The first day of the month.")
    activities = serializers.IntegerField()
    participants = serializers.IntegerField()
    resident_initiated = serializers.IntegerField()


class StatsAgeBandSerializer(serializers.Serializer[stats.AgeBandCount]):
    band = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label
    participants = serializers.IntegerField()


class StatsParticipantsSerializer(serializers.Serializer[stats.Participants]):
    total = serializers.IntegerField()
    activities = serializers.IntegerField()
    by_age = StatsAgeBandSerializer(many=True)


class StatsVolunteersSerializer(serializers.Serializer[stats.VolunteerFigures]):
    involvements = serializers.IntegerField(
        help_text="Volunteers involved, summed over the period's activities."
    )
    hours = _number()
    activities_with_volunteers = serializers.IntegerField()
    registered = serializers.IntegerField(help_text="Active volunteers on the centres' records now.")
    local_leaders = serializers.IntegerField()


class StatsResidentInitiatedSerializer(serializers.Serializer[stats.ResidentInitiated]):
    activities = serializers.IntegerField()
    resident_initiated = serializers.IntegerField()
    share = _number(allow_null=True, help_text="Percent, one decimal; null without activities.")


class StatsPartnerKindSerializer(serializers.Serializer[stats.PartnerKindCount]):
    kind = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label
    organisations = serializers.IntegerField()
    activity_partners = serializers.IntegerField()
    partnership_members = serializers.IntegerField()


class StatsPhaseCountSerializer(serializers.Serializer[stats.PhaseCount]):
    phase = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label
    partnerships = serializers.IntegerField()


class StatsNeedStatusSerializer(serializers.Serializer[stats.NeedStatusCount]):
    status = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label
    needs = serializers.IntegerField()


class StatsNeedsSerializer(serializers.Serializer[stats.Needs]):
    open = serializers.IntegerField()
    in_progress = serializers.IntegerField()
    met = serializers.IntegerField()
    by_status = StatsNeedStatusSerializer(many=True)


class StatsExpiringCertificateSerializer(serializers.Serializer[stats.ExpiringCertificate]):
    centre = serializers.CharField()
    centre_slug = serializers.CharField()
    valid_until = serializers.DateField()
    days_left = serializers.IntegerField()


class StatsStandardScoreSerializer(serializers.Serializer[stats.StandardScore]):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label
    average = _number(allow_null=True)


class StatsSelfAssessmentSerializer(serializers.Serializer[stats.SelfAssessmentScores]):
    centres = serializers.IntegerField()
    standards = StatsStandardScoreSerializer(many=True)


class StatsCentreRowSerializer(serializers.Serializer[stats.CentreRow]):
    name = serializers.CharField()
    slug = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    osiedle = serializers.CharField()
    district = serializers.CharField()
    activities = serializers.IntegerField()
    participants = serializers.IntegerField()
    volunteer_hours = _number()
    resident_initiated = serializers.IntegerField()
    resident_share = _number(allow_null=True)
    partnerships = serializers.IntegerField()
    open_needs = serializers.IntegerField()
    certificate_until = serializers.DateField(allow_null=True)
    self_assessment_total = serializers.IntegerField(allow_null=True)


class StatsOsiedleRowSerializer(serializers.Serializer[stats.OsiedleRow]):
    name = serializers.CharField()
    slug = serializers.CharField()
    district = serializers.CharField()
    district_label = serializers.CharField()
    population = serializers.IntegerField(allow_null=True)
    served = serializers.BooleanField()
    centres = serializers.IntegerField()
    activities = serializers.IntegerField()
    activities_per_1000 = _number(allow_null=True)


class StatsTrainedCentreSerializer(serializers.Serializer[stats.TrainedCentre]):
    name = serializers.CharField()
    slug = serializers.CharField()
    people = serializers.IntegerField(help_text="People of the centre who completed a programme.")
    completions = serializers.IntegerField(help_text="Programmes completed by them.")


class StatsTrainedTopicSerializer(serializers.Serializer[stats.TrainedTopic]):
    topic = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label
    people = serializers.IntegerField()
    centres = serializers.IntegerField()


# --- Views -----------------------------------------------------------------------------------

FILTER_PARAMETERS = [
    OpenApiParameter("start", OpenApiTypes.DATE, description="First day (default: 11 months back, 1st)."),
    OpenApiParameter("end", OpenApiTypes.DATE, description="Last day (default: today)."),
    OpenApiParameter("district", OpenApiTypes.STR, enum=[value for value, _label in District.choices]),
    OpenApiParameter("osiedle", OpenApiTypes.STR, description="The slug of one osiedle."),
    OpenApiParameter("centre", OpenApiTypes.STR, description="The slug of one centre."),
]
SORT_PARAMETER = OpenApiParameter(
    "sort",
    OpenApiTypes.STR,
    enum=[*CENTRE_SORTS, *(f"-{key}" for key in CENTRE_SORTS)],
    description="The order of the centres (a leading minus: descending).",
)


DESCRIPTION = (
    "A figure of the network dashboard, computed for a period (start and end, inclusive; by "
    "default the last twelve calendar months up to today) and an area (a district, an osiedle "
    "or a centre: a centre counts in the osiedla it is located in or serves). The response "
    "names the figure, echoes the filter it was computed for and carries the figure in `data`. "
    "Counts only, never personal data. For the network animator, the standing team, city staff "
    "and the users the city has granted the dashboard."
)


class StatsApi(APIView):
    """Base of the figure views: access, the filter, the envelope."""

    permission_classes = [permissions.IsAuthenticated]
    figure = ""
    data_serializer: Callable[..., serializers.BaseSerializer[Any]] = serializers.Serializer

    def compute(self, request: Request, f: StatsFilter) -> Any:
        return stats.ALL_FIGURES[self.figure].compute(f)

    def get(self, request: Request) -> Response:
        if not access.can_view_dashboard(request.user):
            raise PermissionDenied
        form = StatsFilterForm(request.query_params)
        if not form.is_valid():
            raise ValidationError(
                {
                    "non_field_errors" if name == "__all__" else name: [str(error) for error in errors]
                    for name, errors in form.errors.items()
                }
            )
        f = form.to_filter()
        return Response(
            {
                "figure": self.figure,
                "filter": StatsFilterSerializer(f).data,
                "data": self.data_serializer(self.compute(request, f)).data,
            }
        )


class CentresStatsApi(StatsApi):
    def compute(self, request: Request, f: StatsFilter) -> Any:
        return stats.centres(f, sort=stats.normalise_sort(request.query_params.get("sort")))


# figure → (serializer of its data, many?, one-line description)
_SPECS: dict[str, tuple[type[serializers.Serializer[Any]], bool, str]] = {
    "active-centres": (StatsActiveCentresSerializer, False, "Centres active in the period, and by status."),
    "activities-by-method": (StatsMethodCountSerializer, True, "Activities and participants per CAL method."),
    "activities-by-month": (StatsMonthCountSerializer, True, "Activities per month of the period."),
    "participants-by-age": (StatsParticipantsSerializer, False, "Participants per age band (counts only)."),
    "volunteers": (StatsVolunteersSerializer, False, "Volunteers and volunteer hours (counts only)."),
    "resident-initiated": (
        StatsResidentInitiatedSerializer,
        False,
        "The share of resident-initiated activities.",
    ),
    "partners-by-kind": (StatsPartnerKindSerializer, True, "Partner organisations by kind."),
    "partnerships-by-phase": (
        StatsPhaseCountSerializer,
        True,
        "Local partnerships by phase on the period's end.",
    ),
    "needs": (StatsNeedsSerializer, False, "Needs open, in progress and met."),
    "certificates-expiring": (
        StatsExpiringCertificateSerializer,
        True,
        "Certificates expiring within six months of the period's end.",
    ),
    "self-assessment": (
        StatsSelfAssessmentSerializer,
        False,
        "Average self-assessment score per CAL standard.",
    ),
    "centres": (StatsCentreRowSerializer, True, "Each centre with its figures."),
    "osiedla": (
        StatsOsiedleRowSerializer,
        True,
        "Osiedla served and unserved, activities per 1,000 residents.",
    ),
    "trained-by-centre": (
        StatsTrainedCentreSerializer,
        True,
        "People who completed a training programme in the period, by centre.",
    ),
    "trained-by-topic": (
        StatsTrainedTopicSerializer,
        True,
        "People who completed a training programme in the period, by topic.",
    ),
}


def _class_name(figure: str) -> str:
    return "".join(part.capitalize() for part in figure.split("-"))


def _build_view(figure: str) -> type[StatsApi]:
    data_serializer, many, summary = _SPECS[figure]
    name = _class_name(figure)
    envelope = type(
        f"{name}StatsSerializer",
        (serializers.Serializer,),
        {
            "figure": serializers.CharField(),
            "filter": StatsFilterSerializer(),
            "data": data_serializer(many=many),
        },
    )
    base = CentresStatsApi if figure == "centres" else StatsApi

    def serialize(instance: Any) -> serializers.BaseSerializer[Any]:
        return data_serializer(instance, many=many)

    view = type(f"{name}StatsApi", (base,), {"figure": figure, "data_serializer": staticmethod(serialize)})
    parameters = [*FILTER_PARAMETERS, SORT_PARAMETER] if figure == "centres" else FILTER_PARAMETERS
    schema = extend_schema(
        operation_id=f"stats_{figure.replace('-', '_')}",
        summary=summary,
        description=DESCRIPTION,
        tags=["stats"],
        parameters=parameters,
        responses=envelope,
    )
    return extend_schema_view(get=schema)(view)


STATS_VIEWS: dict[str, type[StatsApi]] = {figure: _build_view(figure) for figure in stats.ALL_FIGURES}
