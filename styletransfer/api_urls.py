from django.urls import path

from core.api_views import JobCancelView, JobDetailView
from fairqueue.api_views import NotifyWhenReadyView

from . import api_views
from .models import StyleTransferJob
from .serializers import JobSerializer

job = {"queryset": StyleTransferJob.objects.select_related("result"), "serializer_class": JobSerializer}
urlpatterns = [
    path("samples/", api_views.SampleListView.as_view(), name="styletransfer-samples"),
    path("style-transfer/jobs/", api_views.JobListCreateView.as_view(), name="styletransfer-jobs"),
    path("style-transfer/preview/", api_views.PreviewView.as_view(), name="styletransfer-preview"),
    path("style-transfer/jobs/<uuid:pk>/", JobDetailView.as_view(**job), name="styletransfer-job"),
    path("style-transfer/jobs/<uuid:pk>/cancel/", JobCancelView.as_view(**job), name="styletransfer-job-cancel"),
    path("style-transfer/jobs/<uuid:pk>/notify/", NotifyWhenReadyView.as_view(model=StyleTransferJob),
         name="styletransfer-job-notify"),
]
