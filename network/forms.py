"""Forms of the network's pages: input validation only; the services decide."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centres.forms import DateOnlyInput, DateTimeLocalInput
from centres.models import Centre, Effect, Organization, Volunteer
from network.models import (
    CAL_STANDARDS,
    MAX_SCORE,
    Adoption,
    Consultation,
    ConsultationResponse,
    FollowUp,
    GoodPractice,
    NetworkMeeting,
    SelfAssessment,
    TrainingEnrolment,
    TrainingProgramme,
    TrainingSession,
)
from network.services import (
    CONSULTATION_FIELDS,
    FOLLOW_UP_FIELDS,
    MEETING_FIELDS,
    PRACTICE_FIELDS,
    SELF_ASSESSMENT_FIELDS,
    TRAINING_PROGRAMME_FIELDS,
    TRAINING_SESSION_FIELDS,
)
from network.stats import add_months, month_start


class VersionedModelForm(forms.ModelForm):  # type: ignore[type-arg]
    """A form of a record edited in the browser: an existing record carries the version
    it was read at (optimistic locking); a new one carries none."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].required = True
            if not self.is_bound:
                self.initial["version"] = self.instance.version

    def _post_clean(self) -> None:
        # The model is validated by the service, with the rules that need the database.
        pass

    def service_fields(self, names: tuple[str, ...]) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in names if name in self.fields}


