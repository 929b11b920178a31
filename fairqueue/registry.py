from django.apps import apps

from .models import FairQueued


def fair_models():
    return [m for m in apps.get_models() if issubclass(m, FairQueued)]
