"""Shared media on an S3-compatible store (AWS S3, MinIO, R2, ...), served through Imogen's own /media/ route.

Pages link images by their storage URL. Bucket URLs would be on another origin: the content security policy
(img-src 'self') would block them, a link's `download` name is ignored across origins, and the editor's canvas
would be tainted. So the URL stays on the site and core.views.media streams the object from the bucket.
"""
from urllib.parse import quote

from django.conf import settings
from storages.backends.s3 import S3Storage


class SiteServedS3Storage(S3Storage):
    def url(self, name, parameters=None, expire=None, http_method=None):
        return settings.MEDIA_URL + quote(name.replace("\\", "/"))
