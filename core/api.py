"""API errors as JSON with a message a person can read (never an HTML 500 page)."""
import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

log = logging.getLogger(__name__)


def too_many_parts_message(exc):
    """Words for a request Django refuses to parse (over DATA_UPLOAD_MAX_NUMBER_FIELDS / _FILES / _MEMORY_SIZE)."""
    if isinstance(exc, TooManyFilesSent):
        return _("The request has too many files; at most %(limit)d are accepted.") % {
            "limit": settings.DATA_UPLOAD_MAX_NUMBER_FILES}
    if isinstance(exc, TooManyFieldsSent):
        return _("The request has too many form fields; at most %(limit)d are accepted.") % {
            "limit": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS}
    if isinstance(exc, RequestDataTooBig):
        return _("The request is too large.")
    return None


def exception_handler(exc, context):
    # Raised while the body is parsed (often by the CSRF check, so before it): a 400 with words, never a 500.
    message = too_many_parts_message(exc)
    if message:
        return Response({"detail": message}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
                        if isinstance(exc, RequestDataTooBig) else status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=exc.messages)
    response = drf_exception_handler(exc, context)
    if response is not None:
        return response
    log.exception("Unhandled API error", exc_info=exc)
    return Response(
        {"detail": _("Something went wrong on our side. Please try again in a moment.")},
        status=status.HTTP_500_INTERNAL_SERVER_ERROR,
    )
