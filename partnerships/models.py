"""Local partnerships: the main tool of a CAL for networking the stakeholders of its area.

A centre either leads a partnership or joins an existing one; the partnership has member
organisations over time, meetings, priorities, a phase (with a log of every move) and,
perhaps, a partnership agreement.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pghistory
from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeBoundary, RangeOperators
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from centres.models import (
    Centre,
    DateRange,
    IdRange,
    Organization,
    OrganizationKind,
    Osiedle,
    VersionedModel,
)


class PartnershipMode(models.TextChoices):
    LEAD = "prowadzi", _("the centre leads it")
    JOIN = "dolacza", _("the centre joins an existing partnership")


class Phase(models.TextChoices):
    """The phases a partnership goes through, in order (Tuckman, as the CAL model uses it)."""

    FORMING = "formowanie", _("forming")
    STORMING = "docieranie-sie", _("storming")
    NORMING = "normowanie", _("norming")
    PERFORMING = "wspoldzialanie", _("cooperation")
    ENDED = "zakonczone", _("ended")


PHASE_ORDER: tuple[str, ...] = tuple(Phase.values)


class AgreementStatus(models.TextChoices):
    NONE = "brak", _("no agreement")
    IN_PREPARATION = "w-przygotowaniu", _("agreement in preparation")
    CONCLUDED = "zawarte", _("agreement concluded")
    NOT_CONCLUDED = "niezawarte", _("agreement not concluded")


class MemberRole(models.TextChoices):
    LEADER = "lider", _("leading partner")
    MEMBER = "czlonek", _("member")
    SUPPORTER = "wspierajacy", _("supporting partner")
    OBSERVER = "obserwator", _("observer")


class PriorityStatus(models.TextChoices):
    OPEN = "otwarty", pgettext_lazy("priority status", "open")
    IN_PROGRESS = "w-realizacji", pgettext_lazy("priority status", "in progress")
    ACHIEVED = "zrealizowany", pgettext_lazy("priority status", "achieved")
    DROPPED = "porzucony", pgettext_lazy("priority status", "dropped")


@dataclass(frozen=True)
class RecommendedKind:
    """A kind of partner the CAL model recommends for a local partnership; some are met
    by either of two kinds of organisation (the police or the municipal police)."""

    key: str
    label: str | Promise
    kinds: tuple[str, ...]


# The partners the CAL model recommends for a local partnership, defined once: coverage
# (which of them an osiedle's partnerships have, which are missing) is measured against this.
RECOMMENDED_PARTNER_KINDS: tuple[RecommendedKind, ...] = (
    RecommendedKind("rada-osiedla", _("neighbourhood council"), (OrganizationKind.COUNCIL,)),
    RecommendedKind("ngo", _("NGO"), (OrganizationKind.NGO,)),
    RecommendedKind("mops", _("MOPS social work team"), (OrganizationKind.SOCIAL_WORK,)),
    RecommendedKind("szkola", _("school or kindergarten"), (OrganizationKind.SCHOOL,)),
    RecommendedKind("biblioteka", _("library"), (OrganizationKind.LIBRARY,)),
    RecommendedKind("kultura", _("cultural institution"), (OrganizationKind.CULTURE,)),
    RecommendedKind(
        "policja",
        _("police or municipal police"),
        (OrganizationKind.POLICE, OrganizationKind.MUNICIPAL_POLICE),
    ),
    RecommendedKind("biznes", _("local business"), (OrganizationKind.BUSINESS,)),
    RecommendedKind("parafia", _("parish or religious association"), (OrganizationKind.RELIGIOUS,)),
    RecommendedKind(
        "grupa-nieformalna",
        _("informal group or local leader"),
        (OrganizationKind.INFORMAL, OrganizationKind.LEADER),
    ),
    RecommendedKind("wspolnota", _("housing community or cooperative"), (OrganizationKind.HOUSING,)),
)
RECOMMENDED_KIND_OF: dict[str, str] = {
    kind: recommended.key for recommended in RECOMMENDED_PARTNER_KINDS for kind in recommended.kinds
}

# The principles of a local partnership in the CAL model, as (field, label) pairs.
PRINCIPLE_FIELDS: tuple[str, ...] = ("voluntariness", "equality", "openness", "locality")


def _date(value: date) -> str:
    return date_format(value, "DATE_FORMAT")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Partnership(VersionedModel):
    name = models.CharField(_("name"), max_length=200)
    lead_centre = models.ForeignKey(
        Centre,
        verbose_name=_("centre"),
        on_delete=models.PROTECT,
        related_name="partnerships",
        help_text=_("The centre whose operator keeps the record of this partnership."),
    )
    mode = models.CharField(
        _("role of the centre"), max_length=10, choices=PartnershipMode.choices, default=PartnershipMode.LEAD
    )
    leader = models.ForeignKey(
        Organization,
        verbose_name=_("leading organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_partnerships",
        help_text=_("When the centre joins an existing partnership: the organisation that leads it."),
    )
    osiedla: models.ManyToManyField[Osiedle, PartnershipOsiedle] = models.ManyToManyField(
        Osiedle,
        verbose_name=_("osiedla"),
        through="PartnershipOsiedle",
        related_name="partnerships",
    )
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices, default=Phase.FORMING)
    agreement_status = models.CharField(
        _("partnership agreement"),
        max_length=20,
        choices=AgreementStatus.choices,
        default=AgreementStatus.NONE,
    )
    agreement_date = models.DateField(
        _("date of the agreement"),
        null=True,
        blank=True,
        help_text=_("When the agreement was concluded (or finally not concluded)."),
    )
    goals = models.TextField(_("goals"), blank=True)
    voluntariness = models.BooleanField(
        _("voluntariness"), default=False, help_text=_("Partners take part of their own free will.")
    )
    equality = models.BooleanField(
        _("equality"), default=False, help_text=_("Every partner has an equal voice, whatever its size.")
    )
    openness = models.BooleanField(
        _("openness"), default=False, help_text=_("Any organisation or group of the area may join.")
    )
    locality = models.BooleanField(
        _("locality"), default=False, help_text=_("The partnership works in and for its local area.")
    )
    founded_on = models.DateField(_("founded on"))

    class Meta:
        verbose_name = _("local partnership")
        verbose_name_plural = _("local partnerships")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(agreement_status=AgreementStatus.CONCLUDED) | Q(agreement_date__isnull=False),
                name="partnership_concluded_agreement_dated",
                violation_error_message=_("Give the date on which the agreement was concluded."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_ended(self) -> bool:
        return self.phase == Phase.ENDED

    @property
    def principles(self) -> list[tuple[str, Any, bool]]:
        """(field, label, kept) for each principle of the CAL model."""
        return [
            (name, getattr(self._meta.get_field(name), "verbose_name", name), bool(getattr(self, name)))
            for name in PRINCIPLE_FIELDS
        ]

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        today = timezone.localdate()
        if self.founded_on is not None and self.founded_on > today:
            errors["founded_on"] = ValidationError(
                _("The founding date cannot be in the future."), code="future"
            )
        if self.mode == PartnershipMode.LEAD and self.leader_id is not None:
            errors["leader"] = ValidationError(
                _("The centre leads this partnership: leave the leading organisation empty."),
                code="leader_when_leading",
            )
        if self.agreement_status == AgreementStatus.CONCLUDED and self.agreement_date is None:
            errors["agreement_date"] = ValidationError(
                _("Give the date on which the agreement was concluded."), code="required"
            )
        if self.agreement_status == AgreementStatus.NONE and self.agreement_date is not None:
            errors["agreement_date"] = ValidationError(
                _("There is no agreement: leave its date empty."), code="date_without_agreement"
            )
        elif self.agreement_date is not None:
            if self.founded_on is not None and self.agreement_date < self.founded_on:
                errors["agreement_date"] = ValidationError(
                    _("The agreement cannot be dated before the partnership was founded (%(date)s).")
                    % {"date": _date(self.founded_on)},
                    code="before_founding",
                )
            elif self.agreement_date > today:
                errors["agreement_date"] = ValidationError(
                    _("The date of the agreement cannot be in the future."), code="future"
                )
        if errors:
            raise ValidationError(errors)


@pghistory.track(pghistory.InsertEvent(), pghistory.DeleteEvent())
class PartnershipOsiedle(models.Model):
    """An osiedle a partnership covers (an explicit model so that the audit sees it)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="osiedle_links")
    osiedle = models.ForeignKey(Osiedle, on_delete=models.PROTECT, related_name="partnership_links")

    class Meta:
        verbose_name = _("osiedle of a partnership")
        verbose_name_plural = _("osiedla of partnerships")
        constraints = [
            models.UniqueConstraint(fields=["partnership", "osiedle"], name="partnership_osiedle_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.partnership} — {self.osiedle}"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class PhaseChange(models.Model):
    """One entry of a partnership's phase log. The first entry (without ``from_phase``)
    records the phase the partnership started in, on its founding date."""

    partnership = models.ForeignKey(
        Partnership, verbose_name=_("partnership"), on_delete=models.CASCADE, related_name="phase_changes"
    )
    from_phase = models.CharField(_("from phase"), max_length=20, choices=Phase.choices, blank=True)
    to_phase = models.CharField(_("to phase"), max_length=20, choices=Phase.choices)
    date = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("phase change")
        verbose_name_plural = _("phase changes")
        ordering = ["date", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_phase=models.F("to_phase")),
                name="phase_change_changes_phase",
                violation_error_message=_("The partnership is already in this phase."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partnership}: {self.from_phase or '—'} → {self.to_phase} ({self.date.isoformat()})"

    @property
    def is_start(self) -> bool:
        return not self.from_phase


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class PartnershipMember(models.Model):
    """An organisation's membership of a partnership, from ``joined`` to ``left``
    (inclusive). An organisation may leave and join again, never twice at once."""

    partnership = models.ForeignKey(
        Partnership, verbose_name=_("partnership"), on_delete=models.CASCADE, related_name="members"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="partnership_memberships",
    )
    role = models.CharField(_("role"), max_length=20, choices=MemberRole.choices, default=MemberRole.MEMBER)
    joined = models.DateField(_("joined on"))
    left = models.DateField(_("left on"), null=True, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("partnership member")
        verbose_name_plural = _("partnership members")
        ordering = ["joined", "organization__name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left__isnull=True) | Q(left__gte=models.F("joined")),
                name="partnership_member_left_after_joined",
                violation_error_message=_("A member cannot leave before joining."),
            ),
            ExclusionConstraint(
                name="partnership_member_no_overlap",
                expressions=[
                    (
                        DateRange(
                            "joined", "left", RangeBoundary(inclusive_lower=True, inclusive_upper=True)
                        ),
                        RangeOperators.OVERLAPS,
                    ),
                    (
                        IdRange(
                            "partnership",
                            "partnership",
                            RangeBoundary(inclusive_lower=True, inclusive_upper=True),
                        ),
                        RangeOperators.OVERLAPS,
                    ),
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
                    "This organisation is already a member of the partnership in that period."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} @ {self.partnership}"

    def is_current(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.joined <= on and (self.left is None or self.left > on)

    def was_member_on(self, day: date) -> bool:
        return self.joined <= day and (self.left is None or self.left >= day)

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        # Checked here, not only by the constraint: a reversed range makes DATERANGE fail in
        # PostgreSQL, and an error on "left" makes full_clean skip the exclusion constraint.
        if self.joined is not None and self.left is not None and self.left < self.joined:
            errors["left"] = ValidationError(
                _("A member cannot leave before joining (joined on %(date)s).")
                % {"date": _date(self.joined)},
                code="left_before_joined",
            )
        if self.partnership_id is not None and self.joined is not None:
            founded_on = self.partnership.founded_on
            if founded_on is not None and self.joined < founded_on:
                errors["joined"] = ValidationError(
                    _("A member cannot join before the partnership was founded (%(date)s).")
                    % {"date": _date(founded_on)},
                    code="before_founding",
                )
        if errors:
            raise ValidationError(errors)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class PartnershipMeeting(VersionedModel):
    partnership = models.ForeignKey(
        Partnership, verbose_name=_("partnership"), on_delete=models.CASCADE, related_name="meetings"
    )
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=255, blank=True)
    attendees: models.ManyToManyField[Organization, PartnershipMeetingAttendee] = models.ManyToManyField(
        Organization,
        verbose_name=_("attending organisations"),
        through="PartnershipMeetingAttendee",
        related_name="partnership_meetings",
        blank=True,
    )
    agenda = models.TextField(_("agenda"))
    decisions = models.TextField(_("decisions"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)

    class Meta:
        verbose_name = _("partnership meeting")
        verbose_name_plural = _("partnership meetings")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["partnership", "date"], name="partnership_meeting_date")]

    def __str__(self) -> str:
        return f"{self.partnership} — {self.date.isoformat()}"

    def clean(self) -> None:
        if self.partnership_id is not None and self.date is not None:
            founded_on = self.partnership.founded_on
            if founded_on is not None and self.date < founded_on:
                raise ValidationError(
                    {
                        "date": ValidationError(
                            _("A meeting cannot be dated before the partnership was founded (%(date)s).")
                            % {"date": _date(founded_on)},
                            code="before_founding",
                        )
                    }
                )


@pghistory.track(pghistory.InsertEvent(), pghistory.DeleteEvent())
class PartnershipMeetingAttendee(models.Model):
    """An organisation at a meeting (an explicit model so that the audit sees it)."""

    meeting = models.ForeignKey(PartnershipMeeting, on_delete=models.CASCADE, related_name="attendee_links")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="partnership_meeting_links"
    )

    class Meta:
        verbose_name = _("meeting attendee")
        verbose_name_plural = _("meeting attendees")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "organization"], name="partnership_meeting_attendee_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} — {self.organization}"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Priority(VersionedModel):
    """A challenge of the area the partnership chose to work on."""

    partnership = models.ForeignKey(
        Partnership, verbose_name=_("partnership"), on_delete=models.CASCADE, related_name="priorities"
    )
    challenge = models.TextField(_("challenge"))
    osiedle = models.ForeignKey(
        Osiedle,
        verbose_name=_("osiedle"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partnership_priorities",
        help_text=_("Leave empty for the whole area of the partnership."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=PriorityStatus.choices, default=PriorityStatus.OPEN
    )

    class Meta:
        verbose_name = _("priority")
        verbose_name_plural = _("priorities")
        ordering = ["partnership", "pk"]

    def __str__(self) -> str:
        return self.challenge[:80]
