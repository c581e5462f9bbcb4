"""Workspace forms: input validation only; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from centres.models import (
    AGE_BANDS,
    KIND_OF_RESOURCE_CATEGORY,
    MAX_SERIES_OCCURRENCES,
    Activity,
    Centre,
    Effect,
    Group,
    Organization,
    OrganizationKind,
    Project,
    ProjectIndicator,
    Resource,
    ResourceCategory,
    ResourceKind,
    SeriesFrequency,
    Volunteer,
)
from centres.selectors import partner_choices, project_activity_choices
from centres.services import (
    ACTIVITY_FIELDS,
    CENTRE_PROFILE_FIELDS,
    GROUP_FIELDS,
    ORGANIZATION_FIELDS,
    PROJECT_FIELDS,
    PROJECT_INDICATOR_FIELDS,
    RESOURCE_FIELDS,
    VOLUNTEER_FIELDS,
)
from centres.validators import normalise_number


def add_service_error(form: forms.BaseForm, error: ValidationError) -> None:
    """A service's refusal as form errors: on its field where the form has it, else at the top."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


class VersionedForm(forms.ModelForm):  # type: ignore[type-arg]
    """A workspace form carrying the version of the record it was read at."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if not self.is_bound and self.instance.pk:
            self.initial["version"] = self.instance.version


class RegistryNumbersForm(forms.ModelForm):  # type: ignore[type-arg]
    """Accepts KRS/NIP/REGON as people type them (with dashes or spaces) and keeps digits;
    the model validates the checksums."""

    krs = forms.CharField(label=_("KRS"), max_length=20, required=False)
    nip = forms.CharField(label=_("NIP"), max_length=20, required=False)
    regon = forms.CharField(label=_("REGON"), max_length=20, required=False)

    class Meta:
        model = Organization
        fields = list(ORGANIZATION_FIELDS)

    def clean_krs(self) -> str:
        return normalise_number(self.cleaned_data["krs"])

    def clean_nip(self) -> str:
        return normalise_number(self.cleaned_data["nip"])

    def clean_regon(self) -> str:
        return normalise_number(self.cleaned_data["regon"])


class CentreProfileForm(VersionedForm):
    class Meta:
        model = Centre
        fields = list(CENTRE_PROFILE_FIELDS)
        widgets = {
            "description": forms.Textarea(attrs={"rows": 8}),
            "opening_hours": forms.Textarea(attrs={"rows": 4}),
            "accessibility_notes": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "description": _("What the centre offers and for whom; shown on its public page."),
            "opening_hours": _("For example: Mon–Fri 10:00–20:00, Sat 10:00–14:00."),
            "accessibility_notes": _("Step-free entrance, accessible toilet, induction loop, etc."),
        }


# --- Activities ---


class DateTimeLocalInput(forms.DateTimeInput):
    """The browser's date-and-time picker; values are local time (Europe/Warsaw)."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, str] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class DateOnlyInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, str] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


# Counts that an operator may leave empty for "none".
ACTIVITY_COUNT_FIELDS = (*(name for name, _label in AGE_BANDS), "volunteers_involved", "volunteer_hours")

ONCE = "once"


