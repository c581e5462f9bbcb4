"""Workspace forms: input validation only; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from centres.models import Centre, Organization
from centres.services import CENTRE_PROFILE_FIELDS, ORGANIZATION_FIELDS
from centres.validators import normalise_number


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
