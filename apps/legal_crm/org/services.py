"""Writes of the organisation: employees (hire, profile, name and e-mail, status, dismissal), the offboarding
checklist and the staffing plan."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.core import access
from legal_crm.core.access import ensure_administrator
from legal_crm.core.audit import audit
from legal_crm.core.dates import EMPLOYMENT, date_or_domain_error
from legal_crm.core.errors import DomainError
from legal_crm.core.events import emit
from legal_crm.core.guard import allowed, ensure
from legal_crm.core.text import clean_text
from legal_crm.core.validation import validated
from legal_crm.core.validators import validate_email_address
from legal_crm.org import perms

from .models import (
    HEADCOUNT_ERROR,
    HEADCOUNT_MAX,
    HEADCOUNT_MIN,
    Employee,
    OffboardingChecklist,
    OffboardingItem,
    OffboardingTemplateItem,
    StaffingPlan,
)
from .selectors import employee_list_visible_to

STATUS_PERMISSION = perms.CHANGE_EMPLOYEE
ADD_PERMISSION = perms.ADD_EMPLOYEE


def _ensure_may_change_employees(actor, employee: Employee) -> None:
    if not actor.has_perm(STATUS_PERMISSION):
        raise DomainError("access_denied", _("Недостаточно прав, чтобы менять статус сотрудника."))
    if not employee_list_visible_to(actor).filter(pk=employee.pk).exists():
        raise DomainError("access_denied", _("Сотрудник работает в офисе, к которому у вас нет доступа."))
    if _is_administrator_account(employee.user) and not access.is_administrator(actor):
        # HR manages the staff, not the administrators: it could otherwise lock them out of the system (blocked or
        # not: HR must not re-activate an administrator an administrator blocked).
        raise DomainError("access_denied", _("Статус администратора меняет только администратор."))


def _is_administrator_account(user) -> bool:
    """An administrator's account, blocked or not (is_administrator asks about an active actor)."""
    return user.is_superuser or user.groups.filter(name=access.ADMINISTRATORS_GROUP).exists()


@transaction.atomic
def employee_set_status(*, actor, employee: Employee, status: str) -> Employee:
    """Active / on leave / blocked. A blocked employee cannot log in and their sessions end."""
    _ensure_may_change_employees(actor, employee)
    if status not in Employee.Status.values:
        raise DomainError("invalid_status", _("Неизвестный статус сотрудника."))
    if status == Employee.Status.DISMISSED:
        raise DomainError("invalid_status", _("Увольнение оформляется действием «Уволить» с датой увольнения."))
    employee = Employee.objects.select_for_update().select_related("user").get(pk=employee.pk)
    if employee.user_id == actor.pk and status == Employee.Status.BLOCKED:
        raise DomainError("self_block", _("Нельзя заблокировать самого себя."))
    before = employee.status
    if before == status:
        return employee
    employee.status = status
    fields = ["status", "updated_at"]
    if before == Employee.Status.DISMISSED:
        employee.dismissed_on = None  # taken back on: the daily job must not dismiss them again
        fields.append("dismissed_on")
    employee.save(update_fields=fields)
    user = employee.user
    user.is_active = status != Employee.Status.BLOCKED
    user.save(update_fields=["is_active"])
    audit(actor=actor, action="employee.status", obj=employee, before=before, after=status)
    emit("org.employee_status_changed", user_id=user.pk, employee_id=employee.pk, status=status)
    if status == Employee.Status.BLOCKED:
        emit("org.employee_blocked", user_id=user.pk)
    return employee


DISMISSAL_DAYS_BACK = 31  # a dismissal entered late: at most a month after the last working day
DISMISSAL_DAYS_AHEAD = 92  # a notice period (two weeks by law, longer by agreement): at most three months ahead


def dismissal_date_error(dismissal_date: datetime.date | None, today: datetime.date | None = None) -> str | None:
    """The Russian reason a dismissal date is refused, or None. Shared by the service and the desk form."""
    today = today or timezone.localdate()
    if dismissal_date is None:
        return _("Укажите дату увольнения.")
    earliest = today - datetime.timedelta(days=DISMISSAL_DAYS_BACK)
    latest = today + datetime.timedelta(days=DISMISSAL_DAYS_AHEAD)
    if not earliest <= dismissal_date <= latest:
        return _("Дата увольнения должна быть между %(earliest)s и %(latest)s.") % {
            "earliest": earliest.strftime("%d.%m.%Y"), "latest": latest.strftime("%d.%m.%Y")}
    return None


