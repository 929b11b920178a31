from django.urls import path

from . import tiles, views

app_name = "styletransfer"
urlpatterns = [
    path("", views.create, name="create"),
    path("jobs/", views.jobs, name="jobs"),
    path("jobs/<uuid:pk>/", views.job, name="job"),
    path("jobs/<uuid:pk>/preview.jpg", views.preview, name="preview"),
    path("jobs/<uuid:pk>/download/", views.download, name="download"),
    path("jobs/<uuid:pk>/input/<str:side>.jpg", tiles.input_thumbnail_view, name="input-thumbnail"),
    path("c/<uuid:pk>/input/<str:side>.jpg", views.creation_input, name="creation-input"),
    path("samples/<str:sample_id>.jpg", views.sample_image, name="sample-image"),
    path("samples/<str:sample_id>/thumbnail.jpg", views.sample_image, {"thumbnail": True}, name="sample-thumbnail"),
]
