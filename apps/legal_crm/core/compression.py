"""Compressed desk pages: a lead list of 50 rows is about 330 KB of HTML (the desk's utility classes repeat in
every cell) and about 20 KB gzip-compressed.

Compression next to a secret on a page that also reflects what the visitor sent is what BREACH exploits, so it is
scoped: only GET requests for desk pages (`/admin/`), never a POST's answer (form errors echo input), never the
API-token pages (`/admin/authtoken/` shows keys). What remains carries one secret, the CSRF token, which Django
masks anew for every response, so it cannot be learnt byte by byte across requests; Django's GZipMiddleware also
pads each response with a random number of bytes ("Heal the Breach"), which hides the length differences the
attack reads."""

from django.middleware.gzip import GZipMiddleware

DESK_PREFIX = "/admin/"
NEVER_COMPRESSED = ("/admin/authtoken/",)


class DeskGZipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        path = request.path
        if request.method != "GET" or not path.startswith(DESK_PREFIX) or path.startswith(NEVER_COMPRESSED):
            return response
        return super().process_response(request, response)
