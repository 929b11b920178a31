"""No mail server configured: each mail is written as a file under IMOGEN_MAIL_FOLDER (var/mail by default),
so nothing is lost and a developer can open it. The UI says mail goes to a folder."""
from django.conf import settings
from django.core.mail import get_connection

from .base import DjangoBackendProvider


class FolderProvider(DjangoBackendProvider):
    transport = "folder"

    def connection(self):
        return get_connection("django.core.mail.backends.filebased.EmailBackend", fail_silently=False,
                              file_path=settings.IMOGEN_MAIL_FOLDER)
