from django.urls import path

from . import api_views

urlpatterns = [
    path("editor/renders/", api_views.RenderView.as_view(), name="editor-renders"),
]
