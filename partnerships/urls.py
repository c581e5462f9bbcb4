from django.urls import path

from partnerships import views

app_name = "partnerships"

_BASE = "workspace/centres/<slug:slug>/partnerships/"

urlpatterns = [
    path(_BASE, views.partnership_list, name="workspace-partnerships"),
    path(f"{_BASE}new/", views.partnership_create, name="workspace-partnership-create"),
    path(f"{_BASE}<int:pk>/", views.partnership_detail, name="workspace-partnership-detail"),
    path(f"{_BASE}<int:pk>/edit/", views.partnership_edit, name="workspace-partnership-edit"),
    path(f"{_BASE}<int:pk>/agreement/", views.partnership_agreement, name="workspace-partnership-agreement"),
    path(f"{_BASE}<int:pk>/phase/", views.partnership_phase, name="workspace-partnership-phase"),
    path(f"{_BASE}<int:pk>/members/new/", views.member_add, name="workspace-member-add"),
    path(
        f"{_BASE}<int:partnership_pk>/members/<int:pk>/leave/",
        views.member_leave,
        name="workspace-member-leave",
    ),
    path(f"{_BASE}<int:pk>/meetings/new/", views.meeting_create, name="workspace-meeting-create"),
    path(
        f"{_BASE}<int:partnership_pk>/meetings/<int:pk>/",
        views.meeting_edit,
        name="workspace-meeting-edit",
    ),
    path(f"{_BASE}<int:pk>/priorities/new/", views.priority_create, name="workspace-priority-create"),
    path(
        f"{_BASE}<int:partnership_pk>/priorities/<int:pk>/",
        views.priority_edit,
        name="workspace-priority-edit",
    ),
]
