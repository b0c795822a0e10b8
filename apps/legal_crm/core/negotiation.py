"""The API's content negotiation (REST_FRAMEWORK["DEFAULT_CONTENT_NEGOTIATION_CLASS"])."""

from __future__ import annotations

from rest_framework import exceptions, negotiation


class ContentNegotiation(negotiation.DefaultContentNegotiation):
    """DRF's, but a format the API does not answer in (`?format=xml`) is a 406 not_acceptable — the API answers
    JSON only — instead of DRF's 404, which told the client the resource did not exist."""

    def select_renderer(self, request, renderers, format_suffix=None):
        # A client that takes anything (`*/*`, or no Accept, which DRF reads as */*) gets DRF's answer — the first
        # renderer in its own media type — without the header being parsed: the partners' and websites' lead posts
        # send it many times a second. (An empty Accept is DRF's 406, as before.)
        if (not format_suffix and request.META.get("HTTP_ACCEPT", "*/*") == "*/*"
                and self.settings.URL_FORMAT_OVERRIDE not in request.query_params):
            return renderers[0], renderers[0].media_type
        return super().select_renderer(request, renderers, format_suffix)

    def filter_renderers(self, renderers, format):
        matching = [renderer for renderer in renderers if renderer.format == format]
        if not matching:
            raise exceptions.NotAcceptable(available_renderers=renderers)
        return matching
