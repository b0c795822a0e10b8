from django.urls import path

from . import callbacks
from .notifications.webhook import telegram_webhook

urlpatterns = [
    path("smsru/<int:channel_id>/<str:token>/", callbacks.smsru_callback, name="messaging-smsru-callback"),
    path("smsc/<int:channel_id>/<str:token>/", callbacks.smsc_callback, name="messaging-smsc-callback"),
    path("greenapi/<int:channel_id>/", callbacks.greenapi_webhook, name="messaging-greenapi-webhook"),
    path("telegram/<int:channel_id>/", telegram_webhook, name="messaging-telegram-webhook"),
]