@transaction.atomic
def employee_dismiss(*, actor, employee: Employee, dismissal_date: datetime.date) -> OffboardingChecklist:
    """Record the dismissal date and open the offboarding checklist from the position's template (SPEC 6.3.5).

    A dismissal dated today or earlier takes effect at once (status «Уволен», account blocked); a later one
    takes effect on its day through the daily job `org.jobs.apply_due_dismissals`."""
    _ensure_may_change_employees(actor, employee)
    date_or_domain_error(dismissal_date, EMPLOYMENT, "dismissal_date")
    error = dismissal_date_error(dismissal_date)
    if error:
        raise DomainError("invalid_dismissal_date", error, fields={"dismissal_date": error})
    employee = Employee.objects.select_for_update().select_related("user").get(pk=employee.pk)
    if employee.user_id == actor.pk:
        raise DomainError("self_block", _("Нельзя уволить самого себя."))
    if employee.status == Employee.Status.DISMISSED:
        raise DomainError("already_dismissed", _("Сотрудник уже уволен."))
    if employee.offboardings.filter(completed_at__isnull=True).exists():
        raise DomainError("offboarding_open", _("Обходной лист уже открыт."))
    template = OffboardingTemplateItem.objects.filter(Q(position__isnull=True) | Q(position=employee.position_id))
    if not template.exists():
        raise DomainError("offboarding_template_empty",
                          _("Для этой должности нет пунктов обходного листа: добавьте их в шаблон."))
    checklist = OffboardingChecklist.objects.create(employee=employee, dismissal_date=dismissal_date, opened_by=actor)
    OffboardingItem.objects.bulk_create(
        OffboardingItem(checklist=checklist, text=t.text, responsible_group_id=t.responsible_group_id)
        for t in template
    )
    employee.dismissed_on = dismissal_date
    employee.save(update_fields=["dismissed_on", "updated_at"])
    audit(actor=actor, action="employee.dismiss", obj=employee, after={"date": dismissal_date.isoformat()})
    if dismissal_date <= timezone.localdate():
        _apply_dismissal(actor=actor, employee=employee)
    return checklist


def _apply_dismissal(*, actor, employee: Employee) -> None:
    """The dismissal date has come: status «Уволен», the account blocked, sessions and tokens ended."""
    before = employee.status
    employee.status = Employee.Status.DISMISSED
    employee.save(update_fields=["status", "updated_at"])
    employee.user.is_active = False
    employee.user.save(update_fields=["is_active"])
    audit(actor=actor, action="employee.status", obj=employee, before=before, after=Employee.Status.DISMISSED)
    emit("org.employee_status_changed", user_id=employee.user_id, employee_id=employee.pk,
         status=Employee.Status.DISMISSED)
    emit("org.employee_blocked", user_id=employee.user_id)


@transaction.atomic
def dismissals_apply_due(*, today: datetime.date | None = None) -> int:
    """Dismiss the employees whose dismissal date has come (the daily job). Idempotent."""
    today = today or timezone.localdate()
    due = (Employee.objects.select_for_update().select_related("user")
           .filter(dismissed_on__lte=today).exclude(status=Employee.Status.DISMISSED))
    done = 0
    for employee in due:
        _apply_dismissal(actor=None, employee=employee)
        done += 1
    return done


def may_sign(user, item: OffboardingItem) -> bool:
    return user.is_superuser or user.groups.filter(pk=item.responsible_group_id).exists()


