from django.urls import include, path
from rest_framework.routers import SimpleRouter

from partnerships.api import views

# A SimpleRouter: the API root at /api/v1/ is the centres app's.
router = SimpleRouter()
router.register("partnerships", views.PartnershipViewSet, basename="partnership")
router.register("partnership-members", views.PartnershipMemberViewSet, basename="partnership-member")
router.register("partnership-meetings", views.PartnershipMeetingViewSet, basename="partnership-meeting")

app_name = "partnerships-api"

urlpatterns = [
    path(
        "stats/partnership-coverage/",
        views.PartnershipCoverageApi.as_view(),
        name="stats-partnership-coverage",
    ),
    path("", include(router.urls)),
]
