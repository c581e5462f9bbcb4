from django.urls import path

from centres.views import activities, groups, projects, public, resources, volunteers, workspace

app_name = "centres"

urlpatterns = [
    path("", public.home, name="home"),
    path("centres/<slug:slug>/", public.centre_detail, name="centre-detail"),
    path("centres/<slug:slug>/events/", public.centre_events, name="centre-events"),
    path("centres/<slug:slug>/events/<int:pk>/", public.event_detail, name="event-detail"),
    path("centres/<slug:slug>/events.ics", public.centre_calendar, name="centre-calendar"),
    path("events/", public.events, name="events"),
    path("events.ics", public.calendar, name="calendar"),
    path("open-data/", public.open_data, name="open-data"),
    path("open-data/centres.csv", public.open_data_centres_csv, name="open-data-centres-csv"),
    path("open-data/centres.geojson", public.open_data_centres_geojson, name="open-data-centres-geojson"),
    path("accounts/welcome/", workspace.after_login, name="after-login"),
    path("workspace/", workspace.workspace, name="workspace"),
    path("workspace/centres/<slug:slug>/", workspace.workspace_centre_edit, name="workspace-centre-edit"),
    path("workspace/centres/<slug:slug>/activities/", activities.activity_list, name="workspace-activities"),
    path(
        "workspace/centres/<slug:slug>/activities/new/",
        activities.activity_create,
        name="workspace-activity-create",
    ),
    path(
        "workspace/centres/<slug:slug>/activities/<int:pk>/",
        activities.activity_edit,
        name="workspace-activity-edit",
    ),
    path(
        "workspace/centres/<slug:slug>/activities/<int:pk>/delete/",
        activities.activity_delete,
        name="workspace-activity-delete",
    ),
    # Resources, volunteers and groups of a centre (the workspace).
    path("workspace/centres/<slug:slug>/resources/", resources.resource_list, name="workspace-resources"),
    path(
        "workspace/centres/<slug:slug>/resources/new/",
        resources.resource_create,
        name="workspace-resource-create",
    ),
    path(
        "workspace/centres/<slug:slug>/resources/<int:pk>/",
        resources.resource_edit,
        name="workspace-resource-edit",
    ),
    path(
        "workspace/centres/<slug:slug>/resources/<int:pk>/delete/",
        resources.resource_delete,
        name="workspace-resource-delete",
    ),
    path("workspace/centres/<slug:slug>/volunteers/", volunteers.volunteer_list, name="workspace-volunteers"),
    path(
        "workspace/centres/<slug:slug>/volunteers/new/",
        volunteers.volunteer_create,
        name="workspace-volunteer-create",
    ),
    path(
        "workspace/centres/<slug:slug>/volunteers/<int:pk>/",
        volunteers.volunteer_edit,
        name="workspace-volunteer-edit",
    ),
    path(
        "workspace/centres/<slug:slug>/volunteers/<int:pk>/export.json",
        volunteers.volunteer_export_json,
        name="workspace-volunteer-export-json",
    ),
    path(
        "workspace/centres/<slug:slug>/volunteers/<int:pk>/export.csv",
        volunteers.volunteer_export_csv,
        name="workspace-volunteer-export-csv",
    ),
    path(
        "workspace/centres/<slug:slug>/volunteers/<int:pk>/erase/",
        volunteers.volunteer_erase,
        name="workspace-volunteer-erase",
    ),
    path("workspace/centres/<slug:slug>/groups/", groups.group_list, name="workspace-groups"),
    path("workspace/centres/<slug:slug>/groups/new/", groups.group_create, name="workspace-group-create"),
    path("workspace/centres/<slug:slug>/groups/<int:pk>/", groups.group_edit, name="workspace-group-edit"),
    path(
        "workspace/centres/<slug:slug>/groups/<int:pk>/delete/",
        groups.group_delete,
        name="workspace-group-delete",
    ),
    # Projects of a centre and their result indicators (the workspace).
    path("workspace/centres/<slug:slug>/projects/", projects.project_list, name="workspace-projects"),
    path(
        "workspace/centres/<slug:slug>/projects/new/",
        projects.project_create,
        name="workspace-project-create",
    ),
    path(
        "workspace/centres/<slug:slug>/projects/<int:pk>/",
        projects.project_detail,
        name="workspace-project-detail",
    ),
    path(
        "workspace/centres/<slug:slug>/projects/<int:pk>/edit/",
        projects.project_edit,
        name="workspace-project-edit",
    ),
    path(
        "workspace/centres/<slug:slug>/projects/<int:pk>/delete/",
        projects.project_delete,
        name="workspace-project-delete",
    ),
    path(
        "workspace/centres/<slug:slug>/projects/<int:project_pk>/indicators/new/",
        projects.indicator_create,
        name="workspace-project-indicator-create",
    ),
    path(
        "workspace/centres/<slug:slug>/projects/<int:project_pk>/indicators/<int:pk>/",
        projects.indicator_edit,
        name="workspace-project-indicator-edit",
    ),
    path(
        "workspace/centres/<slug:slug>/projects/<int:project_pk>/indicators/<int:pk>/delete/",
        projects.indicator_delete,
        name="workspace-project-indicator-delete",
    ),
]
