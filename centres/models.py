"""The core of the portal: osiedla, organisations, centres, operator terms, memberships,
and what a centre has and does: resources, activities, volunteers and groups."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from typing import Any

import pghistory
from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import (
    ArrayField,
    BigIntegerRangeField,
    DateRangeField,
    RangeBoundary,
    RangeOperators,
)
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Func, Q
from django.urls import reverse
from django.utils import timezone
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
    served_osiedla: models.ManyToManyField[Osiedle, CentreServedOsiedle] = models.ManyToManyField(
        Osiedle,
        verbose_name=_("served osiedla"),
        related_name="served_by_centres",
        blank=True,
        through="CentreServedOsiedle",
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


# The osiedla a centre serves (its area of influence) are part of its record: each one added or
# removed is an event too, with the context (who, which action) of the change that made it.
@pghistory.track(
    pghistory.InsertEvent("served_osiedle.add"),
    pghistory.DeleteEvent("served_osiedle.remove"),
    obj_field=None,
)
class CentreServedOsiedle(models.Model):
    """An osiedle in a centre's area of influence: the table Django created for the
    many-to-many field, named as a model so that its changes are audited."""

    centre = models.ForeignKey(Centre, verbose_name=_("centre"), on_delete=models.CASCADE)
    osiedle = models.ForeignKey(Osiedle, verbose_name=_("osiedle"), on_delete=models.CASCADE)

    class Meta:
        db_table = "centres_centre_served_osiedla"
        unique_together = [("centre", "osiedle")]
        verbose_name = _("served osiedle")
        verbose_name_plural = _("served osiedla")

    def __str__(self) -> str:
        return f"{self.centre_id} – {self.osiedle_id}"


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


# --- What a centre has and does ---------------------------------------------------


class ResourceKind(models.TextChoices):
    MATERIAL = "materialny", _("material")
    IMMATERIAL = "niematerialny", _("immaterial")


class ResourceCategory(models.TextChoices):
    BUILDING = "budynek", _("building")
    ROOM = "sala", _("room")
    GARDEN = "ogrod", _("garden or grounds")
    PLAYGROUND = "plac-zabaw", _("playground")
    EQUIPMENT = "wyposazenie", _("equipment")
    ANIMATION_MATERIALS = "materialy", _("animation materials")
    STAFF_KNOWLEDGE = "wiedza", _("staff knowledge and competences")
    SOCIAL_CAPITAL = "kapital-spoleczny", _("social capital")
    CONTACTS = "kontakty", _("contacts")
    RESIDENT_SKILLS = "umiejetnosci", _("residents' skills")


KIND_OF_RESOURCE_CATEGORY: dict[str, str] = {
    ResourceCategory.BUILDING: ResourceKind.MATERIAL,
    ResourceCategory.ROOM: ResourceKind.MATERIAL,
    ResourceCategory.GARDEN: ResourceKind.MATERIAL,
    ResourceCategory.PLAYGROUND: ResourceKind.MATERIAL,
    ResourceCategory.EQUIPMENT: ResourceKind.MATERIAL,
    ResourceCategory.ANIMATION_MATERIALS: ResourceKind.MATERIAL,
    ResourceCategory.STAFF_KNOWLEDGE: ResourceKind.IMMATERIAL,
    ResourceCategory.SOCIAL_CAPITAL: ResourceKind.IMMATERIAL,
    ResourceCategory.CONTACTS: ResourceKind.IMMATERIAL,
    ResourceCategory.RESIDENT_SKILLS: ResourceKind.IMMATERIAL,
}

# Rooms and spaces: the material resources the public sees on a centre's page.
SPACE_CATEGORIES = (
    ResourceCategory.BUILDING,
    ResourceCategory.ROOM,
    ResourceCategory.GARDEN,
    ResourceCategory.PLAYGROUND,
)


class VersionedModel(models.Model):
    """Optimistic locking: every workspace form carries the version it was read at."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Resource(VersionedModel):
    centre = models.ForeignKey(
        Centre, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="resources"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ResourceKind.choices)
    category = models.CharField(_("category"), max_length=20, choices=ResourceCategory.choices)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity (people)"), null=True, blank=True, help_text=_("For rooms and spaces.")
    )
    accessible = models.BooleanField(_("accessible to people with disabilities"), default=False)
    shareable = models.BooleanField(_("shareable with other centres"), default=False)

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["centre__name", "kind", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.category and self.kind and KIND_OF_RESOURCE_CATEGORY.get(self.category) != self.kind:
            raise ValidationError(
                {"category": _("This category does not belong to the chosen kind of resource.")},
                code="category_kind",
            )

    @property
    def is_space(self) -> bool:
        return self.category in SPACE_CATEGORIES


class CalMethod(models.TextChoices):
    NEEDS = "rozpoznawanie-potrzeb", _("recognising needs")
    ORGANISING = "organizowanie-aktywnosci", _("organising activity")
    PUBLIC_SPACE = "przestrzen-publiczna", _("action in public space")
    COMMUNITY = "praca-ze-spolecznoscia", _("work with the community")
    NETWORKING = "sieciowanie", _("networking")


class ActivityForm(models.TextChoices):
    WORKSHOP = "warsztat", _("workshop")
    NEIGHBOURS_MEETING = "spotkanie-sasiedzkie", _("neighbours' meeting")
    EVENT = "wydarzenie", _("event")
    ADVICE = "poradnictwo", _("advice")
    SELF_HELP = "grupa-samopomocowa", _("self-help group")
    RESIDENTS_INITIATIVE = "inicjatywa-mieszkancow", _("residents' initiative")
    TRAINING = "szkolenie", _("training")


class Effect(models.TextChoices):
    RELATIONS = "relacje", _("relations")
    POTENTIAL = "potencjal", _("community potential")
    RESPONSIBILITY = "odpowiedzialnosc", _("taking on responsibility")
    PARTNERSHIPS = "partnerstwa", _("partnerships")
    IDENTITY = "tozsamosc", _("local identity")
    INCLUSION = "wykluczenie", _("countering exclusion")


class SeriesFrequency(models.TextChoices):
    WEEKLY = "weekly", _("every week")
    MONTHLY = "monthly", _("every month")


# The participants' age bands: counts only, there is no register of participants.
AGE_BANDS: tuple[tuple[str, str], ...] = (
    ("participants_0_12", "0–12"),
    ("participants_13_17", "13–17"),
    ("participants_18_25", "18–25"),
    ("participants_26_59", "26–59"),
    ("participants_60_plus", "60+"),
)

MAX_SERIES_OCCURRENCES = 200


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class ActivitySeries(models.Model):
    """Activities created in one go as a weekly or monthly series; each occurrence is
    an Activity of its own and is edited on its own."""

    centre = models.ForeignKey(
        Centre, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="activity_series"
    )
    frequency = models.CharField(_("repeats"), max_length=10, choices=SeriesFrequency.choices)
    first_start = models.DateTimeField(_("first occurrence"))
    until = models.DateField(_("repeat until"))
    occurrences = models.PositiveIntegerField(_("occurrences"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("activity series")
        verbose_name_plural = _("activity series")
        ordering = ["-first_start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(occurrences__gte=1) & Q(occurrences__lte=MAX_SERIES_OCCURRENCES),
                name="activity_series_occurrences_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.centre} — {self.get_frequency_display()} ({self.occurrences})"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Activity(VersionedModel):
    centre = models.ForeignKey(
        Centre, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="activities"
    )
    series = models.ForeignKey(
        ActivitySeries,
        verbose_name=_("series"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    method = models.CharField(_("CAL method"), max_length=30, choices=CalMethod.choices)
    form = models.CharField(_("form"), max_length=30, choices=ActivityForm.choices)
    place = models.CharField(_("place"), max_length=255, blank=True)
    in_public_space = models.BooleanField(_("in public space"), default=False)
    resident_initiated = models.BooleanField(_("initiated by residents"), default=False)
    participants_0_12 = models.PositiveIntegerField(_("participants aged 0–12"), default=0)
    participants_13_17 = models.PositiveIntegerField(_("participants aged 13–17"), default=0)
    participants_18_25 = models.PositiveIntegerField(_("participants aged 18–25"), default=0)
    participants_26_59 = models.PositiveIntegerField(_("participants aged 26–59"), default=0)
    participants_60_plus = models.PositiveIntegerField(_("participants aged 60+"), default=0)
    volunteers_involved = models.PositiveIntegerField(_("volunteers involved"), default=0)
    volunteer_hours = models.DecimalField(
        _("volunteer hours"),
        max_digits=7,
        decimal_places=1,
        default=0,
        validators=[MinValueValidator(0)],
    )
    partners: models.ManyToManyField[Organization, ActivityPartner] = models.ManyToManyField(
        Organization,
        verbose_name=_("partner organisations"),
        through="ActivityPartner",
        related_name="partner_activities",
        blank=True,
    )
    effects = ArrayField(
        models.CharField(max_length=20, choices=Effect.choices),
        verbose_name=_("intended effects"),
        default=list,
        blank=True,
    )
    is_public = models.BooleanField(
        _("public"), default=True, help_text=_("Shown on the centre's page and in its calendar.")
    )

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-start", "pk"]
        indexes = [
            models.Index(fields=["centre", "start"], name="activity_centre_start"),
            models.Index(fields=["start"], name="activity_start"),
            GinIndex(fields=["effects"], name="activity_effects"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")),
                name="activity_end_after_start",
                violation_error_message=_("The end must be after the start."),
            ),
            models.CheckConstraint(
                condition=Q(volunteer_hours__gte=0),
                name="activity_volunteer_hours_not_negative",
                violation_error_message=_("Volunteer hours cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("centres:event-detail", kwargs={"slug": self.centre.slug, "pk": self.pk})

    @property
    def participants(self) -> int:
        return sum(getattr(self, name) or 0 for name, _label in AGE_BANDS)

    @property
    def hours(self) -> Decimal:
        """The length of the activity in hours."""
        if self.start is None or self.end is None:  # type: ignore[redundant-expr,unused-ignore]
            return Decimal(0)  # type: ignore[unreachable,unused-ignore]
        return Decimal(elapsed(self.start, self.end).total_seconds()) / Decimal(3600)

    def clean_fields(self, exclude: Iterable[str] | None = None) -> None:
        # Unknown effects are reported by clean() in one message naming them; the array
        # field's own message ("Item 2 in the array did not validate…") would repeat it.
        excluded = set(exclude or ())
        if isinstance(self.effects, list) and _unknown_effects(self.effects):
            excluded.add("effects")
        super().clean_fields(exclude=excluded)

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        # A value that failed its field's validation is still raw here: it is left alone.
        start, end, hours, volunteers = self.start, self.end, self.volunteer_hours, self.volunteers_involved
        times_valid = isinstance(start, datetime) and isinstance(end, datetime)
        if times_valid and elapsed(start, end) <= timedelta(0):
            errors["end"] = ValidationError(_("The end must be after the start."), code="end_before_start")
        elif (
            times_valid
            and isinstance(hours, Decimal | int)
            # A negative count is a field error already; no limit is computed from it.
            and isinstance(volunteers, int)
            and volunteers >= 0
        ):
            # Compared in seconds, exactly: 1 h 20 min × 3 volunteers allows 4.0 h, which
            # a limit computed in (rounded) hours would refuse.
            seconds = Decimal(elapsed(start, end).total_seconds()) * volunteers
            if Decimal(hours) * 3600 > seconds:
                limit = (seconds / 3600).quantize(Decimal("0.1"), rounding=ROUND_DOWN)
                errors["volunteer_hours"] = ValidationError(
                    _(
                        "Volunteer hours cannot exceed the length of the activity times the "
                        "number of volunteers (at most %(limit)s h)."
                    )
                    % {"limit": f"{limit}"},
                    code="too_many_hours",
                )
        if isinstance(self.effects, list):
            unknown = _unknown_effects(self.effects)
            if unknown:
                errors["effects"] = ValidationError(
                    _("Unknown effect: %(value)s.") % {"value": ", ".join(unknown)}, code="invalid_choice"
                )
        if errors:
            raise ValidationError(errors)


def _unknown_effects(effects: list[Any]) -> list[str]:
    return sorted({str(value) for value in effects} - set(Effect.values))


def elapsed(start: datetime, end: datetime) -> timedelta:
    """The real time between two moments. Python subtracts (and compares) two aware datetimes
    of one time zone by their wall clocks, an hour off across a daylight-saving change."""
    if start.tzinfo is not None and end.tzinfo is not None:
        return end.astimezone(UTC) - start.astimezone(UTC)
    return end - start


@pghistory.track(pghistory.InsertEvent(), pghistory.DeleteEvent())
class ActivityPartner(models.Model):
    """A partner organisation of an activity (an explicit model so the audit sees it)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="partner_links")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="activity_links")

    class Meta:
        verbose_name = _("activity partner")
        verbose_name_plural = _("activity partners")
        constraints = [
            models.UniqueConstraint(fields=["activity", "organization"], name="activity_partner_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.activity} — {self.organization}"


class LegalBasis(models.TextChoices):
    CONSENT = "zgoda", _("consent (GDPR art. 6(1)(a))")
    AGREEMENT = "porozumienie", _("volunteering agreement (GDPR art. 6(1)(b))")
    LEGAL_OBLIGATION = "obowiazek-prawny", _("legal obligation (GDPR art. 6(1)(c))")
    LEGITIMATE_INTEREST = "uzasadniony-interes", _("legitimate interest (GDPR art. 6(1)(f))")


# The fields of a volunteer that hold personal data: exported on request, blanked on erasure.
VOLUNTEER_PERSONAL_FIELDS = ("name", "email", "phone", "skills", "notes")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Volunteer(VersionedModel):
    """A volunteer or local leader of a centre. Personal data: minimal, consented, erasable."""

    centre = models.ForeignKey(
        Centre, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="volunteers"
    )
    name = models.CharField(_("full name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    skills = models.TextField(_("skills"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_leader = models.BooleanField(
        _("local leader"), default=False, help_text=_("A resident who leads others in the neighbourhood.")
    )
    consent_date = models.DateField(_("consent given on"), null=True, blank=True)
    consent_scope = models.TextField(
        _("scope of consent"),
        blank=True,
        help_text=_("Which data, for what purpose, e.g. contact for organising activities."),
    )
    legal_basis = models.CharField(_("legal basis"), max_length=30, choices=LegalBasis.choices, blank=True)
    agreement_start = models.DateField(_("agreement (porozumienie) from"), null=True, blank=True)
    agreement_end = models.DateField(_("agreement (porozumienie) until"), null=True, blank=True)
    active = models.BooleanField(pgettext_lazy("volunteer", "active"), default=True)
    erased_at = models.DateTimeField(_("personal data erased at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["centre__name", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(erased_at__isnull=False)
                | (~Q(name="") & Q(consent_date__isnull=False) & ~Q(consent_scope="") & ~Q(legal_basis="")),
                name="volunteer_named_and_consented",
                violation_error_message=_("A volunteer needs a name and a recorded consent."),
            ),
            models.CheckConstraint(
                condition=Q(agreement_end__isnull=True)
                | Q(agreement_start__isnull=True)
                | Q(agreement_end__gte=models.F("agreement_start")),
                name="volunteer_agreement_end_after_start",
                violation_error_message=_("The agreement cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        if self.erased_at is not None:
            return str(_("Volunteer #%(id)s (data erased)") % {"id": self.pk})
        return self.name

    def clean(self) -> None:
        if self.erased_at is not None:
            return
        errors: dict[str, Any] = {}
        required = _("Required: personal data is kept only with a recorded consent or another legal basis.")
        if not self.name:
            errors["name"] = ValidationError(_("This field is required."), code="required")
        if self.consent_date is None:
            errors["consent_date"] = ValidationError(required, code="required")
        if not self.consent_scope:
            errors["consent_scope"] = ValidationError(required, code="required")
        if not self.legal_basis:
            errors["legal_basis"] = ValidationError(required, code="required")
        if self.consent_date is not None and self.consent_date > timezone.localdate():
            errors["consent_date"] = ValidationError(
                _("The consent date cannot be in the future."), code="future"
            )
        if self.agreement_start and self.agreement_end and self.agreement_end < self.agreement_start:
            errors["agreement_end"] = ValidationError(
                _("The agreement cannot end before it starts."), code="end_before_start"
            )
        if errors:
            raise ValidationError(errors)


class GroupKind(models.TextChoices):
    SELF_HELP = "samopomocowa", _("self-help group")
    INFORMAL = "nieformalna", _("informal group")
    NEIGHBOURS = "sasiedzka", _("neighbours' group")
    CLUB = "klub", _("club or circle")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Group(VersionedModel):
    """A group that meets at or with a centre (self-help, informal, neighbours', club)."""

    centre = models.ForeignKey(
        Centre, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="groups"
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=GroupKind.choices)
    meets = models.CharField(
        _("meets"), max_length=200, blank=True, help_text=_("For example: every Tuesday at 18:00.")
    )
    description = models.TextField(_("description"), blank=True)
    members_count = models.PositiveIntegerField(_("number of members"), null=True, blank=True)
    active = models.BooleanField(pgettext_lazy("group", "active"), default=True)

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["centre__name", "name"]

    def __str__(self) -> str:
        return self.name


# --- Projects: funding beyond the city grant, and their results ----------------------


class FunderKind(models.TextChoices):
    CITY_GRANT = "dotacja-miejska", _("city grant")
    EU_FUND = "fundusze-ue", _("EU fund")
    NATIONAL = "program-krajowy", _("national programme")
    FOUNDATION = "fundacja", _("foundation")
    BUSINESS = "biznes", pgettext_lazy("funder kind", "business")
    CROWDFUNDING = "crowdfunding", _("crowdfunding")
    OTHER = "inne", pgettext_lazy("funder kind", "other")


class ProjectStatus(models.TextChoices):
    IDEA = "pomysl", pgettext_lazy("project status", "idea")
    APPLICATION = "wniosek", pgettext_lazy("project status", "application")
    GRANTED = "przyznany", pgettext_lazy("project status", "granted")
    REJECTED = "odrzucony", pgettext_lazy("project status", "rejected")
    RUNNING = "w-realizacji", pgettext_lazy("project status", "running")
    CLOSED = "zakonczony", pgettext_lazy("project status", "closed")


# The largest amount a project may have (PLN): twelve digits, two of them after the point.
PROJECT_AMOUNT_DIGITS = 12


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Project(VersionedModel):
    """A project of a centre funded beyond (or besides) the city grant: its funder, money,
    period and status, the partners and the activities carried out under it, and its
    result indicators. The title, summary, funder, period and partners are public once it
    runs; the amounts, the description and the indicators stay in the workspace."""

    centre = models.ForeignKey(
        Centre, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="projects"
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(
        _("summary"), blank=True, help_text=_("Shown on the centre's public page while the project runs.")
    )
    description = models.TextField(
        _("internal description"), blank=True, help_text=_("For the centre's team only; never published.")
    )
    funder_kind = models.CharField(_("kind of funder"), max_length=20, choices=FunderKind.choices)
    funder_name = models.CharField(
        _("funder"), max_length=200, blank=True, help_text=_("For example: NOWEFIO, Fundacja Orange.")
    )
    funder_period_start = models.DateField(
        _("funder's period from"),
        null=True,
        blank=True,
        help_text=_("The earliest start the funder allows (e.g. of the call's eligible period)."),
    )
    funder_period_end = models.DateField(
        _("funder's period until"), null=True, blank=True, help_text=_("The latest end the funder allows.")
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    amount = models.DecimalField(
        _("amount (PLN)"),
        max_digits=PROJECT_AMOUNT_DIGITS,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Applied for or granted by the funder."),
    )
    own_contribution = models.DecimalField(
        _("own contribution (PLN)"),
        max_digits=PROJECT_AMOUNT_DIGITS,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Financial and in-kind (volunteer work, rooms, equipment)."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.IDEA
    )
    decision_date = models.DateField(
        _("decision expected on"),
        null=True,
        blank=True,
        help_text=_("Required for an application: the date the funder announces its decision."),
    )
    partners: models.ManyToManyField[Organization, ProjectPartner] = models.ManyToManyField(
        Organization,
        verbose_name=_("partner organisations"),
        through="ProjectPartner",
        related_name="partner_projects",
        blank=True,
    )
    activities: models.ManyToManyField[Activity, ProjectActivity] = models.ManyToManyField(
        Activity,
        verbose_name=_("activities carried out under the project"),
        through="ProjectActivity",
        related_name="projects",
        blank=True,
    )

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-starts_on", "title", "pk"]
        indexes = [models.Index(fields=["centre", "status"], name="project_centre_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="project_ends_after_start",
                violation_error_message=_("The project cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(funder_period_start__isnull=True)
                | Q(funder_period_end__isnull=True)
                | Q(funder_period_end__gte=models.F("funder_period_start")),
                name="project_funder_period_ordered",
                violation_error_message=_("The funder's period cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(funder_period_start__isnull=True)
                | Q(starts_on__gte=models.F("funder_period_start")),
                name="project_starts_within_funder_period",
                violation_error_message=_("The project cannot start before the funder's period."),
            ),
            models.CheckConstraint(
                condition=Q(funder_period_end__isnull=True) | Q(ends_on__lte=models.F("funder_period_end")),
                name="project_ends_within_funder_period",
                violation_error_message=_("The project cannot end after the funder's period."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0) & Q(own_contribution__gte=0),
                name="project_amounts_not_negative",
                violation_error_message=_("Amounts cannot be negative."),
            ),
            models.CheckConstraint(
                condition=~Q(status=ProjectStatus.APPLICATION) | Q(decision_date__isnull=False),
                name="project_application_has_decision_date",
                violation_error_message=_("An application needs the date of the funder's decision."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        # The constraints' rules, each on its field with a message saying what to do; a
        # value that failed its field's own validation is still raw here and left alone.
        errors: dict[str, ValidationError] = {}
        start, end = self.starts_on, self.ends_on
        funder_start, funder_end = self.funder_period_start, self.funder_period_end
        dates_valid = isinstance(start, date) and isinstance(end, date)
        if dates_valid and end < start:
            errors["ends_on"] = ValidationError(
                _("The project cannot end before it starts."), code="end_before_start"
            )
        if isinstance(funder_start, date) and isinstance(funder_end, date) and funder_end < funder_start:
            errors["funder_period_end"] = ValidationError(
                _("The funder's period cannot end before it starts."), code="end_before_start"
            )
        else:
            if isinstance(funder_start, date) and isinstance(start, date) and start < funder_start:
                errors["starts_on"] = ValidationError(
                    _("The project cannot start before the funder's period (from %(date)s).")
                    % {"date": funder_start.isoformat()},
                    code="outside_funder_period",
                )
            if isinstance(funder_end, date) and isinstance(end, date) and end > funder_end:
                errors.setdefault(
                    "ends_on",
                    ValidationError(
                        _("The project cannot end after the funder's period (until %(date)s).")
                        % {"date": funder_end.isoformat()},
                        code="outside_funder_period",
                    ),
                )
        if self.status == ProjectStatus.APPLICATION and self.decision_date is None:
            errors["decision_date"] = ValidationError(
                _("An application needs the date of the funder's decision."), code="decision_date_missing"
            )
        if errors:
            raise ValidationError(errors)

    @property
    def total_budget(self) -> Decimal:
        return (self.amount or Decimal(0)) + (self.own_contribution or Decimal(0))


@pghistory.track(pghistory.InsertEvent(), pghistory.DeleteEvent())
class ProjectPartner(models.Model):
    """A partner organisation of a project (an explicit model so the audit sees it)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="partner_links")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="project_links")

    class Meta:
        verbose_name = _("project partner")
        verbose_name_plural = _("project partners")
        constraints = [
            models.UniqueConstraint(fields=["project", "organization"], name="project_partner_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.project} — {self.organization}"


@pghistory.track(pghistory.InsertEvent(), pghistory.DeleteEvent())
class ProjectActivity(models.Model):
    """An activity carried out under a project. The service checks that it is the same
    centre's and held within the project's period."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="activity_links")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="project_links")

    class Meta:
        verbose_name = _("activity of a project")
        verbose_name_plural = _("activities of projects")
        constraints = [
            models.UniqueConstraint(fields=["project", "activity"], name="project_activity_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.project} — {self.activity}"


class IndicatorMeasure(models.TextChoices):
    """How an indicator's achieved value is found: counted from the project's linked
    activities, or entered by hand."""

    ACTIVITIES = "liczba-dzialan", _("number of linked activities")
    PARTICIPANTS = "uczestnicy", _("participants of linked activities")
    PUBLIC_SPACE = "przestrzen-publiczna", _("linked activities in public space")
    RESIDENT_INITIATIVES = "inicjatywy-mieszkancow", _("linked activities initiated by residents")
    VOLUNTEER_HOURS = "godziny-wolontariatu", _("volunteer hours in linked activities")
    MANUAL = "reczny", _("entered by hand")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class ProjectIndicator(VersionedModel):
    """A result indicator of a project (the offer's result table: name, planned level,
    how it is monitored). The value achieved is computed from the linked activities for
    a counted measure (``selectors.project_indicator_queryset``), entered for a manual one."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="indicators"
    )
    name = models.CharField(_("name"), max_length=200)
    measure = models.CharField(_("measured as"), max_length=30, choices=IndicatorMeasure.choices)
    target = models.DecimalField(
        _("target"), max_digits=PROJECT_AMOUNT_DIGITS, decimal_places=2, help_text=_("The planned level.")
    )
    value_entered = models.DecimalField(
        _("value achieved"),
        max_digits=PROJECT_AMOUNT_DIGITS,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Only for an indicator entered by hand; the others are computed."),
    )
    how_measured = models.TextField(
        _("how it is measured"),
        blank=True,
        help_text=_("Source and method, e.g. attendance lists, a survey after the workshops."),
    )
    unit = models.CharField(_("unit"), max_length=40, blank=True, help_text=_("For example: people, hours."))

    class Meta:
        verbose_name = _("project indicator")
        verbose_name_plural = _("project indicators")
        ordering = ["project", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target__gt=0),
                name="project_indicator_target_positive",
                violation_error_message=_("The target must be greater than zero."),
            ),
            models.CheckConstraint(
                condition=Q(measure=IndicatorMeasure.MANUAL) | Q(value_entered__isnull=True),
                name="project_indicator_value_only_manual",
                violation_error_message=_(
                    "The value of this indicator is computed from the linked activities: leave it empty."
                ),
            ),
            models.CheckConstraint(
                condition=Q(value_entered__isnull=True) | Q(value_entered__gte=0),
                name="project_indicator_value_not_negative",
                violation_error_message=_("The value cannot be negative."),
            ),
            models.CheckConstraint(
                condition=~Q(measure=IndicatorMeasure.MANUAL) | ~Q(how_measured=""),
                name="project_indicator_manual_how_measured",
                violation_error_message=_("Say how the value entered by hand is measured."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, ValidationError] = {}
        if isinstance(self.target, Decimal | int) and self.target <= 0:
            errors["target"] = ValidationError(
                _("The target must be greater than zero."), code="not_positive"
            )
        if self.measure and self.measure != IndicatorMeasure.MANUAL and self.value_entered is not None:
            errors["value_entered"] = ValidationError(
                _("The value of this indicator is computed from the linked activities: leave it empty."),
                code="computed",
            )
        if self.measure == IndicatorMeasure.MANUAL and not (self.how_measured or "").strip():
            errors["how_measured"] = ValidationError(
                _("Say how the value entered by hand is measured."), code="how_measured_missing"
            )
        if errors:
            raise ValidationError(errors)

    @property
    def is_computed(self) -> bool:
        return self.measure != IndicatorMeasure.MANUAL
