"""Pages of the portal itself: health, the accessibility statement, error pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from rest_framework import exceptions

from cal_portal import health


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    status = health.health_status()
    return JsonResponse(status, status=200 if status["ok"] else 503)


@require_GET
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(request, "cal_portal/accessibility.html")


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    # Under /api/ a URL that matches no route answers as the API does: JSON, as documented.
    if _is_api(request):
        return JsonResponse({"detail": str(exceptions.NotFound.default_detail)}, status=404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": str(exceptions.APIException.default_detail)}, status=500)
    # Rendered without a request context: the database may be what failed.
    return HttpResponse(loader.get_template("500.html").render(), status=500)
