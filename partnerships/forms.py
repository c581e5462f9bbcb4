"""Workspace forms of partnerships: input validation only; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from centres.models import Organization, OrganizationKind, Osiedle
from centres.selectors import partner_choices
from partnerships.models import (
    MemberRole,
    Partnership,
    PartnershipMeeting,
    Phase,
    Priority,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _filterable(field: forms.Field) -> None:
    """A long select of the registry gets a search box (static/js/partnerships.js)."""
    field.widget.attrs.update(
        {
            "data-select-filter": "true",
            "data-filter-label": _("Search the list of organisations"),
            "data-filter-count": _("Organisations matching: {count}"),
        }
    )


class VersionField(forms.IntegerField):
    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, **kwargs)


class _ModelForm(forms.ModelForm):  # type: ignore[type-arg]
    """A model form whose model-level errors on fields it does not show (the agreement's
    date when the founding date changes, say) appear above the form instead of failing."""

    def _update_errors(self, errors: ValidationError) -> None:
        if hasattr(errors, "error_dict"):
            placed: dict[str, list[ValidationError]] = {}
            for field, field_errors in errors.error_dict.items():
                key = field if field in self.fields else NON_FIELD_ERRORS
                placed.setdefault(key, []).extend(field_errors)
            errors = ValidationError(placed)
        super()._update_errors(errors)  # type: ignore[misc]


class OsiedlaField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            queryset=Osiedle.objects.order_by("name"),
            label=_("Osiedla"),
            help_text=_("The area the partnership works in; its coverage is measured for each osiedle."),
            **kwargs,
        )


class PartnershipForm(_ModelForm):
    """Create a partnership (lead or join) or change it; the phase moves on its own form."""

    osiedla = OsiedlaField()

    class Meta:
        model = Partnership
        fields = [
            "name",
            "mode",
            "leader",
            "founded_on",
            "goals",
            "voluntariness",
            "equality",
            "openness",
            "locality",
        ]
        widgets = {
            "mode": forms.RadioSelect,
            "founded_on": DateInput,
            "goals": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        leader = self.fields["leader"]
        assert isinstance(leader, forms.ModelChoiceField)
        leader.queryset = partner_choices()
        _filterable(leader)
        if self.instance.pk and not self.is_bound:
            self.initial["osiedla"] = [o.pk for o in self.instance.osiedla.all()]

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class PartnershipCreateForm(PartnershipForm):
    phase = forms.ChoiceField(
        label=_("Current phase"),
        choices=Phase.choices,
        initial=Phase.FORMING,
        help_text=_("When the centre joins an existing partnership, the phase it is in now."),
    )

    field_order = ["name", "mode", "leader", "phase", "founded_on", "osiedla"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound and not self.initial.get("founded_on"):
            self.initial["founded_on"] = timezone.localdate()


class PartnershipEditForm(PartnershipForm):
    version = VersionField()

    field_order = ["name", "mode", "leader", "founded_on", "osiedla"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["version"] = self.instance.version


class AgreementForm(_ModelForm):
    version = VersionField()

    class Meta:
        model = Partnership
        fields = ["agreement_status", "agreement_date"]
        widgets = {"agreement_date": DateInput}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["version"] = self.instance.version


class PhaseMoveForm(forms.Form):
    version = VersionField()
    to_phase = forms.ChoiceField(label=_("New phase"), choices=Phase.choices)
    date = forms.DateField(label=_("Date of the change"), widget=DateInput)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "What happened. Required when the partnership moves back to a phase it never "
            "reached, or when an ended partnership is reopened."
        ),
    )

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_phase"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(value, label) for value, label in Phase.choices if value != partnership.phase]
        if not self.is_bound:
            self.initial.update({"version": partnership.version, "date": timezone.localdate()})


class RegistryOrganizationField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Organization) -> str:
        return f"{obj.name} ({obj.get_kind_display()})"


class MemberAddForm(forms.Form):
    """Pick an organisation from the registry or add a missing one (name and kind)."""

    organization = RegistryOrganizationField(
        label=_("Organisation from the registry"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("Type in the search box to narrow the list."),
    )
    new_organization_name = forms.CharField(
        label=_("Or add a new organisation: name"),
        required=False,
        max_length=255,
        help_text=_("Only if it is not in the registry; the city's staff complete its details."),
    )
    new_organization_kind = forms.ChoiceField(
        label=_("Kind of the new organisation"),
        required=False,
        choices=[("", "—"), *OrganizationKind.choices],
    )
    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices, initial=MemberRole.MEMBER)
    joined = forms.DateField(label=_("Joined on"), widget=DateInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organization = self.fields["organization"]
        assert isinstance(organization, forms.ModelChoiceField)
        organization.queryset = partner_choices()
        _filterable(organization)
        if not self.is_bound:
            self.initial["joined"] = timezone.localdate()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = data.get("organization") is not None or (data.get("new_organization_name") or "").strip()
        if not chosen and not self.has_error("organization") and not self.has_error("new_organization_name"):
            self.add_error("organization", _("Choose an organisation from the registry or add a new one."))
        return data


class MemberLeaveForm(forms.Form):
    left = forms.DateField(
        label=_("Left on"),
        widget=DateInput,
        help_text=_("The last day of membership; a day in the future announces a departure."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["left"] = timezone.localdate()


class AttendeesField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Organization) -> str:
        left_on = getattr(obj, "left_on", None)
        if getattr(obj, "open_memberships", 1) == 0 and left_on is not None:
            return str(
                _("%(name)s (left on %(date)s)")
                % {"name": obj.name, "date": date_format(left_on, "DATE_FORMAT")}
            )
        return obj.name


class MeetingForm(_ModelForm):
    attendees = AttendeesField(
        label=_("Attending members"), queryset=Organization.objects.none(), required=False
    )

    class Meta:
        model = PartnershipMeeting
        fields = ["date", "place", "agenda", "decisions", "minutes"]
        widgets = {
            "date": DateInput,
            "agenda": forms.Textarea(attrs={"rows": 4}),
            "decisions": forms.Textarea(attrs={"rows": 4}),
            "minutes": forms.Textarea(attrs={"rows": 6}),
        }

    field_order = ["date", "place", "attendees", "agenda", "decisions", "minutes"]

    def __init__(self, *args: Any, attendee_choices: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        attendees = self.fields["attendees"]
        assert isinstance(attendees, forms.ModelMultipleChoiceField)
        attendees.queryset = attendee_choices
        if self.instance.pk:
            self.fields["version"] = VersionField()
            if not self.is_bound:
                self.initial["version"] = self.instance.version
                self.initial["attendees"] = [o.pk for o in self.instance.attendees.all()]
        elif not self.is_bound:
            self.initial["date"] = timezone.localdate()

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class PriorityForm(_ModelForm):
    class Meta:
        model = Priority
        fields = ["challenge", "osiedle", "status"]
        widgets = {"challenge": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, osiedla: list[Osiedle], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        osiedle = self.fields["osiedle"]
        assert isinstance(osiedle, forms.ModelChoiceField)
        osiedle.queryset = Osiedle.objects.filter(pk__in=[o.pk for o in osiedla]).order_by("name")
        osiedle.empty_label = str(_("the whole area of the partnership"))
        if self.instance.pk:
            self.fields["version"] = VersionField()
            if not self.is_bound:
                self.initial["version"] = self.instance.version

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
