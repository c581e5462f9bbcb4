"""Community diagnosis: what a centre learnt about its neighbourhood and what it does about it.

A centre runs a ``Diagnosis`` of the osiedla it serves, with research methods (``MethodUse``);
its ``Finding``s are the needs, problems, assets and ideas it found, optionally placed on the
map; a ``FindingResponse`` says which of the centre's activities answers which finding. While
a diagnosis is running, residents may send their own needs, assets and ideas without an
account (``ResidentSubmission``); the operator accepts them as findings or rejects them.

The status of a finding: "in progress" is never stored; it is what an open finding is while
at least one activity answers it (``Finding.current_status``, and the selectors' annotation),
so that deleting an activity can never leave a finding "in progress" with nothing behind it.
The operator decides the rest: a finding stays open, is met, or is dropped.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pghistory
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from centres.models import CITY_BOUNDS, Activity, Centre, Osiedle, VersionedModel


class DiagnosisStatus(models.TextChoices):
    PLANNED = "planowana", pgettext_lazy("diagnosis status", "planned")
    RUNNING = "w-toku", _("in progress")
    FINISHED = "zakonczona", _("finished")
    PUBLISHED = "opublikowana", _("published")


# A diagnosis that is over: its findings are the centre's current picture of its area.
FINISHED_STATUSES: tuple[str, ...] = (DiagnosisStatus.FINISHED, DiagnosisStatus.PUBLISHED)


class Method(models.TextChoices):
    """Research methods of a community diagnosis in the CAL model."""

    DESK_RESEARCH = "dane-zastane", _("desk research (existing data)")
    SURVEY = "ankieta", _("survey")
    INTERVIEW = "wywiad", _("interview")
    FOCUS_GROUP = "grupa-fokusowa", _("focus group")
    OBSERVATION = "obserwacja", _("observation")
    RESEARCH_WALK = "spacer-badawczy", _("research walk")
    RESOURCE_MAPPING = "mapowanie-zasobow", _("resource mapping")
    WORKSHOP = "warsztat", _("workshop")
    WORLD_CAFE = "world-cafe", _("world café")
    WISH_TREE = "drzewko-zyczen", _("wish tree")
    SWOT = "swot", _("SWOT analysis")


class FindingKind(models.TextChoices):
    NEED = "potrzeba", _("need")
    PROBLEM = "problem", _("problem")
    ASSET = "zasob", _("asset")
    IDEA = "pomysl", _("idea")


# What an activity can answer (the traceability lists of the dashboard), and what a
# resident may send in without an account.
NEED_KINDS: tuple[str, ...] = (FindingKind.NEED, FindingKind.PROBLEM)
SUBMISSION_KINDS: tuple[str, ...] = (FindingKind.NEED, FindingKind.ASSET, FindingKind.IDEA)


class Theme(models.TextChoices):
    INTEGRATION = "integracja", _("neighbourly integration")
    SENIORS = "seniorzy", _("seniors")
    CHILDREN_YOUTH = "dzieci-mlodziez", _("children and youth")
    FAMILIES = "rodziny", _("families")
    PUBLIC_SPACE = "przestrzen-publiczna", _("public space")
    SAFETY = "bezpieczenstwo", _("safety")
    CULTURE = "kultura", _("culture and leisure")
    ENVIRONMENT = "srodowisko", _("environment and greenery")
    EDUCATION = "edukacja", _("education")
    HEALTH = "zdrowie", _("health")
    INCLUSION = "wykluczenie", _("social exclusion")
    OTHER = "inne", _("other")


class TargetGroup(models.TextChoices):
    CHILDREN = "dzieci", _("children")
    YOUTH = "mlodziez", _("young people")
    FAMILIES = "rodziny", _("families with children")
    ADULTS = "dorosli", _("adults")
    SENIORS = "seniorzy", _("seniors")
    DISABLED = "niepelnosprawni", _("people with disabilities")
    MIGRANTS = "migranci", _("migrants")
    EVERYONE = "wszyscy", _("all residents")


class FindingStatus(models.TextChoices):
    OPEN = "otwarta", _("open")
    IN_PROGRESS = "w-realizacji", _("being addressed")
    MET = "zaspokojona", _("met")
    DROPPED = "porzucona", _("dropped")


# What the operator decides (stored); "in progress" follows from the answering activities.
DECIDED_STATUSES: tuple[str, ...] = (FindingStatus.OPEN, FindingStatus.MET, FindingStatus.DROPPED)

PRIORITY_MIN, PRIORITY_MAX = 1, 5
# A resident's submission: long enough for a paragraph, short enough to moderate.
SUBMISSION_MAX_LENGTH = 2000
SUBMISSION_MIN_LENGTH = 10


def _within_city(latitude: Any, longitude: Any) -> dict[str, ValidationError]:
    """Errors of coordinates outside the city (centres.models.CITY_BOUNDS)."""
    bounds = CITY_BOUNDS
    errors: dict[str, ValidationError] = {}
    if isinstance(latitude, Decimal | float | int) and not bounds["south"] <= latitude <= bounds["north"]:
        errors["latitude"] = ValidationError(
            _("The point must be within the city: latitude between %(south)s and %(north)s.") % bounds,
            code="outside_city",
        )
    if isinstance(longitude, Decimal | float | int) and not bounds["west"] <= longitude <= bounds["east"]:
        errors["longitude"] = ValidationError(
            _("The point must be within the city: longitude between %(west)s and %(east)s.") % bounds,
            code="outside_city",
        )
    if (latitude is None) != (longitude is None):
        missing = "longitude" if longitude is None else "latitude"
        errors.setdefault(
            missing,
            ValidationError(_("Give both latitude and longitude, or neither."), code="half_point"),
        )
    return errors


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Diagnosis(VersionedModel):
    centre = models.ForeignKey(
        Centre, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="diagnoses"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(
        _("scope"),
        blank=True,
        help_text=_("What the diagnosis wants to learn and from whom; shown to residents."),
    )
    osiedla: models.ManyToManyField[Osiedle, DiagnosisOsiedle] = models.ManyToManyField(
        Osiedle, verbose_name=_("osiedla"), through="DiagnosisOsiedle", related_name="diagnoses"
    )
    period_start = models.DateField(_("start of the period"))
    period_end = models.DateField(_("end of the period"))
    status = models.CharField(
        _("status"), max_length=20, choices=DiagnosisStatus.choices, default=DiagnosisStatus.PLANNED
    )
    conclusions = models.TextField(
        _("conclusions"), blank=True, help_text=_("Required to publish the diagnosis.")
    )
    submissions_open = models.BooleanField(
        _("residents' input open"),
        default=False,
        help_text=_("While the diagnosis is in progress, residents may send needs, assets and ideas."),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("diagnosis")
        verbose_name_plural = _("diagnoses")
        ordering = ["-period_start", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="diagnosis_period_end_after_start",
                violation_error_message=_("The period cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(submissions_open=False) | Q(status=DiagnosisStatus.RUNNING),
                name="diagnosis_submissions_only_while_running",
                violation_error_message=_(
                    "Residents' input can be open only while the diagnosis is in progress."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, ValidationError] = {}
        start, end = self.period_start, self.period_end
        if start is not None and end is not None and end < start:
            errors["period_end"] = ValidationError(
                _("The period cannot end before it starts."), code="end_before_start"
            )
        if self.submissions_open and self.status != DiagnosisStatus.RUNNING:
            errors["submissions_open"] = ValidationError(
                _("Residents' input can be open only while the diagnosis is in progress."),
                code="not_running",
            )
        if self.status == DiagnosisStatus.PUBLISHED and not (self.conclusions or "").strip():
            errors["conclusions"] = ValidationError(
                _("Write the conclusions before publishing the diagnosis."), code="no_conclusions"
            )
        if errors:
            raise ValidationError(errors)

    @property
    def is_published(self) -> bool:
        return self.status == DiagnosisStatus.PUBLISHED

    @property
    def accepts_submissions(self) -> bool:
        return self.status == DiagnosisStatus.RUNNING and self.submissions_open


@pghistory.track(pghistory.InsertEvent(), pghistory.DeleteEvent())
class DiagnosisOsiedle(models.Model):
    """An osiedle a diagnosis covers (an explicit model so the audit sees it)."""

    diagnosis = models.ForeignKey(Diagnosis, on_delete=models.CASCADE, related_name="osiedle_links")
    osiedle = models.ForeignKey(Osiedle, on_delete=models.PROTECT, related_name="diagnosis_links")

    class Meta:
        verbose_name = _("osiedle of a diagnosis")
        verbose_name_plural = _("osiedla of diagnoses")
        constraints = [
            models.UniqueConstraint(fields=["diagnosis", "osiedle"], name="diagnosis_osiedle_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.diagnosis} — {self.osiedle}"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class MethodUse(models.Model):
    """A research method a diagnosis used, when, and with how many respondents."""

    diagnosis = models.ForeignKey(
        Diagnosis, verbose_name=_("diagnosis"), on_delete=models.CASCADE, related_name="methods"
    )
    method = models.CharField(_("method"), max_length=30, choices=Method.choices)
    date = models.DateField(_("date"))
    respondents = models.PositiveIntegerField(
        _("respondents"), null=True, blank=True, help_text=_("How many people took part (a number only).")
    )
    notes = models.CharField(_("notes"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("method used")
        verbose_name_plural = _("methods used")
        ordering = ["date", "pk"]

    def __str__(self) -> str:
        return f"{self.get_method_display()} ({self.date.isoformat()})"

    def clean(self) -> None:
        diagnosis = self.diagnosis if self.diagnosis_id else None
        if diagnosis is None or self.date is None:
            return
        if not diagnosis.period_start <= self.date <= diagnosis.period_end:
            raise ValidationError(
                {
                    "date": _("The date must fall within the period of the diagnosis (%(start)s – %(end)s).")
                    % {"start": diagnosis.period_start.isoformat(), "end": diagnosis.period_end.isoformat()}
                },
                code="outside_period",
            )


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Finding(VersionedModel):
    """A need, problem, asset or idea found by a diagnosis, perhaps placed on the map."""

    diagnosis = models.ForeignKey(
        Diagnosis, verbose_name=_("diagnosis"), on_delete=models.PROTECT, related_name="findings"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=FindingKind.choices)
    theme = models.CharField(_("theme"), max_length=30, choices=Theme.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    priority = models.PositiveSmallIntegerField(
        _("priority"),
        default=3,
        validators=[MinValueValidator(PRIORITY_MIN), MaxValueValidator(PRIORITY_MAX)],
        help_text=_("From 1 (low) to 5 (most urgent)."),
    )
    target_groups = ArrayField(
        models.CharField(max_length=20, choices=TargetGroup.choices),
        verbose_name=_("target groups"),
        default=list,
        blank=True,
    )
    osiedle = models.ForeignKey(
        Osiedle,
        verbose_name=_("osiedle"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
    )
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    activities: models.ManyToManyField[Activity, FindingResponse] = models.ManyToManyField(
        Activity,
        verbose_name=_("answering activities"),
        through="FindingResponse",
        related_name="findings",
        blank=True,
    )

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["-priority", "title", "pk"]
        indexes = [models.Index(fields=["kind", "status"], name="finding_kind_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="finding_both_coordinates_or_none",
                violation_error_message=_("Give both latitude and longitude, or neither."),
            ),
            models.CheckConstraint(
                condition=Q(priority__gte=PRIORITY_MIN) & Q(priority__lte=PRIORITY_MAX),
                name="finding_priority_range",
                violation_error_message=_("The priority is a number from 1 to 5."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=DECIDED_STATUSES),
                name="finding_status_decided",
                violation_error_message=_(
                    "A finding is being addressed while an activity answers it: link an activity instead."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean_fields(self, exclude: Any = None) -> None:
        # Unknown target groups are reported by clean() in one message naming them.
        excluded = set(exclude or ())
        if isinstance(self.target_groups, list) and _unknown_groups(self.target_groups):
            excluded.add("target_groups")
        super().clean_fields(exclude=excluded)

    def clean(self) -> None:
        errors: dict[str, Any] = _within_city(self.latitude, self.longitude)
        if isinstance(self.target_groups, list):
            unknown = _unknown_groups(self.target_groups)
            if unknown:
                errors["target_groups"] = ValidationError(
                    _("Unknown target group: %(value)s.") % {"value": ", ".join(unknown)},
                    code="invalid_choice",
                )
        if self.status == FindingStatus.IN_PROGRESS:
            errors["status"] = ValidationError(
                _("A finding is being addressed while an activity answers it: link an activity instead."),
                code="in_progress_derived",
            )
        if errors:
            raise ValidationError(errors)

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def is_answered(self) -> bool:
        """Whether an activity answers it: the selectors' annotation, else one query."""
        answered = getattr(self, "answered", None)
        if answered is None:
            return self.responses.exists()
        return bool(answered)

    @property
    def current_status(self) -> str:
        """The status shown everywhere: an open finding that an activity answers is in progress."""
        if self.status == FindingStatus.OPEN and self.is_answered:
            return FindingStatus.IN_PROGRESS
        return self.status

    @property
    def current_status_label(self) -> str:
        return str(FindingStatus(self.current_status).label)

    @property
    def target_group_labels(self) -> list[str]:
        return [str(TargetGroup(value).label) for value in self.target_groups if value in TargetGroup.values]


