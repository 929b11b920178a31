"""API errors as JSON with a message a person can read (never an HTML 500 page)."""
import logging

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

log = logging.getLogger(__name__)


def exception_handler(exc, context):
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
