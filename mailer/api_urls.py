from django.urls import path

from . import api_views

urlpatterns = [
    path("creations/<uuid:pk>/email/", api_views.CreationEmailView.as_view(), name="creation-email"),
    path("deliveries/<uuid:pk>/", api_views.DeliveryView.as_view(), name="delivery"),
]
