"""The portal's URLs plus a minimal Django view, the baseline of the throughput benchmark:
a request that goes through the same server and middleware but does no work of its own.
Mounted only by benchmarks.settings, never by the product's URLconf."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from benchmarks.throughput import MINIMAL_PATH
from cal_portal.urls import handler404, handler500
from cal_portal.urls import urlpatterns as portal_urlpatterns

__all__ = ["handler404", "handler500", "urlpatterns"]


def minimal(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path(MINIMAL_PATH.strip("/") + "/", minimal, name="bench-minimal"), *portal_urlpatterns]
