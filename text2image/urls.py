from django.urls import path
from django.views.generic import TemplateView

app_name = "text2image"
urlpatterns = [
    path("", TemplateView.as_view(template_name="text2image/create.html"), name="create"),
]
