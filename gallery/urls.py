from django.urls import path

from . import views

app_name = "gallery"
urlpatterns = [
    path("", views.board, name="board"),
    path("mine/", views.mine, name="mine"),
    path("c/<uuid:pk>/", views.creation, name="creation"),
    path("c/<uuid:pk>/download/", views.download, name="download"),
]
