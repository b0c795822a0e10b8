"""Money in the portal: invoices, the schedule, paid and due; online payment and its receipt; the gateway's
webhook."""

from __future__ import annotations

import json
import logging

from django.contrib import messages
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from legal_crm.core.errors import DomainError

from . import selectors
from .models import OnlinePayment
from .payments import gateway
from .payments.services import payment_start, payment_sync
from .session import client_ip, client_required

logger = logging.getLogger(__name__)


@client_required
def money(request, contract_id):
    account = request.portal_account
    contract = selectors.contract_of(account, contract_id)
    return render(request, "portal/money.html", {"account": account, "contract": contract,
                                                 "online": gateway.enabled(), **selectors.money_page(contract)})


@client_required
def pay(request, invoice_id):
    account = request.portal_account
    invoice = selectors.invoice_of(account, invoice_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        row = payment_start(account=account, invoice=invoice, return_url=lambda row: request.build_absolute_uri(
            reverse("portal:receipt", args=[row.pk])))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("portal:money", contract_id=invoice.contract_id)
    return redirect(row.confirmation_url)


@client_required
def receipt(request, payment_id):
    row = selectors.online_payment_of(request.portal_account, payment_id)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    if row.status == OnlinePayment.Status.PENDING and row.gateway_id:
        row = payment_sync(gateway_id=row.gateway_id) or row  # back from the gateway: ask it, do not wait
    return render(request, "portal/receipt.html", {"account": request.portal_account, "row": row,
                                                   "contract": row.invoice.contract})


@csrf_exempt
@require_POST
def webhook(request):
    """The gateway's notification. Its source is checked, then the payment is re-read from the gateway's API;
    nothing in the body is believed. Always 200 for a well-formed notification, so the gateway stops repeating."""
    if not gateway.webhook_source_allowed(client_ip(request)):
        logger.warning("portal webhook from %s refused", client_ip(request))
        return HttpResponse(status=403)
    try:
        body = json.loads(request.body or b"{}")
        payment_id = str(body["object"]["id"])
    except (ValueError, KeyError, TypeError):
        return HttpResponse(status=400)
    payment_sync(gateway_id=payment_id)
    return HttpResponse(status=200)
