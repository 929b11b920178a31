"""The queue's words for pages (passed to JavaScript with json_script), in the request's language."""
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def page_strings():
    return {
        "ahead_one": ngettext("%(n)s wallpaper ahead of yours", "%(n)s wallpapers ahead of yours", 1),
        "ahead_other": ngettext("%(n)s wallpaper ahead of yours", "%(n)s wallpapers ahead of yours", 2),
        "next": _("Yours is next"),
        "starts_seconds": _("starts in about %(n)s s"),
        "starts_minutes": _("starts in about %(n)s min"),
        "starts_now": _("starts in a moment"),
        "no_worker": _("waiting for a painter to come online"),
        "ready_seconds": _("ready in about %(n)s s"),
        "ready_minutes": _("ready in about %(n)s min"),
        "left_seconds": _("about %(n)s s left"),
        "left_minutes": _("about %(n)s min left"),
        "title_waiting": _("Waiting · Imogen"),
        "title_ready": _("Ready · Imogen"),
        "title_failed": _("Did not work · Imogen"),
        "title_canceled": _("Canceled · Imogen"),
        "notify_saved": _("We will email %(to)s when it is ready. The address is used for this job only."),
        "notify_sent": _("Sent to %(to)s."),
        "notify_failed": _("The email could not be set up."),
        "notify_on": _("This tab will tell you when it is ready."),
        "notify_blocked": _("Your browser blocks notifications for this site."),
        "notification_title": _("Your wallpaper is ready"),
        "notification_body": _("Open Imogen to see and download it."),
        "notification_failed": _("Your wallpaper could not be made"),
        "confirm_cancel": _("This has been painting for %(n)s min. Cancel it anyway? The work so far is lost."),
    }
