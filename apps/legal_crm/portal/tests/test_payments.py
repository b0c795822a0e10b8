"""Online payment through the gateway adapter (YooKassa protocol) against a fake gateway on 127.0.0.1: the
Idempotence-Key, the redirect to confirmation, the webhook verified by re-reading the payment, idempotent on
repeated and reordered notifications; forged ones change nothing; the money lands in billing with method «портал»
and in the ledger."""

import datetime
import json
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from legal_crm.billing.models import Invoice, LedgerEntry, Payment, PaymentMethod
from legal_crm.core.errors import DomainError
from legal_crm.portal.models import OnlinePayment
from legal_crm.portal.payments import gateway as adapter
from legal_crm.portal.payments.services import GATEWAY_CALL_WINDOW, payment_start

pytestmark = pytest.mark.django_db


def notify(client, gateway, pid, event="payment.succeeded", ip="127.0.0.1", obj=None):
    body = {"type": "notification", "event": event, "object": obj or gateway.payments[pid]}
    return client.post(reverse("portal:webhook"), data=json.dumps(body), content_type="application/json",
                       REMOTE_ADDR=ip)


def start(signed_in, case):
    response = signed_in.post(reverse("portal:pay", args=[case["invoice"].pk]))
    assert response.status_code == 302
    row = OnlinePayment.objects.get(invoice=case["invoice"])
    assert response.url == row.confirmation_url
    return row


def test_pay_creates_a_gateway_payment_with_an_idempotence_key_and_redirects(signed_in, case, gateway):
    row = start(signed_in, case)
    remote = gateway.payments[row.gateway_id]
    assert gateway.by_key[str(row.idempotence_key)] == row.gateway_id
    assert remote["amount"] == {"value": "15000.00", "currency": "RUB"}
    assert remote["metadata"]["online_payment_id"] == row.pk
    assert gateway.return_urls[row.gateway_id].endswith(reverse("portal:receipt", args=[row.pk]))
    # a second tap: the same payment page, no second gateway payment
    again = signed_in.post(reverse("portal:pay", args=[case["invoice"].pk]))
    assert again.url == row.confirmation_url and gateway.created == 1


def test_verified_webhook_lands_the_payment_in_billing_once(signed_in, client, case, gateway):
    row = start(signed_in, case)
    gateway.succeed(row.gateway_id, notify=False)
    assert notify(client, gateway, row.gateway_id).status_code == 200
    assert notify(client, gateway, row.gateway_id).status_code == 200  # repeated
    payment = Payment.objects.get(invoice=case["invoice"])
    assert payment.method == PaymentMethod.PORTAL and payment.amount == Decimal("15000.00")
    assert payment.external_ref == row.gateway_id and payment.created_by is None
    invoice = Invoice.objects.get(pk=case["invoice"].pk)
    assert invoice.status == Invoice.Status.PAID and invoice.paid_amount == Decimal("15000.00")
    ledger = LedgerEntry.objects.filter(payment=payment)
    assert {(e.account, e.amount) for e in ledger} == {("cash", Decimal("15000.00")),
                                                       ("invoice", Decimal("15000.00"))}
    row.refresh_from_db()
    assert row.status == OnlinePayment.Status.SUCCEEDED and row.payment == payment
    receipt = signed_in.get(reverse("portal:receipt", args=[row.pk])).content.decode()
    assert "Оплата получена" in receipt and row.gateway_id in receipt


def test_reordered_webhooks_follow_the_gateway_not_the_notification(signed_in, client, case, gateway):
    row = start(signed_in, case)
    gateway.succeed(row.gateway_id, notify=False)
    stale = dict(gateway.payments[row.gateway_id], status="canceled", paid=False)
    notify(client, gateway, row.gateway_id, event="payment.canceled", obj=stale)  # late, out of order
    notify(client, gateway, row.gateway_id)
    row.refresh_from_db()
    assert row.status == OnlinePayment.Status.SUCCEEDED
    assert Payment.objects.filter(invoice=case["invoice"]).count() == 1


def test_forged_webhooks_change_nothing(signed_in, client, case, gateway):
    row = start(signed_in, case)
    forged = dict(gateway.payments[row.gateway_id], status="succeeded", paid=True)
    # the body says paid, the gateway says pending
    assert notify(client, gateway, row.gateway_id, obj=forged).status_code == 200
    # from outside the gateway's networks
    gateway.succeed(row.gateway_id, notify=False)
    assert notify(client, gateway, row.gateway_id, ip="203.0.113.5").status_code == 403
    # an id the gateway never issued
    assert notify(client, gateway, "x", obj=dict(forged, id="2f1d-unknown")).status_code == 200
    # malformed
    bad = client.post(reverse("portal:webhook"), data="{", content_type="application/json")
    assert bad.status_code == 400
    assert not Payment.objects.exists()
    row.refresh_from_db()
    assert row.status == OnlinePayment.Status.PENDING


def test_amount_differing_at_the_gateway_is_not_landed(signed_in, client, case, gateway):
    row = start(signed_in, case)
    gateway.succeed(row.gateway_id, notify=False)
    gateway.payments[row.gateway_id]["amount"] = {"value": "1.00", "currency": "RUB"}
    notify(client, gateway, row.gateway_id)
    assert not Payment.objects.exists()


