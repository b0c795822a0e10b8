"""Demo planning and books: the usual articles, each demo office's plan for this month (approved) and the next
(a draft), and this month's rent and advertising with their documents. Done through the services as the demo's
office head and finance officer (logins «office_head», «finance»); rows are found by their natural keys (article
name, office and month, the entry's description), so re-running it adds nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from legal_crm.core.seeding import find_or_create
from legal_crm.org.models import Office

from .models import AccountingEntry, Article, BudgetPlan
from .models.articles import CLIENT_PAYMENTS
from .services import accounting, planning

ARTICLES = [("Прочие доходы", Article.Kind.INCOME), ("Аренда офиса", Article.Kind.EXPENSE),
            ("Реклама", Article.Kind.EXPENSE), ("Связь и интернет", Article.Kind.EXPENSE),
            ("Канцелярия и почта", Article.Kind.EXPENSE), ("Госпошлины за счёт компании", Article.Kind.EXPENSE)]
# office code → (plan of client payments, rent, advertising)
FIGURES = {"msk": ("900000", "120000", "60000"), "ekb": ("450000", "70000", "30000"),
           "nsk": ("350000", "55000", "25000")}
DEMO_PDF = b"%PDF-1.4\n% demo act\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _user(username: str):
    return get_user_model().objects.filter(username=username).first()


@transaction.atomic
def seed() -> dict:
    made = {"articles": 0, "plans": 0, "entries": 0}
    articles = {}
    for name, kind in ARTICLES:
        articles[name], created = find_or_create(Article, {"name": name}, {"kind": kind})
        made["articles"] += created
    head, finance = _user("office_head"), _user("finance")
    if finance is None:
        return made  # the org seeder did not run: no one to plan or keep the books
    payments = Article.objects.get(code=CLIENT_PAYMENTS)
    this_month = timezone.localdate().replace(day=1)
    next_month = (this_month + datetime.timedelta(days=32)).replace(day=1)
    for office in Office.objects.filter(code__in=FIGURES).order_by("id"):
        income, rent, ads = FIGURES[office.code]
        author = head if head is not None and office.code == "msk" else finance  # the demo head runs Moscow
        for month, approve in ((this_month, True), (next_month, False)):
            if BudgetPlan.objects.filter(office=office, month=month).exists():
                continue
            plan = planning.plan_create(actor=author, office=office, month=month)
            planning.plan_lines_save(actor=author, plan=plan, amounts={
                payments.pk: income, articles["Аренда офиса"].pk: rent, articles["Реклама"].pk: ads})
            if approve:
                planning.plan_submit(actor=finance, plan=plan)
                planning.plan_approve(actor=finance, plan=plan)
            made["plans"] += 1
        for article, amount, text in ((articles["Аренда офиса"], rent, "Демо: аренда офиса за месяц"),
                                      (articles["Реклама"], str(Decimal(ads) * Decimal("1.1")),
                                       "Демо: реклама в поиске")):
            if AccountingEntry.objects.filter(office=office, description=text, occurred_on__gte=this_month).exists():
                continue
            accounting.entry_add(actor=finance, office=office, article=article, occurred_on=this_month,
                                 amount=amount, description=text, document=ContentFile(DEMO_PDF, name="act.pdf"))
            made["entries"] += 1
    return made
