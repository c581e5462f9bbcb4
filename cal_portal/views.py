"""Pages of the portal itself: health, the accessibility statement, error pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cal_portal import health


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    status = health.health_status()
    return JsonResponse(status, status=200 if status["ok"] else 503)


@require_GET
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(request, "cal_portal/accessibility.html")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without a request context: the database may be what failed.
    return HttpResponse(loader.get_template("500.html").render(), status=500)
