from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnershipsConfig(AppConfig):
    name = "partnerships"
    verbose_name = _("Local partnerships")

    def ready(self) -> None:
        # Registries of the centres app (read at render time), not signals.
        from centres.extensions import (
            CentreSection,
            WorkspaceLink,
            register_centre_section,
            register_workspace_link,
        )
        from partnerships.views import centre_section_context

        register_centre_section(
            CentreSection(
                template="partnerships/centre_section.html", context=centre_section_context, order=50
            )
        )
        register_workspace_link(
            WorkspaceLink(label=_("Partnerships"), url_name="partnerships:workspace-partnerships", order=50)
        )
