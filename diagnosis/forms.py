"""Forms of the diagnosis app: input validation only; the services decide."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from centres.forms import DateOnlyInput, RecordForm
from centres.models import Activity, Centre, Osiedle
from diagnosis.models import (
    DECIDED_STATUSES,
    PRIORITY_MAX,
    PRIORITY_MIN,
    SUBMISSION_KINDS,
    SUBMISSION_MAX_LENGTH,
    SUBMISSION_MIN_LENGTH,
    Diagnosis,
    Finding,
    FindingKind,
    FindingStatus,
    MethodUse,
    TargetGroup,
)
from diagnosis.services import ACCEPT_FIELDS, DIAGNOSIS_FIELDS, FINDING_FIELDS, METHOD_FIELDS


class ServiceModelForm(forms.ModelForm):  # type: ignore[type-arg]
    """A model's fields as a form; the record's rules are checked once, by the service."""

    def _post_clean(self) -> None:
        pass

    def service_fields(self, names: tuple[str, ...]) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in names if name in self.cleaned_data}


class OsiedlaField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            queryset=Osiedle.objects.order_by("name"),
            label=_("Osiedla covered"),
            help_text=_("The area of the diagnosis: usually the osiedla the centre serves."),
            **kwargs,
        )


class DiagnosisForm(RecordForm):
    osiedla = OsiedlaField()

    class Meta:
        model = Diagnosis
        fields = list(DIAGNOSIS_FIELDS)
        widgets = {
            "period_start": DateOnlyInput(),
            "period_end": DateOnlyInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "conclusions": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args: Any, centre: Centre, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.is_bound:
            return
        if self.instance.pk:
            self.initial["osiedla"] = [osiedle.pk for osiedle in self.instance.osiedla.all()]
        else:
            served = {osiedle.pk for osiedle in centre.served_osiedla.all()}
            self.initial["osiedla"] = sorted(served | {centre.primary_osiedle_id})


class MethodUseForm(ServiceModelForm):
    class Meta:
        model = MethodUse
        fields = list(METHOD_FIELDS)
        widgets = {"date": DateOnlyInput()}


class CoordinateField(forms.DecimalField):
    """A latitude or longitude in degrees; more than six decimals (a click on the map, a
    pasted value) are rounded to six (about 10 cm) rather than refused."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_digits=9, decimal_places=6, required=False, **kwargs)
        self.widget.attrs.update({"step": "any", "inputmode": "decimal"})

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        result = super().to_python(value)
        if result is None:
            return None
        try:
            return result.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)
        except InvalidOperation:
            return result


class FindingForm(RecordForm):
    """A finding; its point is placed by a click on the map or typed in."""

    target_groups = forms.MultipleChoiceField(
        label=_("Target groups"),
        choices=TargetGroup.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        choices=[(n, str(n)) for n in range(PRIORITY_MIN, PRIORITY_MAX + 1)],
        coerce=int,
        initial=3,
        help_text=_("From 1 (low) to 5 (most urgent)."),
    )
    latitude = CoordinateField(
        label=_("Latitude"), help_text=_("For example 51.114600. Click the map to fill it in.")
    )
    longitude = CoordinateField(
        label=_("Longitude"), help_text=_("For example 17.005800. Click the map to fill it in.")
    )

    class Meta:
        model = Finding
        fields = list(FINDING_FIELDS)
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args: Any, diagnosis: Diagnosis | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        osiedle = self.fields["osiedle"]
        assert isinstance(osiedle, forms.ModelChoiceField)
        osiedle.queryset = Osiedle.objects.order_by("name")
        if not self.is_bound and not self.instance.pk and diagnosis is not None:
            covered = list(diagnosis.osiedla.all())
            if len(covered) == 1:
                self.initial["osiedle"] = covered[0].pk


class FindingStatusForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(value, label) for value, label in FindingStatus.choices if value in DECIDED_STATUSES],
    )


def _activity_label(activity: Activity) -> str:
    when = formats.date_format(timezone.localtime(activity.start), "SHORT_DATE_FORMAT")
    return f"{activity.title} ({when})"


class ActivityChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return _activity_label(obj)


class FindingLinkForm(forms.Form):
    """Link an activity of the centre that answers the finding."""

    activity = ActivityChoiceField(
        label=_("Activity"),
        queryset=Activity.objects.none(),
        help_text=_("An activity of the centre that answers this finding (or uses this asset)."),
    )

    def __init__(self, *args: Any, activities: QuerySet[Activity], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["activity"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = activities


class FindingChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Any) -> str:
        return f"{FindingKind(obj.kind).label}: {obj.title} — {obj.diagnosis.title}"


class ActivityFindingsForm(forms.Form):
    """The findings an activity answers (on the activity's page)."""

    findings = FindingChoiceField(
        label=_("Findings this activity answers"), queryset=Finding.objects.none(), required=False
    )

    def __init__(self, *args: Any, choices: QuerySet[Finding], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["findings"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = choices


# --- Residents' input ----------------------------------------------------------------


class HoneypotInput(forms.TextInput):
    """A field people never see nor reach (hidden by CSS, out of the tab order, hidden from
    screen readers); a program that fills every field gives itself away."""

    def __init__(self) -> None:
        super().__init__(attrs={"tabindex": "-1", "autocomplete": "off"})


HONEYPOT_FIELD = "website"


class SubmissionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What do you want to tell us about?"),
        choices=[(k.value, k.label) for k in FindingKind if k in SUBMISSION_KINDS],
        widget=forms.RadioSelect,
        initial=FindingKind.IDEA,
    )
    text = forms.CharField(
        label=_("Your need, asset or idea"),
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": SUBMISSION_MAX_LENGTH}),
        min_length=SUBMISSION_MIN_LENGTH,
        max_length=SUBMISSION_MAX_LENGTH,
        help_text=_(
            "At most %(max)s characters. Please do not write your name, address or other personal "
            "data: the centre does not need them."
        )
        % {"max": SUBMISSION_MAX_LENGTH},
    )
    osiedle = forms.ModelChoiceField(
        label=_("Osiedle (optional)"), queryset=Osiedle.objects.none(), required=False
    )
    website = forms.CharField(label=_("Leave this field empty"), required=False, widget=HoneypotInput())

    def __init__(self, *args: Any, diagnosis: Diagnosis, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        osiedle = self.fields["osiedle"]
        assert isinstance(osiedle, forms.ModelChoiceField)
        osiedle.queryset = diagnosis.osiedla.order_by("name")

    @property
    def is_trap(self) -> bool:
        """Whether the honeypot was filled in (a program, not a person)."""
        return bool(self.data.get(HONEYPOT_FIELD))


class SubmissionAcceptForm(ServiceModelForm):
    """Accepting a resident's submission: the finding it becomes."""

    target_groups = forms.MultipleChoiceField(
        label=_("Target groups"),
        choices=TargetGroup.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        choices=[(n, str(n)) for n in range(PRIORITY_MIN, PRIORITY_MAX + 1)],
        coerce=int,
        initial=3,
    )

    class Meta:
        model = Finding
        fields = list(ACCEPT_FIELDS)
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}


class ActionForm(forms.Form):
    """A button on a diagnosis' page, carrying the version the page was read at."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    action = forms.ChoiceField(
        choices=[
            ("start", "start"),
            ("finish", "finish"),
            ("publish", "publish"),
            ("unpublish", "unpublish"),
            ("open-input", "open-input"),
            ("close-input", "close-input"),
        ]
    )