@transaction.atomic
def offboarding_item_sign(*, actor, item: OffboardingItem, comment: str = "") -> OffboardingItem:
    """Sign one item; when the last one is signed, the checklist closes and the account is blocked."""
    item = OffboardingItem.objects.select_for_update().select_related("checklist__employee").get(pk=item.pk)
    if not may_sign(actor, item):
        raise DomainError("access_denied", _("Этот пункт подписывает другая группа: «%(group)s».")
                          % {"group": item.responsible_group.name})
    if item.signed_at:
        raise DomainError("already_signed", _("Пункт уже подписан."))
    item.signed_by, item.signed_at, item.comment = actor, timezone.now(), comment
    item.save(update_fields=["signed_by", "signed_at", "comment"])
    checklist = item.checklist
    if not checklist.items.filter(signed_at__isnull=True).exists():
        checklist.completed_at = timezone.now()
        checklist.save(update_fields=["completed_at", "updated_at"])
        employee = Employee.objects.select_for_update().select_related("user").get(pk=checklist.employee_id)
        # The account closes on the dismissal date (at once if it has come, else the daily job), not earlier:
        # an employee who has handed everything in may still work out their notice.
        if employee.status != Employee.Status.DISMISSED and checklist.dismissal_date <= timezone.localdate():
            _apply_dismissal(actor=actor, employee=employee)
        emit("org.offboarding_completed", checklist_id=checklist.pk)
    return item


EMPLOYEE_ACCOUNT_FIELDS = ("last_name", "first_name", "middle_name", "email")


def employee_account_check(*, user=None, last_name: str, first_name: str, middle_name: str = "",
                           email: str = "") -> dict[str, str]:
    """The account's names and e-mail cleaned (core.text), or the DomainError naming the field: the last and first
    names are required, each fits its field, the e-mail is an address and no other account's (case aside; checked
    when it is new to `user`, so an old duplicate does not stop a change of the name). Shared by the hire, the
    change of an employee and the desk's forms."""
    from legal_crm.core.models import User

    data = {"last_name": clean_text(last_name or ""), "first_name": clean_text(first_name or ""),
            "middle_name": clean_text(middle_name or ""), "email": clean_text(email or "")}
    for name, message in (("last_name", _("Укажите фамилию.")), ("first_name", _("Укажите имя."))):
        if not data[name]:
            raise DomainError("name_required", message, fields={name: message})
    for name, value in data.items():
        limit = User._meta.get_field(name).max_length
        if len(value) > limit:
            message = _("Не больше %(limit)s символов.") % {"limit": limit}
            raise DomainError("invalid", _("Проверьте выделенные поля."), fields={name: message})
    email = data["email"]
    if email:
        try:
            validate_email_address(email)
        except ValidationError as exc:
            raise DomainError("invalid_email", exc.messages[0], fields={"email": exc.messages[0]}) from None
        is_new = user is None or (user.email or "").casefold() != email.casefold()
        others = User.objects.filter(email__iexact=email).exclude(pk=getattr(user, "pk", None))
        if is_new and others.exists():
            raise DomainError("email_taken", _("E-mail %(email)s уже указан у другой учётной записи.") % {
                "email": email}, fields={"email": _("Этот e-mail уже указан у другой учётной записи.")})
    return data


def employee_editable_by(actor, employee: Employee) -> bool:
    """May `actor` change the employee's record — profile, offices, name and e-mail (employee_update's and
    employee_offices_set's rule, for the desk to open the page editable or read-only): the change right, an employee
    of the actor's offices, and an administrator's record only by an administrator (notifications go to that e-mail;
    the offices are what rows they see)."""
    try:
        _ensure_may_edit_employee(actor, employee)
    except DomainError:
        return False
    return True


def _ensure_may_edit_employee(actor, employee: Employee) -> None:
    """employee_editable_by's rule as refusals that say which part is missing."""
    if not allowed(actor, STATUS_PERMISSION):
        raise DomainError("access_denied", _("Недостаточно прав, чтобы менять данные сотрудника."))
    if not employee_list_visible_to(actor).filter(pk=employee.pk).exists():
        raise DomainError("access_denied", _("Сотрудник работает в офисе, к которому у вас нет доступа."))
    if _is_administrator_account(employee.user) and not access.is_administrator(actor):
        # HR's post with the names only cleared an administrator's position, offices and hiring date.
        raise DomainError("access_denied", _("Данные администратора меняет только администратор."))


