from django.urls import path, re_path

from . import api_views, views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("api/csrf/", views.csrf, name="csrf"),
    path("api/uploads/inspect/", api_views.UploadInspectView.as_view(), name="upload-inspect"),
    re_path(r"^media/(?P<path>.+)$", views.media, name="media"),
]
