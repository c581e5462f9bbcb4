from django.urls import path

from diagnosis.views import public, workspace

app_name = "diagnosis"

_CENTRE = "workspace/centres/<slug:slug>/"
_DIAGNOSIS = f"{_CENTRE}diagnoses/<int:pk>/"
_FINDING = f"{_CENTRE}findings/<int:pk>/"

urlpatterns = [
    # The operator workspace.
    path(f"{_CENTRE}diagnoses/", workspace.diagnosis_list, name="workspace-diagnoses"),
    path(f"{_CENTRE}diagnoses/new/", workspace.diagnosis_create, name="workspace-diagnosis-create"),
    path(_DIAGNOSIS, workspace.diagnosis_detail, name="workspace-diagnosis-detail"),
    path(f"{_DIAGNOSIS}edit/", workspace.diagnosis_edit, name="workspace-diagnosis-edit"),
    path(f"{_DIAGNOSIS}delete/", workspace.diagnosis_delete, name="workspace-diagnosis-delete"),
    path(f"{_DIAGNOSIS}action/", workspace.diagnosis_action, name="workspace-diagnosis-action"),
    path(f"{_DIAGNOSIS}methods/", workspace.method_add, name="workspace-method-add"),
    path(
        f"{_DIAGNOSIS}methods/<int:methoduse_pk>/delete/",
        workspace.method_delete,
        name="workspace-method-delete",
    ),
    path(f"{_DIAGNOSIS}findings/new/", workspace.finding_create, name="workspace-finding-create"),
    path(f"{_DIAGNOSIS}submissions/", workspace.submission_list, name="workspace-submissions"),
    path(
        f"{_DIAGNOSIS}submissions/<int:residentsubmission_pk>/accept/",
        workspace.submission_accept,
        name="workspace-submission-accept",
    ),
    path(
        f"{_DIAGNOSIS}submissions/<int:residentsubmission_pk>/reject/",
        workspace.submission_reject,
        name="workspace-submission-reject",
    ),
    path(_FINDING, workspace.finding_edit, name="workspace-finding-edit"),
    path(f"{_FINDING}delete/", workspace.finding_delete, name="workspace-finding-delete"),
    path(f"{_FINDING}status/", workspace.finding_status, name="workspace-finding-status"),
    path(f"{_FINDING}responses/", workspace.finding_link, name="workspace-finding-link"),
    path(
        f"{_FINDING}responses/<int:activity_pk>/delete/",
        workspace.finding_unlink,
        name="workspace-finding-unlink",
    ),
    path(f"{_CENTRE}needs-map/", workspace.centre_map, name="workspace-map"),
    path(
        f"{_CENTRE}activities/<int:pk>/findings/",
        workspace.activity_findings,
        name="workspace-activity-findings",
    ),
    # Public pages.
    path("needs-map/", public.needs_map, name="needs-map"),
    path("centres/<slug:slug>/diagnoses/<int:pk>/", public.diagnosis_public, name="diagnosis-public"),
    path("centres/<slug:slug>/diagnoses/<int:pk>/share/", public.submission_create, name="submission-create"),
    path(
        "centres/<slug:slug>/diagnoses/<int:pk>/share/thanks/",
        public.submission_thanks,
        name="submission-thanks",
    ),
]
