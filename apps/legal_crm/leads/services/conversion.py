"""Lead → client: find or create the counterparty (deduplicated by phone and ИНН), and merge duplicates.

The contract is not made here: the desk action of the contracts module does it, linking the lead to its client
card (`lead_convert_to_client`) when the draft is made. The lead's status becomes «Клиент» only when that
contract is signed: `contracts.contract_signed` → leads.handlers_contracts → `lead_mark_converted`, which emits
`leads.lead_converted`. `leads.clients_merged` lets later modules move their own records (contracts, invoices)
to the survivor.
"""

from __future__ import annotations

from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.core.audit import audit
from legal_crm.core.errors import DomainError
from legal_crm.core.events import emit
from legal_crm.core.guard import ensure
from legal_crm.core.validators import is_valid_inn
from legal_crm.directory import perms as directory_perms
from legal_crm.directory.models import Counterparty
from legal_crm.directory.services import counterparty_phone_parts_sync
from legal_crm.leads import perms
from legal_crm.org.selectors import office_ids_visible_to

from .. import refcache
from ..models import ClientMerge, Lead
from .common import ensure_lead_in_scope, is_system
from .statuses import record_status_change


def find_client(*, phone: str = "", inn: str = "") -> Counterparty | None:
    """An existing client with this ИНН, or else with this phone."""
    if inn:
        found = Counterparty.objects.filter(inn=inn).order_by("pk").first()
        if found:
            return found
    if phone:
        return Counterparty.objects.filter(phone=phone, kind=Counterparty.Kind.PERSON).order_by("pk").first()
    return None


@transaction.atomic
def lead_convert_to_client(*, actor, lead: Lead, inn: str = "", name: str = ""
                           ) -> tuple[Lead, Counterparty, bool]:
    """Link the lead to its client, creating the counterparty when none matches. Returns (lead, client, created).
    The lead keeps its status: it becomes «Клиент» when a contract is signed (`lead_mark_converted`)."""
    ensure(actor, perms.CHANGE_LEAD)
    ensure(actor, directory_perms.ADD_COUNTERPARTY)
    lead = Lead.objects.select_for_update().select_related("status").get(pk=lead.pk)
    ensure_lead_in_scope(actor, lead)
    inn = (inn or "").strip()
    if inn and (len(inn) != 12 or not is_valid_inn(inn)):
        raise DomainError("invalid_inn", _("ИНН физического лица — 12 цифр с верной контрольной суммой."),
                          fields={"inn": _("Проверьте ИНН.")})
    if lead.is_spam:
        raise DomainError("lead_is_spam", _("Лид помечен как спам: сначала восстановите его."))
    client = find_client(phone=lead.phone, inn=inn)
    created = client is None
    if created:
        client_name = (name or lead.name or "").strip() or _("Клиент %(p)s") % {"p": lead.phone}
        client = Counterparty.objects.create(kind=Counterparty.Kind.PERSON, role=Counterparty.Role.CLIENT,
                                             name=client_name[:300], phone=lead.phone, inn=inn)
        counterparty_phone_parts_sync(client, created=True)
        audit(actor=actor, action="leads.client_created", obj=client, after={"lead": lead.pk})
    elif inn and not client.inn:
        client.inn = inn
        client.save(update_fields=["inn", "updated_at"])
    lead.client = client
    lead.save(update_fields=["client", "updated_at"])
    audit(actor=actor, action="leads.client_linked", obj=lead, after={"client": client.pk, "created": created})
    return lead, client, created