def employee_username_check(username: str) -> str:
    """A new account's login cleaned (core.text), or the DomainError naming the field: Django's login characters
    (letters, digits and @.+-_) and no other account's, case aside (`SALES` beside `sales` is the same login to a
    person, and MariaDB's collation compares them equal). The hire form calls it too, so a taken login is shown on
    its field instead of failing the save."""
    from django.core.exceptions import ValidationError

    from legal_crm.core.models import User

    username = clean_text(username)
    try:
        User.username_validator(username)
    except ValidationError:
        raise DomainError("invalid_username", _("Логин может состоять только из букв, цифр и знаков @ . + - _."),
                          fields={"username": _("Только буквы, цифры и знаки @ . + - _.")}) from None
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError("username_taken", _("Логин «%(u)s» уже занят.") % {"u": username},
                          fields={"username": _("Логин уже занят.")})
    return username


def _ensure_main_office(actor, main_office) -> None:
    """An employee's main office, on hire and when changed: required (one without it is in no office-scoped list nor in the staffing
    plan's count) and one the actor works with."""
    from .selectors import office_ids_visible_to

    if main_office is None:
        message = _("Укажите основной офис.")
        raise DomainError("main_office_required", message, fields={"main_office": message})
    visible = office_ids_visible_to(actor)
    if visible is not None and main_office.pk not in visible:
        raise DomainError("access_denied", _("У вас нет доступа к этому офису."),
                          fields={"main_office": _("Нет доступа.")})


@transaction.atomic
def employee_create(*, actor, username: str, password: str | None, first_name: str, last_name: str,
                    middle_name: str = "", position=None, offices=(), main_office=None, groups=(), email: str = "",
                    phone: str = "", extension: str = "", hired_on: datetime.date | None = None) -> Employee:
    """A staff account with its employee profile. Groups are access, so only administrators set them."""
    from legal_crm.core.access import user_groups_apply, user_groups_set
    from legal_crm.core.models import User

    if not actor.has_perm(ADD_PERMISSION):
        raise DomainError("access_denied", _("Недостаточно прав, чтобы добавлять сотрудников."))
    if groups:
        ensure_administrator(actor)
    account = employee_account_check(last_name=last_name, first_name=first_name, middle_name=middle_name,
                                     email=email)
    first_name, last_name, middle_name, email = (account["first_name"], account["last_name"],
                                                 account["middle_name"], account["email"])
    username = employee_username_check(username)
    _ensure_main_office(actor, main_office)
    date_or_domain_error(hired_on, EMPLOYMENT, "hired_on")
    user = User(username=username, first_name=first_name, last_name=last_name, middle_name=middle_name, email=email,
                is_staff=True)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    employee = Employee.objects.create(user=user, position=position, main_office=main_office, phone=phone,
                                       extension=extension, hired_on=hired_on)
    employee.offices.set({*offices, *([main_office] if main_office else [])})
    if groups:
        user_groups_set(actor=actor, user=user, groups=groups)
    elif position is not None and position.default_group_id:
        # The position's access group, chosen for it by an administrator: what HR hires with (a new lawyer saw an
        # empty desk until an administrator added the group by hand).
        user_groups_apply(actor=actor, user=user, groups=[position.default_group_id])
    audit(actor=actor, action="employee.create", obj=employee)
    return employee


EMPLOYEE_PROFILE_FIELDS = ("position", "main_office", "phone", "extension", "hired_on")


