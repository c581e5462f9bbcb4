"""A per-address limit on residents' submissions, counted in the Django cache (Redis in
production, shared by every web process), so a flood is answered with 429.

No address is stored: the cache key holds a keyed hash of it (HMAC with the SECRET_KEY),
and the counter expires with its time window. If the cache cannot be reached, the form
stays open (CSRF and the honeypot still guard it) rather than failing with a 500.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

logger = logging.getLogger(__name__)

# At most this many submissions from one address per window (a family or a library
# computer may send a few; a script may not send many).
SUBMISSION_LIMIT = 5
SUBMISSION_WINDOW_SECONDS = 10 * 60


def client_address(request: HttpRequest) -> str:
    """The client's address. Behind a reverse proxy, name the header that carries it in
    the setting ``CAL_CLIENT_IP_HEADER`` (e.g. ``HTTP_X_REAL_IP``)."""
    header = getattr(settings, "CAL_CLIENT_IP_HEADER", "")
    value = request.META.get(header, "") if header else ""
    return str(value or request.META.get("REMOTE_ADDR", "")).split(",")[0].strip()


def address_hash(address: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"cal-diagnosis:{address}".encode(), hashlib.sha256
    ).hexdigest()[:40]


def allow(
    request: HttpRequest,
    *,
    scope: str,
    limit: int = SUBMISSION_LIMIT,
    window: int = SUBMISSION_WINDOW_SECONDS,
    now: float | None = None,
) -> bool:
    """Count one attempt from the request's address; False once it is over ``limit`` in the
    current ``window`` (seconds)."""
    bucket = int((time.time() if now is None else now) // window)
    key = f"diagnosis:ratelimit:{scope}:{address_hash(client_address(request))}:{bucket}"
    try:
        cache.add(key, 0, timeout=window + 60)
        count = cache.incr(key)
    except Exception:  # the cache is down: do not turn a resident's idea into a 500
        logger.warning("rate limit not counted: the cache is unavailable", exc_info=True)
        return True
    return int(count) <= limit
