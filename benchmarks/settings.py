"""Settings of the server `make bench` starts to measure throughput: the demo settings
(embedded services of the bench profile) with a URLconf that adds a minimal view. Never
used by the portal itself."""

from cal_portal.settings.local import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"
DEBUG = False
