"""Russian unless the user chose otherwise.

Django's LocaleMiddleware would follow the browser's Accept-Language, so an English browser in a
Russian office would get an English desk. Here the language is the one the user picked with the
language switch (its cookie), else LANGUAGE_CODE.
"""

from django.conf import settings
from django.utils import translation


class PreferredLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        # override() restores the previous language afterwards, so one user's choice never leaks into
        # the next request served by this thread.
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
