"""The call-script subsystem (SPEC 6.5.2): scripts as kanban boards of steps that leads move through.

models.py (imported by leads/models/__init__.py, so the app label stays `leads`), services.py (enrolment, moves,
messages, the advance job's work), selectors.py (visibility and the boards), admin.py (constructor, board, logs),
handlers.py (lead events put leads into scripts and finish their cards), handlers_messaging.py (a script message
follows its outbox message), jobs.py (the every-5-minutes advance), demo.py (demo questionnaire and scripts).
Nothing is imported here: models load through leads.models, the rest by their dotted paths."""
