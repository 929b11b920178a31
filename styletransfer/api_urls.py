from django.urls import path

from . import api_views

urlpatterns = [
    path("samples/", api_views.SampleListView.as_view(), name="styletransfer-samples"),
    path("style-transfer/jobs/", api_views.JobListCreateView.as_view(), name="styletransfer-jobs"),
    path("style-transfer/jobs/<uuid:pk>/", api_views.JobDetailView.as_view(), name="styletransfer-job"),
    path("style-transfer/jobs/<uuid:pk>/cancel/", api_views.JobCancelView.as_view(), name="styletransfer-job-cancel"),
]