class ActivityBaseForm(forms.ModelForm):  # type: ignore[type-arg]
    """An activity as an operator records it: the fields of the service, the partners
    chosen from the registry and a partner added to the registry on the spot."""

    effects = forms.MultipleChoiceField(
        label=_("Intended effects"),
        choices=Effect.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    partners = forms.ModelMultipleChoiceField(
        label=_("Partner organisations"),
        queryset=Organization.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_("Organisations of the registry that took part in the activity."),
    )
    new_partner_name = forms.CharField(
        label=_("Name of the new organisation"),
        max_length=255,
        required=False,
        help_text=_("Only if the partner is not in the list above: it will be added to the registry."),
    )
    new_partner_kind = forms.ChoiceField(
        label=_("Kind of the new organisation"),
        choices=[("", "---------"), *OrganizationKind.choices],
        required=False,
    )

    class Meta:
        model = Activity
        fields = list(ACTIVITY_FIELDS)
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "start": DateTimeLocalInput(),
            "end": DateTimeLocalInput(),
        }
        help_texts = {
            "start": _("Local time (Warsaw)."),
            "end": _("Local time (Warsaw)."),
            "volunteer_hours": _("At most the length of the activity times the number of volunteers."),
            "is_public": _("Shown on the centre's page and in its calendar."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        partners = self.fields["partners"]
        assert isinstance(partners, forms.ModelMultipleChoiceField)
        partners.queryset = partner_choices()
        if not self.is_bound and self.instance.pk:
            # The partners were prefetched with the activity: no query per partner.
            self.initial["partners"] = [organization.pk for organization in self.instance.partners.all()]
        for name in ACTIVITY_COUNT_FIELDS:
            self.fields[name].required = False
        # Shown under the legend "Participants by age".
        for name, band in AGE_BANDS:
            self.fields[name].label = gettext("aged %(band)s") % {"band": band}

    def full_clean(self) -> None:
        super().full_clean()
        # The model's limit on volunteer hours is meaningless while the number of
        # volunteers is itself wrong: one error is enough.
        errors = self.errors
        if "volunteers_involved" in errors and "volunteer_hours" in errors:
            kept = [error for error in errors["volunteer_hours"].as_data() if error.code != "too_many_hours"]
            if kept:
                errors["volunteer_hours"] = self.error_class(kept)
            else:
                del errors["volunteer_hours"]

    def _clean_count(self, name: str) -> Any:
        value = self.cleaned_data.get(name)
        return 0 if value is None else value

    def clean_participants_0_12(self) -> Any:
        return self._clean_count("participants_0_12")

    def clean_participants_13_17(self) -> Any:
        return self._clean_count("participants_13_17")

    def clean_participants_18_25(self) -> Any:
        return self._clean_count("participants_18_25")

    def clean_participants_26_59(self) -> Any:
        return self._clean_count("participants_26_59")

    def clean_participants_60_plus(self) -> Any:
        return self._clean_count("participants_60_plus")

    def clean_volunteers_involved(self) -> Any:
        return self._clean_count("volunteers_involved")

    def clean_volunteer_hours(self) -> Any:
        return self._clean_count("volunteer_hours")

    def service_fields(self) -> dict[str, Any]:
        """The cleaned input as the activity services take it."""
        data = self.cleaned_data
        return {
            **{name: data[name] for name in ACTIVITY_FIELDS},
            "partners": list(data["partners"]),
            "new_partner_name": data["new_partner_name"],
            "new_partner_kind": data["new_partner_kind"],
        }


def _until_help() -> str:
    return gettext("The date of the last occurrence at the latest (at most %(max)s occurrences).") % {
        "max": MAX_SERIES_OCCURRENCES
    }


class ActivityCreateForm(ActivityBaseForm):
    """Recording an activity: once, or a weekly or monthly series created in one go."""

    frequency = forms.ChoiceField(
        label=_("Repeats"),
        choices=[(ONCE, _("does not repeat")), *SeriesFrequency.choices],
        initial=ONCE,
        widget=forms.RadioSelect,
    )
    until = forms.DateField(
        label=_("Repeat until"),
        required=False,
        widget=DateOnlyInput(),
        help_text=lazy(_until_help, str)(),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("frequency") not in (None, ONCE) and cleaned.get("until") is None:
            self.add_error("until", _("Choose the date the series ends."))
        return cleaned


class ActivityEditForm(ActivityBaseForm, VersionedForm):
    """Editing one activity (in a series: this occurrence only), with the version it was read at."""


class VersionForm(forms.Form):
    """A confirmation that names the version of the record it was shown at (deleting)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


# --- Resources, volunteers, groups ---


def _category_choices() -> list[tuple[Any, Any]]:
    """The categories of resources grouped by kind: an <optgroup> per kind."""
    return [
        ("", "---------"),
        *(
            (
                kind.label,
                [
                    (category.value, category.label)
                    for category in ResourceCategory
                    if KIND_OF_RESOURCE_CATEGORY[category] == kind
                ],
            )
            for kind in ResourceKind
        ),
    ]


class RecordForm(VersionedForm):
    """A record of a centre; a new one has no version yet."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            del self.fields["version"]

    def _post_clean(self) -> None:
        # The record's rules are checked once, by the service (its full_clean), so an error
        # is not reported twice; and the record as read stays unchanged for the page.
        pass

    def service_fields(self, names: tuple[str, ...]) -> dict[str, Any]:
        """The cleaned input as the services take it."""
        return {name: self.cleaned_data[name] for name in names}


class ResourceForm(RecordForm):
    category = forms.ChoiceField(
        label=_("category"),
        choices=_category_choices,
        help_text=_("Rooms, spaces and equipment are material; knowledge, skills and contacts immaterial."),
    )

    class Meta:
        model = Resource
        fields = list(RESOURCE_FIELDS)
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class VolunteerForm(RecordForm):
    """A volunteer's personal data: kept only with a recorded consent or another legal basis."""

    # The model requires them (unless erased); marked required here so the form says so.
    REQUIRED = ("name", "consent_date", "consent_scope", "legal_basis")

    class Meta:
        model = Volunteer
        fields = list(VOLUNTEER_FIELDS)
        widgets = {
            "skills": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "consent_scope": forms.Textarea(attrs={"rows": 3}),
            "consent_date": DateOnlyInput(),
            "agreement_start": DateOnlyInput(),
            "agreement_end": DateOnlyInput(),
        }
        help_texts = {
            "notes": _("Only what the centre needs to work with the volunteer."),
            "agreement_start": _("A written agreement is needed for more than 30 days of volunteering."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.REQUIRED:
            self.fields[name].required = True


class GroupForm(RecordForm):
    class Meta:
        model = Group
        fields = list(GROUP_FIELDS)
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


# --- Projects ---


class ProjectActivitiesField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """The activities to link, as checkboxes named by title and local date."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} ({formats.date_format(timezone.localtime(obj.start), 'SHORT_DATE_FORMAT')})"


class ProjectForm(RecordForm):
    """A project as an operator records it: its own fields, the partners from the
    registry and (once its period is saved) the activities carried out under it."""

    partners = forms.ModelMultipleChoiceField(
        label=_("Partner organisations"),
        queryset=Organization.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_("Organisations of the registry that carry out the project with the centre."),
    )
    activities = ProjectActivitiesField(
        label=_("Activities carried out under the project"),
        queryset=Activity.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The centre's activities held within the project's period."),
    )

    class Meta:
        model = Project
        fields = list(PROJECT_FIELDS)
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 5}),
            "funder_period_start": DateOnlyInput(),
            "funder_period_end": DateOnlyInput(),
            "starts_on": DateOnlyInput(),
            "ends_on": DateOnlyInput(),
            "decision_date": DateOnlyInput(),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        partners = self.fields["partners"]
        assert isinstance(partners, forms.ModelMultipleChoiceField)
        partners.queryset = partner_choices()
        activities = self.fields["activities"]
        assert isinstance(activities, forms.ModelMultipleChoiceField)
        if self.instance.pk:
            activities.queryset = project_activity_choices(project=self.instance)
            if not self.is_bound:
                # Prefetched with the project: no query per partner or activity.
                self.initial["partners"] = [organization.pk for organization in self.instance.partners.all()]
                self.initial["activities"] = [activity.pk for activity in self.instance.activities.all()]
        else:
            # The activities are chosen once the project's period is saved.
            del self.fields["activities"]

    def service_fields(self, names: tuple[str, ...] = PROJECT_FIELDS) -> dict[str, Any]:
        data = self.cleaned_data
        fields = {name: data[name] for name in names}
        fields["partners"] = list(data["partners"])
        if "activities" in self.fields:
            fields["activities"] = list(data["activities"])
        return fields


class ProjectIndicatorForm(RecordForm):
    class Meta:
        model = ProjectIndicator
        fields = list(PROJECT_INDICATOR_FIELDS)
        widgets = {"how_measured": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "measure": _(
                "Counted from the activities linked to the project, or entered by hand for any other result."
            ),
        }
