"""The portal's ratings (1–5) move to quality's reviews (0–10) and portal.Rating goes.

A rating of n becomes a review scored 2n (5 → 10 promoter, 4 → 8 neutral, 3 and below → critic, with an open
case), from the portal, about the contract's office, service, client and first lawyer, dated as it was left."""

from django.db import migrations

CATEGORY = {10: "promoter", 8: "neutral"}


def ratings_to_reviews(apps, schema_editor):
    Rating = apps.get_model("portal", "Rating")
    Review = apps.get_model("quality", "Review")
    Lawyers = apps.get_model("contracts", "Contract").lawyers.through
    for rating in Rating.objects.select_related("contract").order_by("pk").iterator():
        contract = rating.contract
        lawyer = (Lawyers.objects.filter(contract_id=contract.pk).order_by("user_id")
                  .values_list("user_id", flat=True).first())
        score = rating.score * 2
        category = CATEGORY.get(score, "critic")
        review = Review.objects.create(
            kind="score", score=score, category=category, comment=rating.text, source="portal",
            client_id=contract.client_id, lead_id=contract.lead_id, contract_id=contract.pk,
            office_id=contract.office_id, service_id=contract.service_id,
            responsible_id=lawyer or contract.sales_manager_id,
            case_status="open" if category == "critic" else "")
        Review.objects.filter(pk=review.pk).update(created_at=rating.created_at, updated_at=rating.updated_at)


class Migration(migrations.Migration):

    dependencies = [
        ("portal", "0001_portal_accounts_codes_payments"),
        ("quality", "0002_reviews"),
    ]

    operations = [
        migrations.RunPython(ratings_to_reviews, migrations.RunPython.noop),
        migrations.DeleteModel(name="Rating"),
    ]
