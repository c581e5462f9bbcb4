from django.urls import include, path
from rest_framework.routers import DefaultRouter

from centres.api import views

router = DefaultRouter()
router.register("osiedla", views.OsiedleViewSet, basename="osiedle")
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register("centres", views.CentreViewSet, basename="centre")
router.register("operator-terms", views.OperatorTermViewSet, basename="operator-term")
router.register("resources", views.ResourceViewSet, basename="resource")
router.register("activities", views.ActivityViewSet, basename="activity")
router.register("volunteers", views.VolunteerViewSet, basename="volunteer")
router.register("groups", views.GroupViewSet, basename="group")
router.register("projects", views.ProjectViewSet, basename="project")
router.register("project-indicators", views.ProjectIndicatorViewSet, basename="project-indicator")

app_name = "api"

urlpatterns = [
    path("auth/token/", views.TokenApi.as_view(), name="auth-token"),
    path("me/", views.MeApi.as_view(), name="me"),
    path("", include(router.urls)),
]
