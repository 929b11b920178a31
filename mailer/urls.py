from django.urls import path

from . import views

app_name = "mailer"
urlpatterns = [
    path("send/<uuid:pk>/", views.send_page, name="send"),
]
