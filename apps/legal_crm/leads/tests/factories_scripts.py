"""Factories of the questionnaire and the call scripts."""

import factory
from django.utils import timezone

from legal_crm.directory.tests.factories import ServiceFactory  # the directory owns services
from legal_crm.leads.models import (
    AnswerOption,
    NumberRange,
    Question,
    Script,
    ScriptEnrollment,
    ScriptStep,
    SegmentThreshold,
)


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    service = factory.SubFactory(ServiceFactory)
    text = factory.Sequence(lambda n: f"Вопрос {n}")
    kind = Question.Kind.CHOICE
    order = factory.Sequence(lambda n: n)


class AnswerOptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnswerOption

    question = factory.SubFactory(QuestionFactory)
    text = factory.Sequence(lambda n: f"Ответ {n}")
    points = 0


class NumberRangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NumberRange

    question = factory.SubFactory(QuestionFactory, kind=Question.Kind.NUMBER)
    points = 0


class SegmentThresholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SegmentThreshold

    segment = "Тёплый"
    min_score = 0


class ScriptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Script

    name = factory.Sequence(lambda n: f"Скрипт {n}")


class ScriptStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScriptStep

    script = factory.SubFactory(ScriptFactory)
    name = factory.Sequence(lambda n: f"Шаг {n}")
    order = factory.Sequence(lambda n: n)
    kind = ScriptStep.Kind.CALL


def make_script(*kinds, **script_kwargs) -> tuple[Script, list[ScriptStep]]:
    """make_script("call", "sms", ("wait", 3), "reached") → the script and its steps in order."""
    script = ScriptFactory(**script_kwargs)
    steps = []
    for order, kind in enumerate(kinds):
        hours = 0
        if isinstance(kind, tuple):
            kind, hours = kind
        text = "{name}, здравствуйте! Офис: {office}." if kind in ("sms", "whatsapp") else ""
        steps.append(ScriptStepFactory(script=script, order=order, kind=kind, wait_hours=hours,
                                       name=f"{ScriptStep.Kind(kind).label} {order}", message_text=text))
    return script, steps


def enroll(lead, step, *, state=ScriptEnrollment.State.ACTIVE, at=None) -> ScriptEnrollment:
    at = at or timezone.now()
    return ScriptEnrollment.objects.create(script=step.script, lead=lead, step=step, state=state,
                                           entered_at=at, step_entered_at=at)
