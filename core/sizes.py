"""One list of wallpaper sizes for the features that make pictures (style transfer, the offline text-to-image
engine), so a phone is the same phone everywhere: Android's 20:9 (1080×2400), the iPhone's 19.5:9 (1179×2556)
and the classic 16:9 (1080×1920). Pages open on `PHONE` when the screen is phone-sized (by screen size, in the
page's JS). Remote text-to-image models keep the sizes they were trained for (see their providers)."""
from dataclasses import dataclass


def _(message):
    """Marks a size's name for makemessages; it is translated when shown (WallpaperSize.label)."""
    return message


@dataclass(frozen=True)
class WallpaperSize:
    key: str
    width: int
    height: int
    name: str  # English; `label` is the translated name
    phone: bool = False

    @property
    def label(self):
        # Imported here so that the engine, which reads only the numbers, runs without Django (its own CLI).
        from django.utils.translation import gettext_lazy

        return gettext_lazy(self.name)

    @property
    def dimensions(self):
        return f"{self.width}×{self.height}"


WALLPAPER_SIZES = [
    WallpaperSize("desktop-1080p", 1920, 1080, _("Desktop")),
    WallpaperSize("desktop-1440p", 2560, 1440, _("Large desktop")),
    WallpaperSize("phone", 1080, 2400, _("Phone (Android, 20:9)"), phone=True),
    WallpaperSize("iphone", 1179, 2556, _("iPhone (19.5:9)"), phone=True),
    WallpaperSize("phone-16x9", 1080, 1920, _("Phone (16:9)"), phone=True),
    WallpaperSize("tablet", 2048, 1536, _("Tablet (4:3)")),
    WallpaperSize("square", 2048, 2048, _("Square")),
    WallpaperSize("4k", 3840, 2160, _("4K desktop")),
]
PHONE = "phone"


def fitting(max_side, max_pixels):
    """The sizes a feature with these limits can make."""
    return [s for s in WALLPAPER_SIZES if max(s.width, s.height) <= max_side and s.width * s.height <= max_pixels]
