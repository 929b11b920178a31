from django.urls import path, re_path

from . import api_views, views

# imogen/urls.py adds the home page ("core:home"): it shows every feature, so the project composes it.
app_name = "core"
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("api/csrf/", api_views.CsrfTokenView.as_view(), name="csrf"),
    path("api/uploads/inspect/", api_views.UploadInspectView.as_view(), name="upload-inspect"),
    re_path(r"^media/(?P<path>.+)$", views.media, name="media"),
]