@transaction.atomic
def employee_update(*, actor, employee: Employee, **fields) -> Employee:
    """Change an employee's profile (position, main office, phone, extension, hiring date) and their account's
    names and e-mail (EMPLOYEE_ACCOUNT_FIELDS, checked by employee_account_check): a visible employee, the change
    right, a main office the actor works with, an administrator's record only by an administrator
    (employee_editable_by); one audit entry for the whole change (the profile's history is kept by simple-history
    too)."""
    unknown = set(fields) - {*EMPLOYEE_PROFILE_FIELDS, *EMPLOYEE_ACCOUNT_FIELDS}
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")
    _ensure_may_edit_employee(actor, employee)
    current = employee_list_visible_to(actor).select_for_update().filter(pk=employee.pk).first()
    if current is None:
        raise DomainError("access_denied", _("Сотрудник работает в офисе, к которому у вас нет доступа."))
    changed = {name: value for name, value in fields.items()
               if name in EMPLOYEE_PROFILE_FIELDS and getattr(current, name) != value}
    user = current.user
    account = {name: clean_text(value or "") for name, value in fields.items() if name in EMPLOYEE_ACCOUNT_FIELDS}
    account_changed = {name: value for name, value in account.items() if getattr(user, name) != value}
    if "main_office" in changed:  # changed, not cleared: the hire's rule
        _ensure_main_office(actor, changed["main_office"])
    if account_changed:
        employee_account_check(user=user, **{name: account_changed.get(name, getattr(user, name))
                                             for name in EMPLOYEE_ACCOUNT_FIELDS})
    if not changed and not account_changed:
        return current
    before = {name: str(getattr(current, name) or "") for name in changed}
    after = {name: str(value or "") for name, value in changed.items()}
    if changed:
        for name, value in changed.items():
            setattr(current, name, value)
        validated(current, exclude=["user"])
        current.save(update_fields=[*changed, "updated_at"])
    if account_changed:
        before.update({name: getattr(user, name) for name in account_changed})
        after.update(account_changed)
        for name, value in account_changed.items():
            setattr(user, name, value)
        user.save(update_fields=[*account_changed])
    audit(actor=actor, action="employee.update", obj=current, before=before, after=after)
    return current


@transaction.atomic
def employee_offices_set(*, actor, employee: Employee, offices) -> None:
    """Set the offices an employee works in — what rows they see — and record the change in the audit log
    (simple-history does not follow many-to-many fields). The rule of employee_update: the change right, a visible
    employee, an administrator's offices only by an administrator."""
    _ensure_may_edit_employee(actor, employee)
    before = sorted(employee.offices.values_list("name", flat=True))
    employee.offices.set(offices)
    after = sorted(employee.offices.values_list("name", flat=True))
    if before != after:
        audit(actor=actor, action="employee.offices", obj=employee, before=before, after=after)


def headcount_error(headcount) -> str | None:
    """The Russian reason a staffing plan row's number of staff units is refused, or None (the model's validators
    and its check constraint say the same)."""
    if isinstance(headcount, int) and not isinstance(headcount, bool) and HEADCOUNT_MIN <= headcount <= HEADCOUNT_MAX:
        return None
    return str(HEADCOUNT_ERROR)


STAFFING_FIELDS = ("office", "position", "headcount")


@transaction.atomic
def staffing_plan_save(*, actor, plan: StaffingPlan) -> StaffingPlan:
    """Save a row of the staffing plan (its own desk page or the office page's table): the add or change right, an
    office the actor works with (the row's stored one too), 1 to 10 000 staff units; audited with what changed."""
    from .selectors import office_ids_visible_to

    created = plan.pk is None
    ensure(actor, perms.ADD_STAFFINGPLAN if created else perms.CHANGE_STAFFINGPLAN)
    stored = None if created else StaffingPlan.objects.select_for_update().filter(pk=plan.pk).first()
    visible = office_ids_visible_to(actor)
    if visible is not None and (plan.office_id not in visible or (stored is not None
                                                                  and stored.office_id not in visible)):
        raise DomainError("access_denied", _("У вас нет доступа к этому офису."), fields={"office": _("Нет доступа.")})
    error = headcount_error(plan.headcount)
    if error:
        raise DomainError("invalid_headcount", error, fields={"headcount": error})
    validated(plan)

    def values(row) -> dict:
        return {name: getattr(row, StaffingPlan._meta.get_field(name).attname) for name in STAFFING_FIELDS}

    old, new = (values(stored) if stored is not None else {}), values(plan)
    changed = [name for name in STAFFING_FIELDS if old.get(name) != new[name]]
    plan.save()
    if created:
        audit(actor=actor, action="record.create", obj=plan, after=new)
    elif changed:
        audit(actor=actor, action="record.update", obj=plan, before={name: old[name] for name in changed},
              after={name: new[name] for name in changed})
    return plan


@transaction.atomic
def staffing_formset_save(*, actor, formset) -> None:
    """The office page's table of the staffing plan: each added or changed row through staffing_plan_save, each
    removed one through the generic audited delete."""
    from legal_crm.core.services import record_delete

    for plan in formset.save(commit=False):
        staffing_plan_save(actor=actor, plan=plan)
    for plan in formset.deleted_objects:
        record_delete(actor=actor, obj=plan)
    formset.save_m2m()
