from django.urls import path

from centres import views

app_name = "centres"

urlpatterns = [
    path("", views.home, name="home"),
    path("centres/<slug:slug>/", views.centre_detail, name="centre-detail"),
    path("open-data/", views.open_data, name="open-data"),
    path("open-data/centres.csv", views.open_data_centres_csv, name="open-data-centres-csv"),
    path("open-data/centres.geojson", views.open_data_centres_geojson, name="open-data-centres-geojson"),
    path("accounts/welcome/", views.after_login, name="after-login"),
    path("workspace/", views.workspace, name="workspace"),
    path("workspace/centres/<slug:slug>/", views.workspace_centre_edit, name="workspace-centre-edit"),
]
