from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalPortalConfig(AppConfig):
    name = "cal_portal"
    verbose_name = _("CAL Portal")
