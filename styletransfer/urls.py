from django.urls import path
from django.views.generic import TemplateView

app_name = "styletransfer"
urlpatterns = [
    path("", TemplateView.as_view(template_name="styletransfer/create.html"), name="create"),
]
