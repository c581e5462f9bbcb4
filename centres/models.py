"""The core of the portal: osiedla, organisations, centres, operator terms, memberships."""

from __future__ import annotations

from datetime import date

import pghistory
from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import BigIntegerRangeField, DateRangeField, RangeBoundary, RangeOperators
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Func, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from centres.validators import validate_krs, validate_nip, validate_regon


class District(models.TextChoices):
    """The five former districts (dzielnice) of Wrocław, still used for statistics."""

    STARE_MIASTO = "stare-miasto", "Stare Miasto"
    SRODMIESCIE = "srodmiescie", "Śródmieście"
    KRZYKI = "krzyki", "Krzyki"
    FABRYCZNA = "fabryczna", "Fabryczna"
    PSIE_POLE = "psie-pole", "Psie Pole"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Osiedle(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    district = models.CharField(_("former district"), max_length=20, choices=District.choices)
    boundary = models.JSONField(_("boundary (GeoJSON, WGS84)"), null=True, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)

    class Meta:
        verbose_name = _("osiedle")
        verbose_name_plural = _("osiedla")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrganizationKind(models.TextChoices):
    COUNCIL = "rada-osiedla", _("neighbourhood council (rada osiedla)")
    NGO = "ngo", _("NGO")
    SOCIAL_WORK = "mops", _("MOPS social work team")
    SCHOOL = "szkola", _("school or kindergarten")
    LIBRARY = "biblioteka", _("library")
    CULTURE = "kultura", _("cultural institution")
    MUNICIPAL_POLICE = "straz-miejska", _("municipal police")
    POLICE = "policja", _("police")
    BUSINESS = "biznes", pgettext_lazy("organisation kind", "business")
    RELIGIOUS = "parafia", _("parish or religious association")
    INFORMAL = "grupa-nieformalna", _("informal group")
    LEADER = "lider", _("local leader")
    HOUSING = "wspolnota", _("housing community or cooperative")
    OFFICE = "urzad", _("public office")
    OTHER = "inna", _("other")


class Sector(models.TextChoices):
    PUBLIC = "publiczny", _("public")
    CIVIC = "obywatelski", _("civic")
    BUSINESS = "biznes", _("business")


# The sector an organisation of each kind belongs to unless said otherwise.
SECTOR_OF_KIND: dict[str, str] = {
    OrganizationKind.COUNCIL: Sector.PUBLIC,
    OrganizationKind.NGO: Sector.CIVIC,
    OrganizationKind.SOCIAL_WORK: Sector.PUBLIC,
    OrganizationKind.SCHOOL: Sector.PUBLIC,
    OrganizationKind.LIBRARY: Sector.PUBLIC,
    OrganizationKind.CULTURE: Sector.PUBLIC,
    OrganizationKind.MUNICIPAL_POLICE: Sector.PUBLIC,
    OrganizationKind.POLICE: Sector.PUBLIC,
    OrganizationKind.BUSINESS: Sector.BUSINESS,
    OrganizationKind.RELIGIOUS: Sector.CIVIC,
    OrganizationKind.INFORMAL: Sector.CIVIC,
    OrganizationKind.LEADER: Sector.CIVIC,
    OrganizationKind.HOUSING: Sector.CIVIC,
    OrganizationKind.OFFICE: Sector.PUBLIC,
    OrganizationKind.OTHER: Sector.CIVIC,
}


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Organization(models.Model):
    """One registry of organisations: operators of centres and their partners alike."""

    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganizationKind.choices)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    legal_form = models.CharField(_("legal form"), max_length=120, blank=True)
    krs = models.CharField(_("KRS"), max_length=10, blank=True, validators=[validate_krs])
    nip = models.CharField(_("NIP"), max_length=10, blank=True, validators=[validate_nip])
    regon = models.CharField(_("REGON"), max_length=14, blank=True, validators=[validate_regon])
    street_address = models.CharField(_("street address"), max_length=255, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=6, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True, default="Wrocław")
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    osiedle = models.ForeignKey(
        Osiedle,
        verbose_name=_("osiedle"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organizations",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            # A conditional unique constraint reports only its name unless given a message.
            models.UniqueConstraint(
                fields=["krs"],
                condition=~Q(krs=""),
                name="organization_unique_krs",
                violation_error_message=_("An organisation with this KRS number already exists."),
            ),
            models.UniqueConstraint(
                fields=["nip"],
                condition=~Q(nip=""),
                name="organization_unique_nip",
                violation_error_message=_("An organisation with this NIP already exists."),
            ),
            models.UniqueConstraint(
                fields=["regon"],
                condition=~Q(regon=""),
                name="organization_unique_regon",
                violation_error_message=_("An organisation with this REGON already exists."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CentreStatus(models.TextChoices):
    PLANNED = "planowany", _("planned")
    PILOT = "pilotaz", _("pilot")
    ACTIVE = "dzialajacy", _("active")
    SUSPENDED = "zawieszony", _("suspended")
    CLOSED = "zamkniety", _("closed")


# Inclusive bounds of the city, for validating coordinates (a little wider than Wrocław).
CITY_BOUNDS = {"south": 50.99, "north": 51.22, "west": 16.79, "east": 17.18}


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Centre(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    status = models.CharField(
        _("status"), max_length=20, choices=CentreStatus.choices, default=CentreStatus.PLANNED
    )
    street_address = models.CharField(_("street address"), max_length=255)
    postal_code = models.CharField(_("postal code"), max_length=6, blank=True)
    city = models.CharField(_("city"), max_length=100, default="Wrocław")
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    primary_osiedle = models.ForeignKey(
        Osiedle, verbose_name=_("primary osiedle"), on_delete=models.PROTECT, related_name="primary_centres"
    )
    served_osiedla = models.ManyToManyField(
        Osiedle, verbose_name=_("served osiedla"), related_name="served_by_centres", blank=True
    )
    area_m2 = models.PositiveIntegerField(_("area in m²"), null=True, blank=True)
    opening_hours = models.TextField(_("opening hours"), blank=True)
    accessibility_notes = models.TextField(_("accessibility notes"), blank=True)
    description = models.TextField(_("description"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    # Optimistic locking: every workspace form carries the version it was read at.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("centre")
        verbose_name_plural = _("centres")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="centre_both_coordinates_or_none",
                violation_error_message=_("Give both latitude and longitude, or neither."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("centres:centre-detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        errors: dict[str, str] = {}
        bounds = CITY_BOUNDS
        if self.latitude is not None and not bounds["south"] <= self.latitude <= bounds["north"]:
            errors["latitude"] = _("The latitude must be within the city (%(south)s–%(north)s).") % bounds
        if self.longitude is not None and not bounds["west"] <= self.longitude <= bounds["east"]:
            errors["longitude"] = _("The longitude must be within the city (%(west)s–%(east)s).") % bounds
        if errors:
            raise ValidationError(errors, code="outside_city")

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class DateRange(Func):
    function = "DATERANGE"
    output_field = DateRangeField()


class IdRange(Func):
    """``int8range(id, id, '[]')``: lets a GiST exclusion constraint compare ids
    without the btree_gist extension (which embedded PostgreSQL lacks)."""

    function = "INT8RANGE"
    output_field = BigIntegerRangeField()


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class OperatorTerm(models.Model):
    """The period in which an organisation operates a centre under a grant agreement."""

    centre = models.ForeignKey(
        Centre, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="terms"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="terms"
    )
    start = models.DateField(_("start"))
    end = models.DateField(
        _("end"), null=True, blank=True, help_text=_("Leave empty for an open-ended term.")
    )
    agreement_number = models.CharField(_("agreement number"), max_length=100, blank=True)
    grant_amount = models.DecimalField(
        _("grant amount (PLN)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    competition_reference = models.CharField(_("competition reference"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("operator term")
        verbose_name_plural = _("operator terms")
        ordering = ["centre__name", "-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="operator_term_end_after_start",
                violation_error_message=_("The end of the term cannot be before its start."),
            ),
            ExclusionConstraint(
                name="operator_term_no_overlap",
                expressions=[
                    (
                        DateRange("start", "end", RangeBoundary(inclusive_lower=True, inclusive_upper=True)),
                        RangeOperators.OVERLAPS,
                    ),
                    (
                        IdRange(
                            "centre", "centre", RangeBoundary(inclusive_lower=True, inclusive_upper=True)
                        ),
                        RangeOperators.OVERLAPS,
                    ),
                ],
                violation_error_message=_("This centre already has an operator term in that period."),
            ),
        ]

    def __str__(self) -> str:
        end = self.end.isoformat() if self.end else "…"
        return f"{self.centre} — {self.organization} ({self.start.isoformat()} – {end})"

    def clean(self) -> None:
        # Checked here, not only by the constraint: an error on "end" makes full_clean
        # skip the exclusion constraint, whose DATERANGE(start, end) would otherwise
        # fail in PostgreSQL (a DataError, not a validation error) for a reversed range.
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ValidationError(
                {"end": _("The end of the term cannot be before its start.")}, code="end_before_start"
            )

    def is_current(self, on: date | None = None) -> bool:
        on = on or date.today()
        return self.start <= on and (self.end is None or self.end >= on)


class MembershipRole(models.TextChoices):
    COORDINATOR = "koordynator", _("coordinator")
    ANIMATOR = "animator", _("animator")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Membership(models.Model):
    """A user working for an organisation; with a current term, they edit its centres."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=MembershipRole.choices)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organization__name", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"],
                name="membership_unique_user_organization",
                violation_error_message=_("This user is already a member of this organisation."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization} ({self.get_role_display()})"
