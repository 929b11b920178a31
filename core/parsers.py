"""JSON from clients, with a nesting limit: request bodies (the API's parser) and JSON strings inside form fields.

Python's decoder recurses once per level, so a 2 KB body nested 1000 deep raised RecursionError (a 500) — and DRF
parses the body inside the CSRF check, so anyone could. No request of this API needs more than a few levels."""
import json

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

JSON_MAX_DEPTH = 32


class TooDeep(ValueError):
    pass


def too_deep_message():
    return _("The JSON is nested too deeply: at most %(limit)d levels are accepted.") % {"limit": JSON_MAX_DEPTH}


def check_depth(value, limit=JSON_MAX_DEPTH):
    """Raise TooDeep when `value` nests lists or objects more than `limit` deep (walked without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        if depth > limit:
            raise TooDeep(too_deep_message())
        stack.extend((child, depth + 1) for child in children)
    return value


def loads(text):
    """json.loads that raises TooDeep (a ValueError, with words) instead of RecursionError or deep values."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise TooDeep(too_deep_message()) from None
    return check_depth(value)


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with the nesting limit: too deep is a 400 with words (DEFAULT_PARSER_CLASSES)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return check_depth(super().parse(stream, media_type, parser_context))
        except RecursionError:
            raise ParseError(too_deep_message()) from None
        except TooDeep as exc:
            raise ParseError(str(exc)) from None
