from django.urls import path

from . import views

app_name = "text2image"
urlpatterns = [
    path("", views.create, name="create"),
    path("understand/", views.understand, name="understand"),
    path("jobs/<uuid:pk>/", views.job_page, name="job"),
    path("download/<uuid:pk>/", views.download, name="download"),
]
