from django.conf import settings


def site(request):
    return {"SITE_URL": settings.SITE_URL, "MAIL_TO_FOLDER": not settings.EMAIL_HOST}
