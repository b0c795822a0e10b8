from django.urls import path

from . import callbacks

urlpatterns = [
    path("smsru/<int:channel_id>/<str:token>/", callbacks.smsru_callback, name="messaging-smsru-callback"),
]
