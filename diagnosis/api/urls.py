from django.urls import include, path
from rest_framework.routers import SimpleRouter

from diagnosis.api import views

# A SimpleRouter: the API root at /api/v1/ is the centres app's.
router = SimpleRouter()
router.register("diagnoses", views.DiagnosisViewSet, basename="diagnosis")
router.register("diagnosis-methods", views.MethodUseViewSet, basename="diagnosis-method")
router.register("findings", views.FindingViewSet, basename="finding")
router.register("finding-responses", views.FindingResponseViewSet, basename="finding-response")
router.register("resident-submissions", views.ResidentSubmissionViewSet, basename="resident-submission")

app_name = "diagnosis-api"

urlpatterns = [
    path("", include(router.urls)),
]
