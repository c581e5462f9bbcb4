"""The dashboard's list of monthly network reports (the dashboard view knows nothing of
reports: the template asks for them here)."""

from __future__ import annotations

from typing import Any

from django import template

from network.reports import network as network_reports

register = template.Library()


@register.inclusion_tag("network/reports/network_report_dashboard_list.html", takes_context=True)
def monthly_network_reports(context: dict[str, Any], limit: int = 6) -> dict[str, Any]:
    user = context["request"].user
    return {
        "reports": network_reports.network_report_list_monthly(user=user, limit=limit),
        "list_url_visible": network_reports.can_view_reports(user),
    }
