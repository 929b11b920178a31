from django.apps import AppConfig

from core import features


class MailerConfig(AppConfig):
    name = "mailer"

    def ready(self):
        # A creation's page offers the owner this form without the gallery naming the mailer.
        features.register(features.Feature(
            app=self.name, panels=[features.Panel("mailer/_creation_panel.html", script="mailer/email-form.js")]))
