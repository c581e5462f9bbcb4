"""The filters of the network's figures (period and area), read from query parameters by
the dashboard, its CSV downloads and the stats API alike. Input validation only: what the
filter means is network.stats's."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centres.models import Centre, District, Osiedle
from network.stats import DEFAULT_MONTHS, StatsFilter, add_months, month_start

# A longer period makes the chart by month unreadable and says little a shorter one does not.
MAX_PERIOD_MONTHS = 120
EARLIEST = date(2000, 1, 1)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class StatsFilterForm(forms.Form):
    """All fields optional: without dates, the last twelve months up to today."""

    start = forms.DateField(
        label=_("from"), required=False, widget=DateInput(), help_text=_("The first day of the period.")
    )
    end = forms.DateField(
        label=_("until"), required=False, widget=DateInput(), help_text=_("The last day of the period.")
    )
    district = forms.ChoiceField(
        label=_("district"), required=False, choices=[("", _("all districts")), *District.choices]
    )
    osiedle = forms.ModelChoiceField(
        label=_("osiedle"),
        required=False,
        queryset=Osiedle.objects.order_by("name").only("pk", "name", "slug"),
        to_field_name="slug",
        empty_label=_("all osiedla"),
    )
    centre = forms.ModelChoiceField(
        label=_("centre"),
        required=False,
        queryset=Centre.objects.order_by("name").only("pk", "name", "slug"),
        to_field_name="slug",
        empty_label=_("all centres"),
    )

    @classmethod
    def for_query(cls, params: Any) -> StatsFilterForm:
        """A form bound to the query parameters it knows of, or unbound (showing the default
        period) when there are none."""
        known = set(cls.base_fields)
        if any(key in known for key in params):
            return cls(params)
        default = StatsFilter.default()
        return cls(initial={"start": default.start, "end": default.end})

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start: date | None = cleaned.get("start")
        end: date | None = cleaned.get("end")
        if self.errors:
            return cleaned
        end = end or timezone.localdate()
        start = start or month_start(add_months(end, -(DEFAULT_MONTHS - 1)))
        if start < EARLIEST:
            self.add_error(
                "start", _("The period cannot start before %(date)s.") % {"date": EARLIEST.isoformat()}
            )
        elif end < start:
            self.add_error("end", _("The end of the period cannot be before its start."))
        elif add_months(start, MAX_PERIOD_MONTHS) <= end:
            self.add_error(
                "end", _("The period can be at most %(months)s months long.") % {"months": MAX_PERIOD_MONTHS}
            )
        cleaned["start"], cleaned["end"] = start, end
        return cleaned

    def to_filter(self) -> StatsFilter:
        """The filter of a valid bound form, or the default one of an unbound form."""
        if not self.is_bound:
            return StatsFilter.default()
        data = self.cleaned_data
        osiedle: Osiedle | None = data.get("osiedle")
        centre: Centre | None = data.get("centre")
        return StatsFilter(
            start=data["start"],
            end=data["end"],
            district=data.get("district") or "",
            osiedle=osiedle.slug if osiedle else "",
            centre=centre.slug if centre else "",
        )
