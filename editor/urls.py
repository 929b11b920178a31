from django.urls import path
from django.views.generic import TemplateView

app_name = "editor"
urlpatterns = [
    path("", TemplateView.as_view(template_name="editor/index.html"), name="index"),
]
