from django.urls import path

from . import webhooks

urlpatterns = [
    path("mango/<int:pbx_id>/<str:token>/events/<slug:event>", webhooks.mango_events, name="telephony-mango"),
    path("zadarma/<int:pbx_id>/<str:token>/", webhooks.zadarma_events, name="telephony-zadarma"),
]
