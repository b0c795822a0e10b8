"""Staff notifications (the bell, Telegram, e-mail): higher modules call `notify(...)` from their event handlers
and jobs; messaging never imports them. See service.py."""
