from django.urls import path

from core.api_views import JobCancelView, JobDetailView

from . import api_views
from .models import TextToImageJob
from .serializers import TextToImageJobSerializer

job = {"queryset": TextToImageJob.objects.defer("preview"), "serializer_class": TextToImageJobSerializer}
urlpatterns = [
    path("text2image/jobs/", api_views.JobListView.as_view(), name="text2image-jobs"),
    path("text2image/jobs/<uuid:pk>/", JobDetailView.as_view(**job), name="text2image-job"),
    path("text2image/jobs/<uuid:pk>/preview/", api_views.JobPreviewView.as_view(), name="text2image-job-preview"),
    path("text2image/jobs/<uuid:pk>/cancel/", JobCancelView.as_view(**job), name="text2image-job-cancel"),
]
