"""{% notification_bell %}: the bell in the desk header (templates/unfold/helpers/userlinks.html). Its count is the
person's counter row (notifications/counter.py): one query by primary key per desk page."""

from django import template
from django.conf import settings

from ..notifications.counter import unread_count

register = template.Library()


@register.inclusion_tag("messaging/notification_bell.html", takes_context=True)
def notification_bell(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_staff:
        return {"show": False}
    return {"show": True, "unread": unread_count(user), "csrf_token": context.get("csrf_token"),
            # seconds between the bell's polls (a browser test shortens it instead of waiting half a minute)
            "period": getattr(settings, "NOTIFICATION_BELL_POLL_SECONDS", 30)}