@transaction.atomic
def lead_mark_converted(*, lead_id: int, client_id: int | None = None, actor=None) -> Lead | None:
    """The lead's contract was signed: the lead takes the converted status («Клиент»), whatever status it was in
    (a signed contract outweighs a refusal or a spam mark), and its client card when it had none.

    Runs from the `contracts.contract_signed` hook, so it checks no permission of its own: the signature was
    the checked act; `actor` (the signer) is recorded in the status log and the audit. Idempotent: a lead
    already converted is left as it is, so a handler run twice logs one conversion."""
    lead = Lead.objects.select_for_update().select_related("status").filter(pk=lead_id).first()
    converted = refcache.converted_status()
    if lead is None or converted is None or lead.status.is_converted:
        return lead
    old = lead.status
    lead.status, lead.status_changed_at, lead.refusal_reason, lead.is_spam = converted, timezone.now(), None, False
    if lead.client_id is None and client_id is not None:
        lead.client_id = client_id
    lead.save(update_fields=["status", "status_changed_at", "refusal_reason", "is_spam", "client", "updated_at"])
    record_status_change(lead=lead, old=old, new=converted, actor=actor)
    audit(actor=actor, action="leads.convert", obj=lead, before={"status": old.code},
          after={"status": converted.code, "client": lead.client_id})
    return lead


@transaction.atomic
def clients_merge(*, actor, survivor: Counterparty, duplicate: Counterparty, comment: str = "") -> ClientMerge:
    """Merge `duplicate` into `survivor`: leads move over, empty fields are filled, history is kept.

    Order matters: the duplicate's phone and ИНН are released before the survivor takes them."""
    ensure(actor, perms.MERGE_CLIENTS)
    if not is_system(actor) and office_ids_visible_to(actor) is not None:
        # A client card is shared by every office: its leads and contracts may be anywhere.
        raise DomainError("access_denied", _("Объединять карточки клиентов может сотрудник с доступом ко всем "
                                             "офисам: у клиента могут быть лиды и договоры других офисов."))
    if survivor.pk == duplicate.pk:
        raise DomainError("same_client", _("Нельзя объединить запись саму с собой."))
    if survivor.inn and duplicate.inn and survivor.inn != duplicate.inn:
        raise DomainError("inn_conflict", _("У записей разные ИНН: это разные люди."), fields={"inn": _("ИНН различаются.")})
    survivor = Counterparty.objects.select_for_update().get(pk=survivor.pk)
    duplicate = Counterparty.objects.select_for_update().get(pk=duplicate.pk)
    snapshot = {k: (str(v) if v is not None and not isinstance(v, (int, bool, str, list)) else v)
                for k, v in model_to_dict(duplicate, exclude=["tags"]).items()}
    filled = []
    for field in ("phone", "email", "address", "inn", "snils", "birth_date", "passport_series", "passport_number",
                  "passport_issued_by", "passport_issued_on", "passport_department_code"):
        if not getattr(survivor, field) and getattr(duplicate, field):
            setattr(survivor, field, getattr(duplicate, field))
            filled.append(field)
    lead_ids = list(Lead.objects.filter(client=duplicate).values_list("pk", flat=True))
    Lead.objects.filter(pk__in=lead_ids).update(client=survivor)
    survivor.tags.add(*duplicate.tags.all())
    duplicate_pk = duplicate.pk
    # The duplicate stays (other modules' records may still point at it until their handlers run), but
    # without the phone and ИНН, so deduplication never picks it again; its data is kept in the snapshot.
    duplicate.phone = ""
    duplicate.inn = ""
    duplicate.note = (duplicate.note + "\n" if duplicate.note else "") + _(
        "Объединён с записью №%(pk)s «%(name)s».") % {"pk": survivor.pk, "name": survivor.name}
    duplicate.save(update_fields=["phone", "inn", "note", "updated_at"])
    counterparty_phone_parts_sync(duplicate)
    merge = ClientMerge.objects.create(actor=actor, survivor=survivor, merged_id=duplicate_pk,
                                       merged_snapshot=snapshot, moved_lead_ids=lead_ids)
    if filled:
        survivor.save()
        if "phone" in filled:
            counterparty_phone_parts_sync(survivor)
    audit(actor=actor, action="leads.clients_merge", obj=survivor, before={"merged": snapshot},
          after={"moved_leads": lead_ids, "filled": filled, "comment": comment})
    # Later modules move their records in their handlers, in this same transaction's commit.
    emit("leads.clients_merged", survivor_id=survivor.pk, merged_id=duplicate_pk, merge_id=merge.pk)
    return merge
