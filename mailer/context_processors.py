from core.mail import mail_goes_to_folder


def mail(request):
    """MAIL_TO_FOLDER: pages say that mail is written to files instead of sent (core.mail decides)."""
    return {"MAIL_TO_FOLDER": mail_goes_to_folder()}
