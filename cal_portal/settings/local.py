"""Development and demo (`make run`): embedded services unless the environment names others."""

from cal_portal.settings.base import *  # noqa: F403
from cal_portal.settings.base import env

DEBUG = env.bool("DEBUG", default=True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
