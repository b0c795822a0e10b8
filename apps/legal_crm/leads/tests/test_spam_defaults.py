"""A fresh install ships a default set of spam rules (issue 10, item 14): installed once by the post_migrate
sync, idempotent, never restoring what an administrator deleted or overwriting what they edited."""

import pytest

from legal_crm.leads import reference
from legal_crm.leads.models import LeadSettings, SpamRule

DEFAULT_NAMES = {name for _v, name, *_rest in reference.DEFAULT_SPAM_RULES}


@pytest.mark.django_db
def test_fresh_database_has_the_default_rules():
    # The test database is made by `migrate`, so its post_migrate sync ran like on a fresh install.
    rules = {r.name: r for r in SpamRule.objects.filter(name__in=DEFAULT_NAMES)}
    assert set(rules) == DEFAULT_NAMES
    kinds = {r.kind for r in rules.values()}
    assert {"invalid_number", "phone_flood", "partner_flood", "stop_word", "name_blacklist"} <= kinds
    flood = rules["Больше 5 заявок с номера за час"]
    assert (flood.threshold, flood.window_minutes, flood.is_active) == (5, 60, True)
    assert LeadSettings.load().spam_defaults_version == reference.DEFAULT_SPAM_RULES_VERSION
    for rule in rules.values():
        rule.full_clean()  # each default is a rule the desk form would accept


@pytest.mark.django_db
def test_sync_is_idempotent_and_keeps_the_administrators_edits_and_deletions():
    before = SpamRule.objects.count()
    assert reference.install_default_spam_rules() == 0
    assert SpamRule.objects.count() == before
    edited = SpamRule.objects.get(name="Больше 5 заявок с номера за час")
    edited.threshold = 20
    edited.is_active = False
    edited.save()
    SpamRule.objects.filter(name="Стоп-слово «seo»").delete()
    reference.load_after_migrate(sender=None)  # what every later `migrate` runs
    edited.refresh_from_db()
    assert (edited.threshold, edited.is_active) == (20, False)
    assert not SpamRule.objects.filter(name="Стоп-слово «seo»").exists()
    assert SpamRule.objects.count() == before - 1


@pytest.mark.django_db
def test_install_on_a_site_without_the_record_creates_only_the_missing_ones():
    # A site that had the demo rules (or its own of the same name) before the defaults shipped.
    SpamRule.objects.filter(name__in=DEFAULT_NAMES).exclude(name="Тестовые имена").delete()
    kept = SpamRule.objects.get(name="Тестовые имена")
    kept.value = "qa"
    kept.save()
    LeadSettings.objects.filter(pk=1).update(spam_defaults_version=0)
    assert reference.install_default_spam_rules() == len(DEFAULT_NAMES) - 1
    kept.refresh_from_db()
    assert kept.value == "qa" and SpamRule.objects.filter(name="Тестовые имена").count() == 1
    assert LeadSettings.load().spam_defaults_version == reference.DEFAULT_SPAM_RULES_VERSION
    assert reference.install_default_spam_rules() == 0


@pytest.mark.django_db
def test_default_rules_catch_spam_and_let_people_through(office):
    from legal_crm.leads import services

    def intake(phone, **kw):
        return services.lead_intake(actor=None, data=services.IntakeData(phone=phone, **kw))[0]

    assert not intake("+7 901 234-56-78", name="Анна", comment="Долг по кредитам, нужна консультация").is_spam
    assert intake("+7 916 111-11-11").spam_rule.name == "Несуществующий номер"
    assert intake("+7 916 500-00-01", name="Test").spam_rule.name == "Тестовые имена"
    assert intake("+7 916 500-00-02", comment="Лучшее КАЗИНО онлайн").spam_rule.name == "Стоп-слово «казино»"