class VersionForm(forms.Form):
    """A button acting on a record as the page showed it (publish, unpublish)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


# --- Meetings and follow-ups -------------------------------------------------------------


class MeetingForm(VersionedModelForm):
    attendees = forms.ModelMultipleChoiceField(
        label=_("Attending organisations"),
        queryset=Organization.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Organisations of the network present at the meeting."),
    )

    class Meta:
        model = NetworkMeeting
        fields = list(MEETING_FIELDS)
        widgets = {
            "date": DateOnlyInput(),
            "agenda": forms.Textarea(attrs={"rows": 5}),
            "minutes": forms.Textarea(attrs={"rows": 8}),
            "decisions": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args: Any, members: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["attendees"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        if self.instance.pk:
            # Attendees recorded earlier stay choosable even if they have left since.
            members = (members | self.instance.attendees.all()).distinct().order_by("name")
            if not self.is_bound:
                self.initial["attendees"] = [org.pk for org in self.instance.attendees.all()]
        field.queryset = members


class FollowUpForm(VersionedModelForm):
    class Meta:
        model = FollowUp
        fields = list(FOLLOW_UP_FIELDS)
        widgets = {"due": DateOnlyInput(), "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, members: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, forms.ModelChoiceField)
        # Every organisation is offered: the service refuses one outside the network with
        # a clear message, rather than the form with "not one of the choices".
        field.queryset = members


class FollowUpProgressForm(VersionedModelForm):
    class Meta:
        model = FollowUp
        fields = ["status", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"note": _("What has been done, or what stands in the way.")}


# --- Good practices -----------------------------------------------------------------------


class PracticeForm(VersionedModelForm):
    effects = forms.MultipleChoiceField(
        label=_("Effects"),
        choices=Effect.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("What the practice changes in the community."),
    )

    class Meta:
        model = GoodPractice
        fields = ["centre", *PRACTICE_FIELDS]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 10}),
        }
        help_texts = {
            "summary": _("One or two sentences shown in the list of practices."),
            "description": _("How it works, what it needs, what to watch out for."),
        }

    def __init__(self, *args: Any, centres: QuerySet[Centre], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["centre"]
        else:
            field = self.fields["centre"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = centres
            if centres.count() == 1:
                self.initial.setdefault("centre", centres.first())


class AdoptionForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Adoption
        fields = ["centre", "adopted_on", "outcome"]
        widgets = {"adopted_on": DateOnlyInput(), "outcome": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"outcome": _("How it went: what worked, what was changed, what came of it.")}

    def __init__(self, *args: Any, centres: QuerySet[Centre], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["centre"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = centres

    def _post_clean(self) -> None:
        pass


# --- Consultations -----------------------------------------------------------------------


class ConsultationForm(VersionedModelForm):
    class Meta:
        model = Consultation
        fields = list(CONSULTATION_FIELDS)
        widgets = {
            "opens": DateOnlyInput(),
            "closes": DateOnlyInput(),
            "description": forms.Textarea(attrs={"rows": 6}),
        }


class ResponseForm(VersionedModelForm):
    organization = forms.ModelChoiceField(
        label=_("Answer on behalf of"), queryset=Organization.objects.none()
    )

    class Meta:
        model = ConsultationResponse
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 10})}

    def __init__(self, *args: Any, organizations: list[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organization.objects.filter(pk__in=[org.pk for org in organizations]).order_by(
            "name"
        )
        if self.instance.pk or len(organizations) == 1:
            # One organisation, or the answer's own: nothing to choose.
            field.widget = forms.HiddenInput()
            field.required = False
            self.initial["organization"] = (
                self.instance.organization_id if self.instance.pk else organizations[0].pk
            )
        self.order_fields(["organization", "text"])


# --- Self-assessment ----------------------------------------------------------------------


SCORE_CHOICES = [("", _("not assessed yet")), *[(str(n), str(n)) for n in range(MAX_SCORE + 1)]]


class SelfAssessmentForm(VersionedModelForm):
    """A score (0–5) and the evidence for each of the five CAL standards. Saving keeps a
    draft; the submit button also submits it (every score is needed then)."""

    SUBMIT = "submit"

    class Meta:
        model = SelfAssessment
        fields = list(SELF_ASSESSMENT_FIELDS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for standard in CAL_STANDARDS:
            self.fields[standard.score_field] = forms.TypedChoiceField(
                label=_("Score"),
                choices=SCORE_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
                help_text=_("0 (not met) to 5 (fully met)."),
            )
            if not self.is_bound and self.instance.pk:
                value = getattr(self.instance, standard.score_field)
                self.initial[standard.score_field] = "" if value is None else str(value)
            evidence = self.fields[standard.evidence_field]
            evidence.label = _("Evidence")
            evidence.widget = forms.Textarea(attrs={"rows": 4})
            evidence.help_text = _("What shows it: facts, figures, examples from the year.")

    def standard_fields(self) -> list[dict[str, Any]]:
        """Each standard with its two bound fields, for the template's fieldsets."""
        return [
            {
                "standard": standard,
                "score": self[standard.score_field],
                "evidence": self[standard.evidence_field],
            }
            for standard in CAL_STANDARDS
        ]


# --- Animators' training -----------------------------------------------------------------


class TrainingProgrammeForm(VersionedModelForm):
    class Meta:
        model = TrainingProgramme
        fields = list(TRAINING_PROGRAMME_FIELDS)
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "starts_on": DateOnlyInput(),
            "ends_on": DateOnlyInput(),
        }
        help_texts = {"description": _("What participants learn, for whom it is, what to prepare.")}


