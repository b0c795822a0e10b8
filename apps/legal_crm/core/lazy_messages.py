"""Django's MessageMiddleware, opening the messages' storage only for a request that reads or adds a message.

Django builds the storage (a cookie storage with its signer and a session storage) on every request, the API's
lead posts included, and updates it on the way out. A storage nobody touched has nothing to update — Django's own
update() stores only what was read or added — so the lazy one skips both and behaves the same otherwise.
"""

from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage import default_storage
from django.utils.functional import SimpleLazyObject, empty


class LazyMessageMiddleware(MessageMiddleware):
    def process_request(self, request):
        request._messages = SimpleLazyObject(lambda: default_storage(request))

    def process_response(self, request, response):
        messages = getattr(request, "_messages", None)
        if isinstance(messages, SimpleLazyObject) and messages._wrapped is empty:
            return response
        return super().process_response(request, response)
