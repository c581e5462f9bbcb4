from django.urls import path

from centres.views import public, workspace

app_name = "centres"

urlpatterns = [
    path("", public.home, name="home"),
    path("centres/<slug:slug>/", public.centre_detail, name="centre-detail"),
    path("open-data/", public.open_data, name="open-data"),
    path("open-data/centres.csv", public.open_data_centres_csv, name="open-data-centres-csv"),
    path("open-data/centres.geojson", public.open_data_centres_geojson, name="open-data-centres-geojson"),
    path("accounts/welcome/", workspace.after_login, name="after-login"),
    path("workspace/", workspace.workspace, name="workspace"),
    path("workspace/centres/<slug:slug>/", workspace.workspace_centre_edit, name="workspace-centre-edit"),
]
