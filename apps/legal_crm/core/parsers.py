"""Request body parsers of the API (REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]). A module of its own: DRF imports
the parsers while rest_framework.views itself is being imported, so this module must not import views."""

from __future__ import annotations

from rest_framework import exceptions, parsers


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, but a body nested deeper than Python's recursion limit (`[[[[…]]]]`) is a parse
    error like any other malformed JSON, not a RecursionError and a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError() from None
