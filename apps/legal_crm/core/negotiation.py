"""The API's content negotiation (REST_FRAMEWORK["DEFAULT_CONTENT_NEGOTIATION_CLASS"])."""

from __future__ import annotations

from rest_framework import exceptions, negotiation


class ContentNegotiation(negotiation.DefaultContentNegotiation):
    """DRF's, but a format the API does not answer in (`?format=xml`) is a 406 not_acceptable — the API answers
    JSON only — instead of DRF's 404, which told the client the resource did not exist."""

    def filter_renderers(self, renderers, format):
        matching = [renderer for renderer in renderers if renderer.format == format]
        if not matching:
            raise exceptions.NotAcceptable(available_renderers=renderers)
        return matching
