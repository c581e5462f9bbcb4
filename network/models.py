"""The SCAL network (Sieć Centrów Aktywności Lokalnej) and its shared work.

Member organisations (one of them the animator), the city's standing team, network
meetings with their follow-up tasks, good practices and their adoption by other centres,
consultations of city programmes, the CAL quality certificate and the centres' yearly
self-assessment against the five CAL standards.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pghistory
from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, RangeBoundary, RangeOperators
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

from cal_portal.text import day_text
from centres.models import CalMethod, Centre, DateRange, Effect, IdRange, Organization, VersionedModel

# Attachments of good practices and consultation documents: documents and pictures only.
ATTACHMENT_EXTENSIONS = (
    "pdf",
    "odt",
    "docx",
    "doc",
    "ods",
    "xlsx",
    "odp",
    "pptx",
    "txt",
    "jpg",
    "jpeg",
    "png",
)
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024

# A CAL quality certificate is valid for five years from the day it was granted.
CERTIFICATE_YEARS = 5

TWO_ANIMATORS = "two_animators"


def validate_attachment_size(value: FieldFile) -> None:
    size = getattr(value, "size", None)
    if size is not None and size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            _("The file is too large (%(size)s MB); at most %(limit)s MB is allowed.")
            % {"size": f"{size / 1024 / 1024:.1f}", "limit": MAX_ATTACHMENT_BYTES // (1024 * 1024)},
            code="file_too_large",
        )


attachment_validators: list[Callable[[Any], None]] = [
    FileExtensionValidator(allowed_extensions=list(ATTACHMENT_EXTENSIONS)),
    validate_attachment_size,
]


def years_after(day: date, years: int) -> date:
    """The same day ``years`` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def certificate_valid_until(granted_on: date) -> date:
    return years_after(granted_on, CERTIFICATE_YEARS)


def _membership_period() -> tuple[Any, str]:
    return (
        DateRange("joined", "left", RangeBoundary(inclusive_lower=True, inclusive_upper=True)),
        RangeOperators.OVERLAPS,
    )


# --- Membership and the standing team --------------------------------------------------


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class NetworkMembership(models.Model):
    """An organisation's membership of SCAL from ``joined`` to ``left`` (inclusive).

    One member organisation is the network's animator; animator periods never overlap,
    so there is exactly one current animator at a time (a database constraint).
    """

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="network_memberships",
    )
    joined = models.DateField(_("joined on"))
    left = models.DateField(_("left on"), null=True, blank=True)
    is_animator = models.BooleanField(
        _("network animator"),
        default=False,
        help_text=_("The organisation that animates the network; only one at a time."),
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("network membership")
        verbose_name_plural = _("network memberships")
        ordering = ["organization__name", "-joined", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left__isnull=True) | Q(left__gte=models.F("joined")),
                name="network_membership_left_after_joined",
                violation_error_message=_("A member cannot leave before joining."),
            ),
            ExclusionConstraint(
                name="network_membership_no_overlap",
                expressions=[
                    _membership_period(),
                    (
                        IdRange(
                            "organization",
                            "organization",
                            RangeBoundary(inclusive_lower=True, inclusive_upper=True),
                        ),
                        RangeOperators.OVERLAPS,
                    ),
                ],
                violation_error_message=_(
                    "This organisation is already a member of the network in that period."
                ),
            ),
            ExclusionConstraint(
                name="network_membership_one_animator",
                expressions=[_membership_period()],
                condition=Q(is_animator=True),
                violation_error_code=TWO_ANIMATORS,
                violation_error_message=_(
                    "The network already has an animator organisation in that period: "
                    "end its animator membership first."
                ),
            ),
        ]

    def __str__(self) -> str:
        return str(self.organization)

    def is_current(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.joined <= on and (self.left is None or self.left >= on)

    def clean(self) -> None:
        # Checked here, not only by the constraint: a reversed range makes DATERANGE fail
        # in PostgreSQL, and an error on "left" makes full_clean skip the exclusion constraints.
        if self.joined is not None and self.left is not None and self.left < self.joined:
            raise ValidationError(
                {
                    "left": ValidationError(
                        _("A member cannot leave before joining (joined on %(date)s).")
                        % {"date": day_text(self.joined)},
                        code="left_before_joined",
                    )
                }
            )

    def validate_constraints(self, exclude: Collection[str] | None = None) -> None:
        # The animator constraint is reported on the field a person can change.
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict({})
            general = errors.get(NON_FIELD_ERRORS, [])
            animator = [item for item in general if getattr(item, "code", None) == TWO_ANIMATORS]
            if not animator:
                raise
            errors.setdefault("is_animator", []).extend(animator)
            rest = [item for item in general if item not in animator]
            if rest:
                errors[NON_FIELD_ERRORS] = rest
            else:
                del errors[NON_FIELD_ERRORS]
            raise ValidationError(errors) from error


class TeamRole(models.TextChoices):
    CHAIR = "przewodniczacy", _("chair")
    SECRETARY = "sekretarz", _("secretary")
    MEMBER = "czlonek", pgettext_lazy("team role", "member")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class TeamMember(models.Model):
    """A person on the city's standing team for CAL (Zespół Stały do spraw CAL)."""

    person_name = models.CharField(_("name"), max_length=200)
    institution = models.CharField(
        _("institution"), max_length=255, help_text=_("A city unit or an organisation of the network.")
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="team_members",
        help_text=_("When the institution is in the registry of organisations."),
    )
    role = models.CharField(_("role"), max_length=20, choices=TeamRole.choices, default=TeamRole.MEMBER)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="team_memberships",
    )
    since = models.DateField(_("from"))
    until = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("standing team member")
        verbose_name_plural = _("standing team members")
        ordering = ["-until", "person_name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=models.F("since")),
                name="team_member_until_after_since",
                violation_error_message=_("The end of the term cannot be before its start."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_name} ({self.institution})"

    def clean(self) -> None:
        if self.since is not None and self.until is not None and self.until < self.since:
            raise ValidationError(
                {"until": _("The end of the term cannot be before its start.")}, code="end_before_start"
            )


# --- Meetings and follow-ups -------------------------------------------------------------


class MeetingKind(models.TextChoices):
    SCAL = "scal", _("SCAL network meeting")
    TEAM = "zespol-staly", _("standing team meeting")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class NetworkMeeting(VersionedModel):
    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices, default=MeetingKind.SCAL)
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=255, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    decisions = models.TextField(_("decisions"), blank=True)
    attendees: models.ManyToManyField[Organization, NetworkMeetingAttendee] = models.ManyToManyField(
        Organization,
        verbose_name=_("attending organisations"),
        through="NetworkMeetingAttendee",
        related_name="network_meetings",
        blank=True,
    )

    class Meta:
        verbose_name = _("network meeting")
        verbose_name_plural = _("network meetings")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date.isoformat()}"


