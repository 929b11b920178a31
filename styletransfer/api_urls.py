from django.urls import path

from fairqueue.api_views import NotifyWhenReadyView

from . import api_views
from .models import StyleTransferJob

urlpatterns = [
    path("samples/", api_views.SampleListView.as_view(), name="styletransfer-samples"),
    path("style-transfer/jobs/", api_views.JobListCreateView.as_view(), name="styletransfer-jobs"),
    path("style-transfer/jobs/<uuid:pk>/", api_views.JobDetailView.as_view(), name="styletransfer-job"),
    path("style-transfer/jobs/<uuid:pk>/cancel/", api_views.JobCancelView.as_view(), name="styletransfer-job-cancel"),
    path("style-transfer/jobs/<uuid:pk>/notify/", NotifyWhenReadyView.as_view(model=StyleTransferJob),
         name="styletransfer-job-notify"),
]
