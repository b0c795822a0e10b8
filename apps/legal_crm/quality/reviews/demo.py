"""Demo reviews: the rule that asks for a review after a completed contract, and reviews on the first demo
contracts — promoters, a neutral, a critic whose case is open, a closed case, one recorded from a call without a
score. Idempotent: nothing is added once reviews exist."""

from __future__ import annotations

from legal_crm.contracts.models import Contract
from legal_crm.core.errors import DomainError
from legal_crm.core.models import User

from ..models_reviews import Review, ReviewRequestRule
from . import request_services, services

RULE_TEXT = "{first_name}, спасибо, что выбрали нас! Оцените, пожалуйста, нашу работу: {review_link}"
PORTAL = [(10, "Юрист всё объяснял простым языком, спасибо!"), (9, ""), (8, "В целом хорошо, но долго ждали ответа."),
          (4, "Юрист не перезванивает, о заседании узнала сама из картотеки.")]
CLOSED_CASE = (3, "Не прислали копию заявления, хотя обещали.",
               "Юрист забыл опубликовать копию в личном кабинете.",
               "Копия опубликована, юристу сделано замечание, клиенту перезвонил руководитель.")


def seed() -> str:
    admin = User.objects.filter(username="admin").first()
    if admin is None:
        return "отзывов: 0"
    if not ReviewRequestRule.objects.exists():
        request_services.review_rule_save(actor=admin, event=ReviewRequestRule.Event.CONTRACT_COMPLETED,
                                          text=RULE_TEXT, valid_days=14)
    contracts = list(Contract.objects.exclude(status=Contract.Status.DRAFT).order_by("id")[:len(PORTAL) + 2])
    if not contracts or Review.objects.exists():
        return f"отзывов: {Review.objects.count()}"
    try:
        for contract, (score, comment) in zip(contracts, PORTAL, strict=False):
            services.review_from_portal(contract=contract, score=score, comment=comment)
        if len(contracts) > len(PORTAL):
            score, comment, analysis, outcome = CLOSED_CASE
            review = services.review_from_portal(contract=contracts[len(PORTAL)], score=score, comment=comment)
            services.review_analyse(actor=admin, review=review, analysis=analysis, outcome=outcome, close=True)
        services.review_record(actor=admin, contract=contracts[-1], kind=Review.Kind.NO_SCORE,
                               comment="Клиент сказал, что оценит, когда дело закончится.")
    except DomainError:
        pass  # a demo contract the services refuse (another seeding's data) leaves the rest as they are
    return f"отзывов: {Review.objects.count()}"