def test_return_from_the_gateway_asks_it_and_shows_the_receipt(signed_in, case, gateway):
    row = start(signed_in, case)
    pending = signed_in.get(reverse("portal:receipt", args=[row.pk])).content.decode()
    assert "Ждём подтверждения оплаты" in pending
    gateway.succeed(row.gateway_id, notify=False)
    paid = signed_in.get(reverse("portal:receipt", args=[row.pk])).content.decode()
    assert "Оплата получена" in paid
    assert Payment.objects.get(invoice=case["invoice"]).method == PaymentMethod.PORTAL


def test_canceled_at_the_gateway_lands_nothing(signed_in, client, case, gateway):
    row = start(signed_in, case)
    gateway.cancel(row.gateway_id, notify=False)
    notify(client, gateway, row.gateway_id, event="payment.canceled")
    row.refresh_from_db()
    assert row.status == OnlinePayment.Status.CANCELED and not Payment.objects.exists()


def test_gateway_failure_is_a_message_not_a_500(signed_in, case, gateway):
    gateway.fail_next = 500
    response = signed_in.post(reverse("portal:pay", args=[case["invoice"].pk]), follow=True)
    assert response.status_code == 200
    assert "Платёжная система сейчас недоступна" in response.content.decode()


def test_paid_invoice_is_not_offered_for_payment(signed_in, case, gateway):
    Invoice.objects.filter(pk=case["invoice"].pk).update(status=Invoice.Status.PAID, paid_amount=Decimal("15000"))
    response = signed_in.post(reverse("portal:pay", args=[case["invoice"].pk]), follow=True)
    assert "не ждёт оплаты" in response.content.decode() and gateway.created == 0


def test_without_gateway_settings_the_money_page_shows_no_online_button(signed_in, case, settings):
    settings.PORTAL_PAYMENT_GATEWAY = None
    page = signed_in.get(reverse("portal:money", args=[case["contract"].pk])).content.decode()
    assert "Оплатить онлайн" not in page and case["invoice"].number in page


def _start_for(case):
    return payment_start(account=case["account"], invoice=case["invoice"],
                         return_url=lambda row: f"http://testserver/portal/receipt/{row.pk}/")


def test_second_tap_while_the_gateway_has_not_answered_waits_and_creates_nothing(case, gateway, monkeypatch):
    real, seen = adapter.client, []

    class SlowGateway:
        """The first request's answer is still on its way when the client taps again."""

        def create_payment(self, **kwargs):
            with pytest.raises(DomainError) as second:
                _start_for(case)
            seen.append(second.value)
            return real().create_payment(**kwargs)

    monkeypatch.setattr(adapter, "client", SlowGateway)
    row = _start_for(case)
    assert seen[0].code == "payment_in_progress" and "Платёж уже создаётся" in seen[0].message
    monkeypatch.setattr(adapter, "client", real)
    assert _start_for(case).pk == row.pk  # once answered: the same payment page
    assert gateway.created == 1 and OnlinePayment.objects.count() == 1
    assert gateway.by_key == {str(row.idempotence_key): row.gateway_id}


def test_second_tap_after_a_lost_answer_asks_again_with_the_same_key(case, gateway, monkeypatch):
    real = adapter.client

    class TimedOut:
        """The gateway made the payment, its answer never arrived (a read timeout)."""

        def create_payment(self, **kwargs):
            real().create_payment(**kwargs)
            raise adapter.GatewayError("unreachable", "read timeout")

    monkeypatch.setattr(adapter, "client", TimedOut)
    with pytest.raises(DomainError) as first:
        _start_for(case)
    assert first.value.code == "gateway_error"
    key = OnlinePayment.objects.get().idempotence_key
    monkeypatch.setattr(adapter, "client", real)
    row = _start_for(case)
    assert row.idempotence_key == key and row.confirmation_url
    assert gateway.created == 1 and OnlinePayment.objects.count() == 1


def test_a_request_that_never_ended_is_retried_after_the_gateways_timeout(case, gateway):
    now = timezone.now()
    stuck = OnlinePayment.objects.create(account=case["account"], invoice=case["invoice"], amount=Decimal("15000"),
                                         idempotence_key="6f1c0c52-54a4-4a43-9a55-3c1e8c2d0b11", gateway_call_at=now)
    with time_machine.travel(now + datetime.timedelta(seconds=1), tick=False):
        with pytest.raises(DomainError):
            _start_for(case)
    assert gateway.created == 0
    with time_machine.travel(now + GATEWAY_CALL_WINDOW + datetime.timedelta(seconds=1), tick=False):
        row = _start_for(case)
    assert row.pk == stuck.pk and gateway.by_key == {str(stuck.idempotence_key): row.gateway_id}
    assert gateway.created == 1 and OnlinePayment.objects.count() == 1


def test_double_tap_on_the_pay_button_shows_one_payment_page(signed_in, case, gateway):
    now = timezone.now()
    OnlinePayment.objects.create(account=case["account"], invoice=case["invoice"], amount=Decimal("15000"),
                                 idempotence_key="0b5c3f2e-8f8e-4d7a-9a55-3c1e8c2d0b12", gateway_call_at=now)
    with time_machine.travel(now, tick=False):
        response = signed_in.post(reverse("portal:pay", args=[case["invoice"].pk]), follow=True)
    assert "Платёж уже создаётся" in response.content.decode()
    assert gateway.created == 0 and OnlinePayment.objects.count() == 1
