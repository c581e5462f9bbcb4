"""Language selection: Polish unless the visitor chose English with the switch."""

from __future__ import annotations

from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware


class PortalLocaleMiddleware(LocaleMiddleware):
    """Pages follow the language switch (its cookie), else Polish — not the browser's
    Accept-Language, so a resident with an English-language browser still gets the
    city's Polish service first. API clients ask with Accept-Language as usual."""

    def process_request(self, request: HttpRequest) -> None:
        if not request.path.startswith("/api/"):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        super().process_request(request)
