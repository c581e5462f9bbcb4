from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiagnosisConfig(AppConfig):
    name = "diagnosis"
    verbose_name = _("Community diagnosis")

    def ready(self) -> None:
        # Registries of the centres app (read at render time), not signals.
        from centres.extensions import (
            ActivitySection,
            CentreSection,
            NavLink,
            WorkspaceLink,
            register_activity_section,
            register_centre_section,
            register_nav_link,
            register_workspace_link,
        )
        from diagnosis.views.sections import activity_section_context, centre_section_context

        register_centre_section(
            CentreSection(template="diagnosis/centre_section.html", context=centre_section_context, order=60)
        )
        register_workspace_link(
            WorkspaceLink(label=_("Diagnosis"), url_name="diagnosis:workspace-diagnoses", order=40)
        )
        register_nav_link(
            NavLink(
                label=_("Needs map"),
                url_name="diagnosis:needs-map",
                public=True,
                names=frozenset({"needs-map"}),
                order=50,
            )
        )
        register_activity_section(
            ActivitySection(
                template="diagnosis/activity_section.html", context=activity_section_context, order=40
            )
        )