class TrainingSessionForm(VersionedModelForm):
    class Meta:
        model = TrainingSession
        fields = list(TRAINING_SESSION_FIELDS)
        widgets = {"starts_at": DateTimeLocalInput()}
        help_texts = {"place": _("The address or the room; “online” for a remote session.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.pk and not self.is_bound:
            # A session teaches the programme's topic unless the animator says otherwise.
            self.initial["topic"] = self.initial.get("topic") or self.instance.programme.topic


VOLUNTEER_CHOICE = "volunteer"
STAFF_CHOICE = "staff"


class TrainingEnrolForm(forms.Form):
    """One of the centre's people to enrol in a programme: an active volunteer, or a member
    of the staff of the organisation that operates the centre. The choices are given by the
    page (people already enrolled in the programme are left out)."""

    person = forms.ChoiceField(label=_("Person to enrol"))

    def __init__(
        self,
        *args: Any,
        volunteers: list[Volunteer],
        staff: list[Any],
        enrolled: Collection[tuple[str, int]] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._volunteers = {v.pk: v for v in volunteers if (VOLUNTEER_CHOICE, v.pk) not in enrolled}
        self._staff = {u.pk: u for u in staff if (STAFF_CHOICE, u.pk) not in enrolled}
        groups: list[tuple[str, list[tuple[str, str]]]] = []
        if self._volunteers:
            groups.append(
                (
                    str(_("Volunteers")),
                    [(f"{VOLUNTEER_CHOICE}-{pk}", v.name) for pk, v in self._volunteers.items()],
                )
            )
        if self._staff:
            groups.append(
                (
                    str(_("Staff")),
                    [(f"{STAFF_CHOICE}-{pk}", staff_name(u)) for pk, u in self._staff.items()],
                )
            )
        field = self.fields["person"]
        assert isinstance(field, forms.ChoiceField)
        # No one is chosen until the operator chooses: a forgotten select enrols nobody.
        field.choices = [("", _("— choose a person —")), *groups]

    @property
    def has_people(self) -> bool:
        """Whether anyone may still be enrolled (else the page says so instead of the form)."""
        return bool(self._volunteers or self._staff)

    def clean_person(self) -> dict[str, Any]:
        kind, _sep, pk = self.cleaned_data["person"].partition("-")
        people: dict[int, Any] = self._volunteers if kind == VOLUNTEER_CHOICE else self._staff
        person = people.get(int(pk)) if pk.isdigit() else None
        if person is None:  # pragma: no cover - the ChoiceField already refuses other values
            raise forms.ValidationError(_("Choose one of the people listed."), code="invalid_choice")
        return {kind: person}


def staff_name(user: Any) -> str:
    """A staff member as the enrolment form lists them: the full name, else the username."""
    full_name: str = user.get_full_name().strip()
    return full_name or str(user.get_username())


class TrainingAttendanceForm(forms.Form):
    """Who was at a session: one checkbox per person enrolled, named with their centre."""

    present = forms.TypedMultipleChoiceField(
        label=_("Present at the session"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, enrolments: list[TrainingEnrolment], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["present"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = [
            (enrolment.pk, f"{enrolment.person_name} ({enrolment.centre.name})") for enrolment in enrolments
        ]


# --- Reports: a centre report's narrative and budget, a network report on demand --------------


class CentreReportForm(forms.Form):
    """The narrative of a report (the statutory form's Parts I and III)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    results = forms.CharField(
        label=_("Results achieved"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The results with numbers, and how they were measured (e.g. attendance lists)."),
    )
    actions = forms.CharField(
        label=_("Actions carried out"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    deviations = forms.CharField(
        label=_("Deviations from the plan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What was done differently from the plan, and why."),
    )
    additional_info = forms.CharField(
        label=_("Additional information"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class BudgetLineForm(forms.Form):
    name = forms.CharField(label=_("Cost"), required=False, max_length=200)
    granted = forms.DecimalField(
        label=_("Grant (zł)"), required=False, min_value=Decimal(0), decimal_places=2
    )
    spent = forms.DecimalField(
        label=_("Grant spent (zł)"), required=False, min_value=Decimal(0), decimal_places=2
    )
    own = forms.DecimalField(
        label=_("Own contribution (zł)"), required=False, min_value=Decimal(0), decimal_places=2
    )
    in_kind = forms.DecimalField(
        label=_("In-kind contribution (zł)"),
        required=False,
        min_value=Decimal(0),
        decimal_places=2,
    )


BudgetFormSet = forms.formset_factory(BudgetLineForm, extra=2, max_num=50, validate_max=True)


class NetworkReportRequestForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    @classmethod
    def initial_period(cls) -> dict[str, date]:
        """The last closed month."""
        start = add_months(month_start(timezone.localdate()), -1)
        return {"start": start, "end": add_months(start, 1) - timedelta(days=1)}
