from django.urls import path

from . import api

urlpatterns = [
    path("accounts/me/", api.MeView.as_view(), name="api-accounts-me"),
    path("accounts/login/", api.LoginView.as_view(), name="api-accounts-login"),
    path("accounts/logout/", api.LogoutView.as_view(), name="api-accounts-logout"),
]
