from django.urls import path

from network import dashboard
from network.views import (
    centre_reports,
    consultations,
    meetings,
    network_reports,
    practices,
    self_assessment,
    training,
)

app_name = "network"

urlpatterns = [
    # Public: published good practices.
    path("practices/", practices.public_list, name="practice-public-list"),
    path("practices/<int:pk>/", practices.public_detail, name="practice-public-detail"),
    path("practices/<int:pk>/attachment/", practices.public_attachment, name="practice-public-attachment"),
    # The network dashboard and the CSV of each of its figures (network.dashboard).
    path("network/", dashboard.dashboard, name="dashboard"),
    path("network/stats/<slug:figure>.csv", dashboard.stats_csv, name="stats-csv"),
    # The network's reports (network.reports.network).
    path("network/reports/", network_reports.report_list, name="network-report-list"),
    path("network/reports/<int:pk>/", network_reports.report_detail, name="network-report-detail"),
    path("network/reports/<int:pk>/status.json", network_reports.report_status, name="network-report-status"),
    path(
        "network/reports/<int:pk>/report.<str:fmt>",
        network_reports.report_download,
        name="network-report-download",
    ),
    # The network's shared work.
    path("network/meetings/", meetings.meeting_list, name="meeting-list"),
    path("network/meetings/new/", meetings.meeting_create, name="meeting-create"),
    path("network/meetings/<int:pk>/", meetings.meeting_detail, name="meeting-detail"),
    path("network/meetings/<int:pk>/edit/", meetings.meeting_edit, name="meeting-edit"),
    path("network/meetings/<int:pk>/follow-ups/new/", meetings.follow_up_create, name="follow-up-create"),
    path("network/follow-ups/", meetings.follow_up_list, name="follow-up-list"),
    path("network/follow-ups/<int:pk>/", meetings.follow_up_edit, name="follow-up-edit"),
    path("network/practices/", practices.practice_list, name="practice-list"),
    path("network/practices/new/", practices.practice_create, name="practice-create"),
    path("network/practices/<int:pk>/", practices.practice_detail, name="practice-detail"),
    path("network/practices/<int:pk>/edit/", practices.practice_edit, name="practice-edit"),
    path("network/practices/<int:pk>/publish/", practices.practice_publish, name="practice-publish"),
    path("network/practices/<int:pk>/unpublish/", practices.practice_unpublish, name="practice-unpublish"),
    path("network/practices/<int:pk>/attachment/", practices.practice_attachment, name="practice-attachment"),
    path("network/practices/<int:pk>/adoptions/new/", practices.adoption_create, name="adoption-create"),
    path("network/consultations/", consultations.consultation_list, name="consultation-list"),
    path("network/consultations/new/", consultations.consultation_create, name="consultation-create"),
    path("network/consultations/<int:pk>/", consultations.consultation_detail, name="consultation-detail"),
    path("network/consultations/<int:pk>/edit/", consultations.consultation_edit, name="consultation-edit"),
    path(
        "network/consultations/<int:pk>/respond/",
        consultations.consultation_respond,
        name="consultation-respond",
    ),
    path(
        "network/consultations/<int:pk>/document/",
        consultations.consultation_document,
        name="consultation-document",
    ),
    # Animators' training: programmes, sessions, attendance and certificates.
    path("network/trainings/", training.programme_list, name="training-list"),
    path("network/trainings/new/", training.programme_create, name="training-create"),
    path("network/trainings/<int:trainingprogramme_pk>/", training.programme_detail, name="training-detail"),
    path("network/trainings/<int:trainingprogramme_pk>/edit/", training.programme_edit, name="training-edit"),
    path(
        "network/trainings/<int:trainingprogramme_pk>/delete/",
        training.programme_delete,
        name="training-delete",
    ),
    path(
        "network/trainings/<int:trainingprogramme_pk>/sessions/new/",
        training.session_create,
        name="training-session-create",
    ),
    path(
        "network/trainings/<int:trainingprogramme_pk>/sessions/<int:trainingsession_pk>/edit/",
        training.session_edit,
        name="training-session-edit",
    ),
    path(
        "network/trainings/<int:trainingprogramme_pk>/sessions/<int:trainingsession_pk>/delete/",
        training.session_delete,
        name="training-session-delete",
    ),
    path(
        "network/trainings/<int:trainingprogramme_pk>/sessions/<int:trainingsession_pk>/attendance/",
        training.session_attendance,
        name="training-attendance",
    ),
    path(
        "network/trainings/enrolments/<int:trainingenrolment_pk>/certificate.pdf",
        training.certificate,
        name="training-certificate",
    ),
    # Centre reports (sprawozdania): operators write them, city staff review them in the admin.
    path("network/centre-reports/", centre_reports.centre_report_list, name="centre-report-list"),
    path(
        "network/centre-reports/<int:pk>/", centre_reports.centre_report_detail, name="centre-report-detail"
    ),
    path("network/centre-reports/<int:pk>.pdf", centre_reports.centre_report_pdf, name="centre-report-pdf"),
    path(
        "network/centre-reports/<int:pk>.xlsx", centre_reports.centre_report_xlsx, name="centre-report-xlsx"
    ),
    # The operator workspace: a centre's reports and its yearly self-assessment.
    path(
        "workspace/centres/<slug:slug>/reports/",
        centre_reports.workspace_centre_reports,
        name="workspace-centre-reports",
    ),
    path(
        "workspace/centres/<slug:slug>/self-assessment/",
        self_assessment.self_assessment_index,
        name="workspace-self-assessment",
    ),
    path(
        "workspace/centres/<slug:slug>/self-assessment/<int:year>/",
        self_assessment.self_assessment_year,
        name="workspace-self-assessment-year",
    ),
    path(
        "workspace/centres/<slug:slug>/trainings/", training.workspace_trainings, name="workspace-trainings"
    ),
    path(
        "workspace/centres/<slug:slug>/trainings/enrolments/<int:trainingenrolment_pk>/withdraw/",
        training.workspace_training_withdraw,
        name="workspace-training-withdraw",
    ),
]
