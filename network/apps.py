from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "network"
    verbose_name = _("SCAL network")

    def ready(self) -> None:
        # A registry of the centres app (read at render time), not a signal.
        from centres.access import can_view_dashboard
        from centres.extensions import NavLink, WorkspaceLink, register_nav_link, register_workspace_link
        from network import permissions, urls

        register_workspace_link(
            WorkspaceLink(label=_("Reports"), url_name="network:workspace-centre-reports", order=70)
        )
        register_workspace_link(
            WorkspaceLink(label=_("Self-assessment"), url_name="network:workspace-self-assessment", order=80)
        )
        register_workspace_link(
            WorkspaceLink(label=_("Training"), url_name="network:workspace-trainings", order=90)
        )
        names = {str(pattern.name) for pattern in urls.urlpatterns if getattr(pattern, "name", None)}
        public = frozenset(name for name in names if name.startswith("practice-public"))
        # The network's own pages (the workspace's self-assessment belongs to "My workspace").
        network_pages = frozenset(names - public - {n for n in names if n.startswith("workspace")})
        register_nav_link(
            NavLink(
                label=_("Good practices"), url_name="network:practice-public-list", public=True, names=public
            )
        )
        register_nav_link(
            NavLink(
                label=_("Network"),
                url_name="network:dashboard",
                visible=can_view_dashboard,
                names=network_pages,
                landing=True,
            )
        )
        # Operators without the dashboard still take part: meetings, practices, consultations.
        register_nav_link(
            NavLink(
                label=_("Network"),
                url_name="network:meeting-list",
                visible=lambda user: (
                    not can_view_dashboard(user) and permissions.is_network_participant(user)
                ),
                names=network_pages,
            )
        )