@pghistory.track(pghistory.InsertEvent(), pghistory.DeleteEvent())
class NetworkMeetingAttendee(models.Model):
    """An organisation at a network meeting (an explicit model so the audit sees it)."""

    meeting = models.ForeignKey(NetworkMeeting, on_delete=models.CASCADE, related_name="attendee_links")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="network_meeting_links"
    )

    class Meta:
        verbose_name = _("meeting attendee")
        verbose_name_plural = _("meeting attendees")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "organization"], name="network_meeting_attendee_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} — {self.organization}"


class FollowUpStatus(models.TextChoices):
    OPEN = "otwarte", pgettext_lazy("follow-up status", "open")
    IN_PROGRESS = "w-toku", pgettext_lazy("follow-up status", "in progress")
    DONE = "zrobione", pgettext_lazy("follow-up status", "done")


def is_network_member(organization_id: int, on: date) -> bool:
    return NetworkMembership.objects.filter(
        Q(left__isnull=True) | Q(left__gte=on), organization_id=organization_id, joined__lte=on
    ).exists()


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class FollowUp(VersionedModel):
    """A task agreed at a network meeting, assigned to a member organisation."""

    meeting = models.ForeignKey(
        NetworkMeeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    title = models.CharField(_("task"), max_length=255)
    assignee = models.ForeignKey(
        Organization,
        verbose_name=_("assigned to"),
        on_delete=models.PROTECT,
        related_name="network_follow_ups",
    )
    due = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due", "pk"]
        indexes = [models.Index(fields=["assignee", "status"], name="follow_up_assignee_status")]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        meeting = self.meeting if self.meeting_id is not None else None
        if (
            meeting is not None
            and self.assignee_id is not None
            and not is_network_member(self.assignee_id, meeting.date)
        ):
            errors["assignee"] = ValidationError(
                _("%(organization)s was not a member of the network on the day of the meeting (%(date)s).")
                % {"organization": self.assignee, "date": day_text(meeting.date)},
                code="not_a_member",
            )
        if meeting is not None and self.due is not None and self.due < meeting.date:
            errors["due"] = ValidationError(
                _("A task cannot be due before the meeting that agreed it (%(date)s).")
                % {"date": day_text(meeting.date)},
                code="due_before_meeting",
            )
        if errors:
            raise ValidationError(errors)


# --- Good practices -----------------------------------------------------------------------


class PracticeStatus(models.TextChoices):
    DRAFT = "szkic", _("draft")
    PUBLISHED = "opublikowana", _("published")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class GoodPractice(VersionedModel):
    """A centre's way of working that others may adopt. Operators propose drafts for their
    centre; the network animator publishes them on ``/practices/``."""

    centre = models.ForeignKey(
        Centre, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="good_practices"
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=500)
    method = models.CharField(_("CAL method"), max_length=30, choices=CalMethod.choices)
    effects = ArrayField(
        models.CharField(max_length=20, choices=Effect.choices),
        verbose_name=_("effects"),
        default=list,
        blank=True,
    )
    description = models.TextField(_("description"), blank=True)
    attachment = models.FileField(
        _("attachment"),
        upload_to="practices/%Y/",
        blank=True,
        validators=attachment_validators,
        help_text=_("PDF, office document or picture, at most 10 MB."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=PracticeStatus.choices, default=PracticeStatus.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("good practice")
        verbose_name_plural = _("good practices")
        ordering = ["-published_at", "title", "pk"]
        indexes = [
            models.Index(fields=["status", "published_at"], name="good_practice_status"),
            GinIndex(fields=["effects"], name="good_practice_effects"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="opublikowana") | Q(published_at__isnull=False),
                name="good_practice_published_dated",
                violation_error_message=_("A published practice needs its publication date."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == PracticeStatus.PUBLISHED

    @property
    def effect_labels(self) -> list[str]:
        return [str(Effect(value).label) for value in self.effects if value in Effect.values]

    def get_absolute_url(self) -> str:
        return reverse("network:practice-public-detail", kwargs={"pk": self.pk})

    def clean_fields(self, exclude: Iterable[str] | None = None) -> None:
        excluded = set(exclude or ())
        if isinstance(self.effects, list) and _unknown_effects(self.effects):
            excluded.add("effects")
        super().clean_fields(exclude=excluded)

    def clean(self) -> None:
        if isinstance(self.effects, list):
            unknown = _unknown_effects(self.effects)
            if unknown:
                raise ValidationError(
                    {"effects": _("Unknown effect: %(value)s.") % {"value": ", ".join(unknown)}},
                    code="invalid_choice",
                )
            # One effect listed twice is one effect.
            self.effects = [value for value in Effect.values if value in self.effects]


def _unknown_effects(effects: list[Any]) -> list[str]:
    return sorted({str(value) for value in effects} - set(Effect.values))


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Adoption(VersionedModel):
    """Another centre took up a good practice; the outcome says how it went."""

    practice = models.ForeignKey(
        GoodPractice, verbose_name=_("good practice"), on_delete=models.CASCADE, related_name="adoptions"
    )
    centre = models.ForeignKey(
        Centre, verbose_name=_("adopting centre"), on_delete=models.PROTECT, related_name="adoptions"
    )
    adopted_on = models.DateField(_("adopted on"))
    outcome = models.TextField(_("outcome"), blank=True)

    class Meta:
        verbose_name = _("adoption")
        verbose_name_plural = _("adoptions")
        ordering = ["adopted_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "centre"],
                name="adoption_unique",
                violation_error_message=_("This centre has already adopted this practice."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.practice} — {self.centre}"

    def clean(self) -> None:
        if self.practice_id is None or self.centre_id is None:  # type: ignore[redundant-expr,unused-ignore]
            return  # type: ignore[unreachable,unused-ignore]
        if self.centre_id == self.practice.centre_id:
            raise ValidationError(
                {"centre": _("A centre cannot adopt its own practice: choose another centre.")},
                code="own_practice",
            )
        if not self.practice.is_published:
            raise ValidationError(
                {"practice": _("Only a published practice can be adopted.")}, code="not_published"
            )


# --- Consultations -----------------------------------------------------------------------


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Consultation(VersionedModel):
    """A city programme or tool the network is consulted on, open for answers from
    ``opens`` to ``closes`` (inclusive)."""

    title = models.CharField(_("title"), max_length=200)
    subject = models.CharField(
        _("programme or tool under consultation"),
        max_length=255,
        help_text=_("For example: the city's programme of cooperation with NGOs for next year."),
    )
    description = models.TextField(_("description"), blank=True)
    document_url = models.URLField(_("document (link)"), blank=True)
    document = models.FileField(
        _("document (file)"),
        upload_to="consultations/%Y/",
        blank=True,
        validators=attachment_validators,
        help_text=_("PDF, office document or picture, at most 10 MB."),
    )
    opens = models.DateField(_("opens on"))
    closes = models.DateField(_("closes on"))

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-opens", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gte=models.F("opens")),
                name="consultation_closes_after_opens",
                violation_error_message=_("A consultation cannot close before it opens."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_open(self, on: date) -> bool:
        return self.opens <= on <= self.closes

    def clean(self) -> None:
        if self.opens is not None and self.closes is not None and self.closes < self.opens:
            raise ValidationError(
                {"closes": _("A consultation cannot close before it opens.")}, code="closes_before_opens"
            )


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class ConsultationResponse(VersionedModel):
    """A member organisation's answer; one per organisation, editable while the
    consultation is open."""

    consultation = models.ForeignKey(
        Consultation, verbose_name=_("consultation"), on_delete=models.CASCADE, related_name="responses"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="consultation_responses",
    )
    text = models.TextField(_("answer"))
    submitted_at = models.DateTimeField(_("submitted at"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("consultation answer")
        verbose_name_plural = _("consultation answers")
        ordering = ["submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "organization"],
                name="consultation_response_unique",
                violation_error_message=_("This organisation has already answered: edit its answer instead."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.consultation} — {self.organization}"


# --- Certification and self-assessment ------------------------------------------------


class CertificationStatus(models.TextChoices):
    APPLIED = "zgloszenie", _("application")
    VISIT = "wizytacja", _("visit")
    GRANTED = "przyznany", _("granted")
    REFUSED = "odmowa", _("refused")
    WITHDRAWN = "odebrany", _("withdrawn")
    EXPIRED = "wygasl", _("expired")


# A centre has at most one certification procedure or certificate alive at a time.
LIVE_CERTIFICATION_STATUSES = (
    CertificationStatus.APPLIED,
    CertificationStatus.VISIT,
    CertificationStatus.GRANTED,
)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Certification(VersionedModel):
    """The CAL quality certificate (Certyfikat Jakości CAL): applied for in writing, the
    commission may visit, granted for five years, or refused; it can be withdrawn."""

    centre = models.ForeignKey(
        Centre, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="certifications"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=CertificationStatus.choices, default=CertificationStatus.APPLIED
    )
    applied_on = models.DateField(_("applied on"))
    visited_on = models.DateField(_("visited on"), null=True, blank=True)
    granted_on = models.DateField(_("granted on"), null=True, blank=True)
    valid_until = models.DateField(
        _("valid until"),
        null=True,
        blank=True,
        help_text=_("Five years after granting; another date needs a note explaining it."),
    )
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        ordering = ["centre__name", "-applied_on", "pk"]
        indexes = [models.Index(fields=["status", "valid_until"], name="certification_status_valid")]
        constraints = [
            models.UniqueConstraint(
                fields=["centre"],
                condition=Q(status__in=["zgloszenie", "wizytacja", "przyznany"]),
                name="certification_one_live_per_centre",
                violation_error_message=_(
                    "This centre already has a certification in progress or a valid certificate."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status="przyznany") | Q(granted_on__isnull=False, valid_until__isnull=False),
                name="certification_granted_dated",
                violation_error_message=_(
                    "A granted certificate needs the date of granting and its validity."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.centre} — {self.get_status_display()}"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        applied = self.applied_on
        if applied is not None and self.visited_on is not None and self.visited_on < applied:
            errors["visited_on"] = ValidationError(
                _("The visit cannot be before the application (%(date)s).") % {"date": day_text(applied)},
                code="before_application",
            )
        if applied is not None and self.granted_on is not None and self.granted_on < applied:
            errors["granted_on"] = ValidationError(
                _("The certificate cannot be granted before the application (%(date)s).")
                % {"date": day_text(applied)},
                code="before_application",
            )
        if self.status == CertificationStatus.GRANTED and self.granted_on is None:
            errors["granted_on"] = ValidationError(
                _("Give the date on which the certificate was granted."), code="required"
            )
        if self.granted_on is None and self.valid_until is not None:
            errors["valid_until"] = ValidationError(
                _("A certificate that was not granted has no validity: leave this empty."),
                code="validity_without_grant",
            )
        elif self.granted_on is not None and "granted_on" not in errors:
            expected = certificate_valid_until(self.granted_on)
            if self.valid_until is None:
                # Filled in from the rule; only another date has to be explained.
                self.valid_until = expected
            elif self.valid_until != expected and not self.decision_note.strip():
                errors["valid_until"] = ValidationError(
                    _(
                        "A certificate is valid for five years, until %(date)s. "
                        "Explain another date in the decision note."
                    )
                    % {"date": day_text(expected)},
                    code="not_five_years",
                )
            elif self.valid_until <= self.granted_on:
                errors["valid_until"] = ValidationError(
                    _("The certificate must be valid after the day it was granted."), code="before_grant"
                )
        if errors:
            raise ValidationError(errors)


@dataclass(frozen=True)
class CalStandard:
    """One of the five CAL standards; a self-assessment has ``score_<key>`` and
    ``evidence_<key>`` for each."""

    key: str
    label: str | Promise
    description: str | Promise

    @property
    def score_field(self) -> str:
        return f"score_{self.key}"

    @property
    def evidence_field(self) -> str:
        return f"evidence_{self.key}"


CAL_STANDARDS: tuple[CalStandard, ...] = (
    CalStandard("place", _("A real place"), _("The centre is a real, physical place open to residents.")),
    CalStandard(
        "needs",
        _("Needs and local resources"),
        _("Activities answer recognised needs of the community and use its own resources."),
    ),
    CalStandard(
        "fields",
        _("Many fields of work"),
        _("The centre works in many fields, not for one target group only."),
    ),
    CalStandard(
        "volunteering",
        _("Volunteering"),
        _("The centre works through people: residents volunteer and take on responsibility."),
    ),
    CalStandard(
        "initiatives",
        _("Supporting initiatives"),
        _(
            "The centre supports residents' projects, self-help and neighbours' groups, local "
            "partnership, non-formal education and local events."
        ),
    ),
)
MAX_SCORE = 5
SCORE_FIELDS: tuple[str, ...] = tuple(standard.score_field for standard in CAL_STANDARDS)
EVIDENCE_FIELDS: tuple[str, ...] = tuple(standard.evidence_field for standard in CAL_STANDARDS)


def _score(label: StrOrPromise) -> models.PositiveSmallIntegerField[Any, Any]:
    return models.PositiveSmallIntegerField(
        label,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_SCORE)],
        help_text=_("0 (not met) to 5 (fully met)."),
    )


def _evidence(label: StrOrPromise) -> models.TextField[Any, Any]:
    return models.TextField(label, blank=True)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class SelfAssessment(VersionedModel):
    """A centre's yearly self-assessment against the five CAL standards: a score from
    0 to 5 and the evidence for each. Saved as a draft until the operator submits it."""

    centre = models.ForeignKey(
        Centre, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="self_assessments"
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    score_place = _score(_("score: a real place"))
    evidence_place = _evidence(_("evidence: a real place"))
    score_needs = _score(_("score: needs and local resources"))
    evidence_needs = _evidence(_("evidence: needs and local resources"))
    score_fields = _score(_("score: many fields of work"))
    evidence_fields = _evidence(_("evidence: many fields of work"))
    score_volunteering = _score(_("score: volunteering"))
    evidence_volunteering = _evidence(_("evidence: volunteering"))
    score_initiatives = _score(_("score: supporting initiatives"))
    evidence_initiatives = _evidence(_("evidence: supporting initiatives"))
    submitted = models.BooleanField(_("submitted"), default=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")
        ordering = ["-year", "centre__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "year"],
                name="self_assessment_unique_year",
                violation_error_message=_("This centre already has a self-assessment for that year."),
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__lte": MAX_SCORE}),
                    name=f"self_assessment_{name}_range",
                    violation_error_message=_("A score is from 0 to 5."),
                )
                for name in SCORE_FIELDS
            ],
        ]

    def __str__(self) -> str:
        return f"{self.centre} — {self.year}"

    @property
    def scores(self) -> list[int | None]:
        return [getattr(self, name) for name in SCORE_FIELDS]

    @property
    def score_total(self) -> int | None:
        """The sum of the five scores (0–25), once all are given."""
        values = self.scores
        if any(value is None for value in values):
            return None
        return sum(value for value in values if value is not None)

    def standards(self) -> list[tuple[CalStandard, int | None, str]]:
        return [
            (standard, getattr(self, standard.score_field), getattr(self, standard.evidence_field))
            for standard in CAL_STANDARDS
        ]

    def clean(self) -> None:
        if not self.submitted:
            return
        errors = {
            name: ValidationError(_("Give a score for every standard before submitting."), code="required")
            for name in SCORE_FIELDS
            if getattr(self, name) is None
        }
        if errors:
            raise ValidationError(errors)


# --- Centre reports ---------------------------------------------------------------------
# The operator's statutory report (sprawozdanie) to the city for a period of its grant
# agreement. Drafts are built from the portal's data (network.reports.centre); the operator
# writes the narrative and submits; city staff return it with comments or accept it.


class CentreReportKind(models.TextChoices):
    MONTHLY = "miesieczne", _("monthly short report")
    PARTIAL = "czesciowe", _("partial report")
    FINAL = "koncowe", _("final report")


class CentreReportStatus(models.TextChoices):
    # A context of their own: "draft", "submitted", "accepted" are other models' words too,
    # and Polish inflects them differently for a report (sprawozdanie).
    DRAFT = "robocze", pgettext_lazy("report status", "draft")
    SUBMITTED = "zlozone", pgettext_lazy("report status", "submitted")
    RETURNED = "do_poprawy", pgettext_lazy("report status", "returned for correction")
    ACCEPTED = "zaakceptowane", pgettext_lazy("report status", "accepted")


# Statuses in which the operator may change the narrative and the budget.
CENTRE_REPORT_EDITABLE_STATUSES = (CentreReportStatus.DRAFT, CentreReportStatus.RETURNED)
# Statuses the animator and the standing team may read.
CENTRE_REPORT_SHARED_STATUSES = (CentreReportStatus.SUBMITTED, CentreReportStatus.ACCEPTED)
BUDGET_LINE_AMOUNTS = ("granted", "spent", "own", "in_kind")
DEFAULT_REPORT_DUE_DAYS = 30


class ReportSchedule(models.Model):
    """Which reports an operator term owes, set by city staff from the grant agreement. A
    term without a schedule owes the final report only."""

    term = models.OneToOneField(
        "centres.OperatorTerm",
        verbose_name=_("operator term"),
        on_delete=models.CASCADE,
        related_name="report_schedule",
    )
    monthly = models.BooleanField(_("monthly short reports"), default=False)
    partial_every_months = models.PositiveSmallIntegerField(
        _("partial report every (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("Counted from the start of the term; leave empty for no partial reports."),
    )
    final = models.BooleanField(_("final report"), default=True)
    due_days = models.PositiveSmallIntegerField(
        _("due (days after the period)"),
        default=DEFAULT_REPORT_DUE_DAYS,
        validators=[MaxValueValidator(365)],
    )

    class Meta:
        verbose_name = _("report schedule")
        verbose_name_plural = _("report schedules")

    def __str__(self) -> str:
        return str(self.term)


# The history model gets its own name: CentreReportEvent is the workflow's status log.
@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    model_name="CentreReportHistory",
)
class CentreReport(VersionedModel):
    """A report for one period of an operator term. ``figures`` are prefilled from the data
    and frozen when the report is submitted; ``budget_lines`` (final reports) is a list of
    ``{"name", "granted", "spent", "own", "in_kind"}`` with amounts as decimal strings."""

    centre = models.ForeignKey(
        Centre, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="reports"
    )
    term = models.ForeignKey(
        "centres.OperatorTerm",
        verbose_name=_("operator term"),
        on_delete=models.PROTECT,
        related_name="reports",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CentreReportKind.choices)
    period_start = models.DateField(_("start of the period"))
    period_end = models.DateField(_("end of the period"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=20, choices=CentreReportStatus.choices, default=CentreReportStatus.DRAFT
    )
    figures = models.JSONField(_("figures"), default=dict, blank=True, editable=False)
    figures_at = models.DateTimeField(_("figures read at"), null=True, blank=True, editable=False)
    results = models.TextField(
        _("results"),
        blank=True,
        help_text=_("The results achieved, with numbers, and how they were measured."),
    )
    actions = models.TextField(_("actions carried out"), blank=True)
    deviations = models.TextField(
        _("deviations"),
        blank=True,
        help_text=_("What was done differently from the plan, and why."),
    )
    additional_info = models.TextField(_("additional information"), blank=True)
    budget_lines = models.JSONField(_("budget lines"), default=list, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True, editable=False)
    review_comment = models.TextField(_("comments of the city"), blank=True)

    class Meta:
        verbose_name = _("centre report")
        verbose_name_plural = _("centre reports")
        ordering = ["centre__name", "-period_end", "kind", "pk"]
        indexes = [models.Index(fields=["status", "due_on"], name="centre_report_status_due")]
        constraints = [
            models.UniqueConstraint(
                fields=["term", "period_start", "period_end", "kind"],
                name="centre_report_unique_period",
                violation_error_message=_("This term already has a report of this kind for that period."),
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="centre_report_end_after_start",
                violation_error_message=_("The end of the period cannot be before its start."),
            ),
        ]

    def __str__(self) -> str:
        period = f"{self.period_start.isoformat()}–{self.period_end.isoformat()}"
        return f"{self.centre} — {self.get_kind_display()} {period}"

    @property
    def is_editable(self) -> bool:
        return self.status in CENTRE_REPORT_EDITABLE_STATUSES

    def get_absolute_url(self) -> str:
        return reverse("network:centre-report-detail", args=[self.pk])


class CentreReportEvent(models.Model):
    """One change of a report's status: who, when, from what to what, and a comment."""

    report = models.ForeignKey(
        CentreReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="status_log"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    from_status = models.CharField(
        _("from status"), max_length=20, choices=CentreReportStatus.choices, blank=True
    )
    to_status = models.CharField(_("to status"), max_length=20, choices=CentreReportStatus.choices)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("report status change")
        verbose_name_plural = _("report status changes")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.from_status or '—'} → {self.to_status}"


# --- Network reports and reminders ---


class NetworkReportStatus(models.TextChoices):
    PENDING = "pending", _("waiting")
    BUILDING = "building", _("being built")
    COMPLETE = "complete", _("ready")
    FAILED = "failed", _("failed")


class NetworkReport(models.Model):
    """The network's figures for a period (a closed calendar month, built every month, or
    any period an animator asks for), rendered as HTML, PDF and XLSX.

    One report per period: the unique constraint is what keeps two concurrent runs from
    building two. The rendered files live in the row, so a report is complete exactly
    when its files are there."""

    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    status = models.CharField(
        _("status"), max_length=20, choices=NetworkReportStatus.choices, default=NetworkReportStatus.PENDING
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    generated_at = models.DateTimeField(_("generated at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    html = models.TextField(_("HTML"), blank=True)
    pdf = models.BinaryField(_("PDF"), blank=True, default=b"")
    xlsx = models.BinaryField(_("XLSX"), blank=True, default=b"")
    notified_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("network report")
        verbose_name_plural = _("network reports")
        ordering = ["-period_start", "-period_end", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["period_start", "period_end"],
                name="network_report_one_per_period",
                violation_error_message=_("There is already a report for this period."),
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="network_report_period_ordered",
                violation_error_message=_("The period must end on or after its start."),
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="network_report_progress_percent"),
        ]

    def __str__(self) -> str:
        return f"{day_text(self.period_start)} – {day_text(self.period_end)}"

    def get_absolute_url(self) -> str:
        return reverse("network:network-report-detail", kwargs={"pk": self.pk})

    @property
    def is_complete(self) -> bool:
        return self.status == NetworkReportStatus.COMPLETE

    @property
    def is_month(self) -> bool:
        """Whether the period is one whole calendar month (the monthly reports)."""
        start, end = self.period_start, self.period_end
        if start.day != 1:
            return False
        following = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
        return end == date.fromordinal(following.toordinal() - 1)


class ReminderSent(models.Model):
    """A reminder of one event sent to one person: the unique key is what makes each
    event reminded once, however often the daily digest runs."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    event_key = models.CharField(_("event"), max_length=200)
    summary = models.CharField(_("reminder"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        ordering = ["-sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "event_key"], name="reminder_sent_once_per_event")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.event_key}"


# --- Animators' training ------------------------------------------------------------------
# The network trains the people who animate the community: a programme of sessions and
# consultations on one competence, the centres' operators enrol their staff and volunteers,
# attendance is recorded per session, and a person who attended the programme's share of
# its hours has completed it (a certificate; the competence joins the centre's resources).


class TrainingTopic(models.TextChoices):
    """The competence a programme (or one of its sessions) gives."""

    ANIMATION = "animacja", _("community animation")
    DIAGNOSIS = "diagnoza", _("diagnosing needs and resources")
    PARTNERSHIPS = "partnerstwa", _("building partnerships")
    VOLUNTEERING = "wolontariat", _("volunteering")
    FUNDRAISING = "fundraising", _("project writing and fundraising")
    SELF_HELP = "samopomoc", _("self-help groups")
    EVALUATION = "ewaluacja", _("evaluation")


class TrainingSessionKind(models.TextChoices):
    SESSION = "zajecia", _("training session")
    CONSULTATION = "konsultacja", _("consultation")


class TrainingRole(models.TextChoices):
    STAFF = "kadra", pgettext_lazy("training role", "staff")
    VOLUNTEER = "wolontariusz", pgettext_lazy("training role", "volunteer")


DEFAULT_ATTENDANCE_THRESHOLD = 80


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class TrainingProgramme(VersionedModel):
    """A training programme run by the network's animator (or the city) for the centres'
    staff and volunteers."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    topic = models.CharField(_("topic"), max_length=20, choices=TrainingTopic.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    attendance_threshold = models.PositiveSmallIntegerField(
        _("attendance required (%)"),
        default=DEFAULT_ATTENDANCE_THRESHOLD,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("The share of the programme's hours a person must attend to complete it."),
    )
    capacity = models.PositiveIntegerField(
        _("places"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Leave empty for no limit."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("training programme")
        verbose_name_plural = _("training programmes")
        ordering = ["-starts_on", "title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="training_programme_ends_after_start",
                violation_error_message=_("The programme cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(attendance_threshold__gte=1) & Q(attendance_threshold__lte=100),
                name="training_programme_threshold_percent",
                violation_error_message=_("The attendance required is a percentage from 1 to 100."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="training_programme_capacity_positive",
                violation_error_message=_("A programme has at least one place, or no limit."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_finished(self) -> bool:
        """The programme's last day is over (in the city's time zone)."""
        return self.ends_on < timezone.localdate()

    @property
    def is_upcoming(self) -> bool:
        return self.starts_on > timezone.localdate()

    @property
    def is_running(self) -> bool:
        return not self.is_finished and not self.is_upcoming

    def clean(self) -> None:
        if self.starts_on is not None and self.ends_on is not None and self.ends_on < self.starts_on:
            raise ValidationError(
                {"ends_on": _("The programme cannot end before it starts.")}, code="end_before_start"
            )


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class TrainingSession(VersionedModel):
    """One session or consultation of a programme, within the programme's dates."""

    programme = models.ForeignKey(
        TrainingProgramme,
        verbose_name=_("training programme"),
        on_delete=models.CASCADE,
        related_name="sessions",
    )
    topic = models.CharField(_("topic"), max_length=20, choices=TrainingTopic.choices)
    kind = models.CharField(
        _("kind"), max_length=20, choices=TrainingSessionKind.choices, default=TrainingSessionKind.SESSION
    )
    starts_at = models.DateTimeField(_("starts at"))
    hours = models.DecimalField(
        _("hours"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.1"))],
        help_text=_("The length of the session in hours, e.g. 3.5."),
    )
    trainer = models.CharField(_("trainer"), max_length=200)
    place = models.CharField(_("place"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["programme", "starts_at"], name="training_session_programme")]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0),
                name="training_session_hours_positive",
                violation_error_message=_("A session lasts more than zero hours."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} — {date_format(timezone.localtime(self.starts_at), 'DATETIME_FORMAT')}"

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()

    @property
    def local_date(self) -> date:
        return timezone.localdate(self.starts_at)

    def clean(self) -> None:
        programme = self.programme if self.programme_id is not None else None
        # A value that failed its field's validation is still raw here: it is left alone.
        if programme is None or not isinstance(self.starts_at, datetime):
            return  # type: ignore[unreachable,unused-ignore]
        day = timezone.localdate(self.starts_at)
        if not programme.starts_on <= day <= programme.ends_on:
            raise ValidationError(
                {
                    "starts_at": ValidationError(
                        _("The session must take place within the programme's dates (%(start)s – %(end)s).")
                        % {"start": day_text(programme.starts_on), "end": day_text(programme.ends_on)},
                        code="outside_programme",
                    )
                }
            )


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class TrainingEnrolment(VersionedModel):
    """A person of a centre (one of its volunteers or of its operator's staff) enrolled in a
    programme by the centre's operators. ``person_name`` is the name on the attendance list
    and the certificate: a volunteer's is read from the volunteer's record (never copied here,
    so that erasing the volunteer's personal data erases it from the training record too); a
    staff member's is kept in ``name``. ``completed_on`` is set when the attendance threshold
    was reached."""

    programme = models.ForeignKey(
        TrainingProgramme,
        verbose_name=_("training programme"),
        on_delete=models.CASCADE,
        related_name="enrolments",
    )
    centre = models.ForeignKey(
        Centre, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="training_enrolments"
    )
    volunteer = models.ForeignKey(
        "centres.Volunteer",
        verbose_name=_("volunteer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="training_enrolments",
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="training_enrolments",
    )
    name = models.CharField(
        _("name"), max_length=200, blank=True, help_text=_("Of a staff member; a volunteer's is not copied.")
    )
    role = models.CharField(_("role"), max_length=20, choices=TrainingRole.choices)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("enrolled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("training enrolment")
        verbose_name_plural = _("training enrolments")
        ordering = ["programme_id", "centre__name", "pk"]
        indexes = [models.Index(fields=["centre", "completed_on"], name="training_enrolment_centre")]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "volunteer"],
                condition=Q(volunteer__isnull=False),
                name="training_enrolment_unique_volunteer",
                violation_error_message=_("This volunteer is already enrolled in this programme."),
            ),
            models.UniqueConstraint(
                fields=["programme", "staff"],
                condition=Q(staff__isnull=False),
                name="training_enrolment_unique_staff",
                violation_error_message=_("This person is already enrolled in this programme."),
            ),
            models.CheckConstraint(
                condition=Q(volunteer__isnull=True) | Q(staff__isnull=True),
                name="training_enrolment_one_person",
                violation_error_message=_("An enrolment is of a volunteer or of a staff member, not both."),
            ),
            models.CheckConstraint(
                condition=(Q(volunteer__isnull=True) | Q(role="wolontariusz"))
                & (Q(staff__isnull=True) | Q(role="kadra")),
                name="training_enrolment_role_matches",
                violation_error_message=_("The role does not match the person enrolled."),
            ),
            models.CheckConstraint(
                condition=Q(role="wolontariusz", name="") | (Q(role="kadra") & ~Q(name="")),
                name="training_enrolment_named",
                violation_error_message=_(
                    "A staff member's enrolment keeps the person's name; a volunteer's never copies it."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_name} — {self.programme}"

    @property
    def person_name(self) -> str:
        """The name on the attendance list and the certificate (join ``volunteer`` when listing)."""
        if self.role == TrainingRole.VOLUNTEER:
            name = self.volunteer.name if self.volunteer is not None else ""
        else:
            name = self.name
        return name or str(pgettext_lazy("person", "(personal data erased)"))

    @property
    def is_completed(self) -> bool:
        return self.completed_on is not None


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class TrainingAttendance(models.Model):
    """Whether an enrolled person was at a session (recorded after the session began)."""

    enrolment = models.ForeignKey(
        TrainingEnrolment,
        verbose_name=_("enrolment"),
        on_delete=models.CASCADE,
        related_name="attendances",
    )
    session = models.ForeignKey(
        TrainingSession, verbose_name=_("session"), on_delete=models.CASCADE, related_name="attendances"
    )
    present = models.BooleanField(_("present"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("training attendance")
        verbose_name_plural = _("training attendance")
        ordering = ["session__starts_at", "enrolment_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "session"],
                name="training_attendance_unique",
                violation_error_message=_("Attendance at this session is already recorded for this person."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment.person_name} — {self.session}"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class TrainingCompetence(models.Model):
    """The competence a centre gained when its first person completed a programme, with the
    immaterial resource added to the centre for it (null once the operators removed it)."""

    programme = models.ForeignKey(
        TrainingProgramme,
        verbose_name=_("training programme"),
        on_delete=models.PROTECT,
        related_name="competences",
    )
    centre = models.ForeignKey(
        Centre, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="training_competences"
    )
    resource = models.ForeignKey(
        "centres.Resource",
        verbose_name=_("resource"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="training_competences",
    )
    gained_on = models.DateField(_("gained on"))

    class Meta:
        verbose_name = _("training competence")
        verbose_name_plural = _("training competences")
        ordering = ["centre__name", "-gained_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "centre"],
                name="training_competence_unique",
                violation_error_message=_("This centre already has the competence of this programme."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.centre} — {self.programme}"
