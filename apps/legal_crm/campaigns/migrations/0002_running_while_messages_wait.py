"""Campaigns marked finished while their messages still waited in the outbox (a provider down): the dispatcher
finished a campaign as soon as every recipient was handed to the outbox. They are running again — the dispatcher
finishes them once the last message is sent or has failed for good, as it does since."""

from django.db import migrations

SUBJECT_TYPE = "campaigns.campaign"


def reopen(apps, schema_editor):
    Campaign = apps.get_model("campaigns", "Campaign")
    Message = apps.get_model("messaging", "Message")
    waiting = set(Message.objects.filter(subject_type=SUBJECT_TYPE, status__in=("queued", "sending"))
                  .values_list("subject_id", flat=True).distinct())
    ids = [pk for pk in Campaign.objects.filter(status="finished").values_list("id", flat=True) if str(pk) in waiting]
    if ids:
        Campaign.objects.filter(pk__in=ids, status="finished").update(status="running", finished_at=None)


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0001_campaigns_and_recipients"),
        ("messaging", "0009_message_claim"),
    ]

    operations = [migrations.RunPython(reopen, migrations.RunPython.noop)]