def _unknown_groups(values: list[Any]) -> list[str]:
    return sorted({str(value) for value in values} - set(TargetGroup.values))


@pghistory.track(pghistory.InsertEvent(), pghistory.DeleteEvent())
class FindingResponse(models.Model):
    """An activity of the centre that answers a finding (or uses an asset)."""

    finding = models.ForeignKey(
        Finding, verbose_name=_("finding"), on_delete=models.CASCADE, related_name="responses"
    )
    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="finding_responses"
    )
    created_at = models.DateTimeField(_("linked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("answering activity")
        verbose_name_plural = _("answering activities")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["finding", "activity"],
                name="finding_response_unique",
                violation_error_message=_("This activity already answers this finding."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity} → {self.finding}"

    def clean(self) -> None:
        if not self.finding_id or not self.activity_id:
            return
        if self.activity.centre_id != self.finding.diagnosis.centre_id:
            raise ValidationError(
                {
                    "activity": _(
                        "Only an activity of the centre that made the diagnosis can answer its findings."
                    )
                },
                code="other_centre",
            )


class SubmissionStatus(models.TextChoices):
    PENDING = "oczekuje", _("waiting for moderation")
    ACCEPTED = "przyjete", _("accepted")
    REJECTED = "odrzucone", _("rejected")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class ResidentSubmission(models.Model):
    """A need, asset or idea a resident sent while the diagnosis was open.

    No personal data: no name, no contact, no address of the sender (the rate limit counts
    a keyed hash of the address in the cache only). It waits for the operator's moderation;
    an accepted one becomes a finding."""

    diagnosis = models.ForeignKey(
        Diagnosis, verbose_name=_("diagnosis"), on_delete=models.CASCADE, related_name="submissions"
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=[(k.value, k.label) for k in FindingKind if k in SUBMISSION_KINDS]
    )
    text = models.TextField(
        _("text"), validators=[MaxLengthValidator(SUBMISSION_MAX_LENGTH)], max_length=SUBMISSION_MAX_LENGTH
    )
    osiedle = models.ForeignKey(
        Osiedle,
        verbose_name=_("osiedle"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resident_submissions",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=SubmissionStatus.choices, default=SubmissionStatus.PENDING
    )
    finding = models.OneToOneField(
        Finding,
        verbose_name=_("finding"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submission",
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("resident's submission")
        verbose_name_plural = _("residents' submissions")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=SUBMISSION_KINDS),
                name="resident_submission_kind",
                violation_error_message=_("Residents send needs, assets or ideas."),
            ),
            # A TextField has no length limit of its own in the database.
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("text"), SUBMISSION_MAX_LENGTH),
                name="resident_submission_text_max_length",
                violation_error_message=_("The text is too long."),
            ),
        ]

    def __str__(self) -> str:
        return str(_("Submission #%(id)s") % {"id": self.pk})

    def clean(self) -> None:
        text = (self.text or "").strip()
        if self.text and len(text) < SUBMISSION_MIN_LENGTH:
            raise ValidationError(
                {
                    "text": _("Write at least %(min)s characters, so that the centre understands you.")
                    % {"min": SUBMISSION_MIN_LENGTH}
                },
                code="too_short",
            )
