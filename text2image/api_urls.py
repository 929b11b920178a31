from django.urls import path

from . import api_views

urlpatterns = [
    path("text2image/jobs/", api_views.JobListView.as_view(), name="text2image-jobs"),
    path("text2image/jobs/<uuid:pk>/", api_views.JobDetailView.as_view(), name="text2image-job"),
    path("text2image/jobs/<uuid:pk>/preview/", api_views.JobPreviewView.as_view(), name="text2image-job-preview"),
    path("text2image/jobs/<uuid:pk>/cancel/", api_views.JobCancelView.as_view(), name="text2image-job-cancel"),
]
