from django.urls import include, path
from rest_framework.routers import SimpleRouter

from network.api import views
from network.api.stats import STATS_VIEWS

# A SimpleRouter: the API root at /api/v1/ is the centres app's.
router = SimpleRouter()
router.register("network-memberships", views.NetworkMembershipViewSet, basename="network-membership")
router.register("network-meetings", views.NetworkMeetingViewSet, basename="network-meeting")
router.register("follow-ups", views.FollowUpViewSet, basename="follow-up")
router.register("good-practices", views.GoodPracticeViewSet, basename="good-practice")
router.register("consultations", views.ConsultationViewSet, basename="consultation")
router.register("consultation-responses", views.ConsultationResponseViewSet, basename="consultation-response")
router.register("certifications", views.CertificationViewSet, basename="certification")
router.register("self-assessments", views.SelfAssessmentViewSet, basename="self-assessment")
router.register("centre-reports", views.CentreReportViewSet, basename="centre-report")
router.register("network-reports", views.NetworkReportViewSet, basename="network-report")
router.register("trainings", views.TrainingProgrammeViewSet, basename="training")
router.register("training-enrolments", views.TrainingEnrolmentViewSet, basename="training-enrolment")

app_name = "network-api"

urlpatterns = [
    # The dashboard's figures (network.api.stats); stats/partnership-coverage/ is the partnerships app's.
    *(
        path(f"stats/{figure}/", view.as_view(), name=f"stats-{figure}")
        for figure, view in STATS_VIEWS.items()
    ),
    path("", include(router.urls)),
]
