from django.conf import settings

from core.mail import mail_goes_to_folder


def site(request):
    return {"SITE_URL": settings.SITE_URL}


def mail(request):
    """MAIL_TO_FOLDER: pages (accounts' and the mailer's) say that mail is written to files instead of sent."""
    return {"MAIL_TO_FOLDER": mail_goes_to_folder()}
