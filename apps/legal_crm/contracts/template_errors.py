"""Jinja's errors in document templates told in Russian (contracts/printing.py).

Jinja explains a broken template in English («Unexpected end of template. Jinja was looking for the following
tags: 'endif'…», «'dict object' has no attribute 'nmae'»), and those sentences reached the administrators who
upload templates and the lawyers who print them. `error_text(exc)` reads the common ones — an unknown variable,
field, tag, filter or test, a block never closed, a closing tag out of place, a tag cut short, a stray character, a
forbidden attribute, a loop longer than the sandbox's range() allows, a division by zero — into a Russian sentence; anything else becomes a general Russian sentence. The caller logs
Jinja's own words (`log_template_error`), so the detail is kept for whoever fixes the template or the code.
"""

from __future__ import annotations

import ast
import logging
import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from legal_crm.core.formatting import format_number

logger = logging.getLogger(__name__)

# What Jinja calls the end of a tag, as the template's author types it.
_TOKENS = {"end of print statement": "}}", "end of statement block": "%}", "end of template": "",
           "name": pgettext_lazy("a template token", "имя"), "end of comment": "#}"}


# What Jinja found where it did not expect it, by the kind of token.
_TOKEN_KINDS = {"name": gettext_lazy("слово"), "integer": gettext_lazy("число"), "float": gettext_lazy("число"),
                "string": gettext_lazy("текст в кавычках")}


def _token(name: str) -> str:
    return _TOKENS.get(name, name)


def _char(raw: str) -> str:
    """«'$'» or «"'"» as Jinja prints a character: the character itself."""
    try:
        value = ast.literal_eval(raw)
    except (ValueError, SyntaxError):
        return raw.strip("'\"")
    return value if isinstance(value, str) else raw


def _field_path(attr: str, source: str | None) -> str | None:
    """The dotted name that ends in the unknown field (`client.nmae` for «nmae»), read off the template's source."""
    if not source:
        return None
    found = re.search(r"([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\." + re.escape(attr) + r"\b", source)
    return found.group(0) if found else None


def _end_of(block: str, expected: str) -> str:
    ends = re.findall(r"'(end\w+)'", expected)
    return ends[-1] if ends else f"end{block}"


def _undefined_text(message: str, source: str | None) -> str:
    if found := re.fullmatch(r"'(?P<name>.+)' is undefined", message):
        return _("Неизвестная переменная «%(name)s».") % {"name": found["name"]}
    if found := re.fullmatch(r"'?(?P<obj>.+?)'? has no attribute '(?P<attr>.+)'", message):
        path = _field_path(found["attr"], source)
        if path:
            return _("Неизвестная переменная «%(name)s»: у «%(parent)s» нет поля «%(attr)s».") % {
                "name": path, "parent": path.rsplit(".", 1)[0], "attr": found["attr"]}
        return _("Неизвестное поле «%(attr)s».") % {"attr": found["attr"]}
    if found := re.fullmatch(r"'?(?P<obj>.+?)'? has no element (?P<key>.+)", message):
        return _("Нет элемента %(key)s: в данных документа его нет.") % {"key": found["key"]}
    return _("В шаблоне есть переменная, для которой нет данных.")


def _syntax_text(message: str) -> str:
    """One branch per sentence Jinja's parser and lexer write."""
    looking = r"\. Jinja was looking for the following tags: (?P<expected>.+)\. The innermost block that needs to " \
              r"be closed is '(?P<block>\w+)'\."
    if found := re.fullmatch(r"Unexpected end of template" + looking, message):
        block = found["block"]
        return _("Не закрыт блок «{%% %(block)s %%}»: шаблон кончился раньше, чем встретился «{%% %(end)s %%}».") % {
            "block": block, "end": _end_of(block, found["expected"])}
    if found := re.fullmatch(r"Encountered unknown tag '(?P<tag>\w+)'" + looking, message):
        tag, block = found["tag"], found["block"]
        if tag.startswith("end") or tag in ("else", "elif"):
            return _("Тег «{%% %(tag)s %%}» здесь не к месту: сначала закройте блок «{%% %(block)s %%}» тегом "
                     "«{%% %(end)s %%}».") % {"tag": tag, "block": block, "end": _end_of(block, found["expected"])}
        return _("Неизвестный тег «{%% %(tag)s %%}» внутри блока «{%% %(block)s %%}».") % {"tag": tag, "block": block}
    if found := re.fullmatch(r"Encountered unknown tag '(?P<tag>\w+)'\.", message):
        tag = found["tag"]
        if tag.startswith("end") or tag in ("else", "elif"):
            return _("Лишний тег «{%% %(tag)s %%}»: открытого блока, к которому он относится, нет.") % {"tag": tag}
        return _("Неизвестный тег «{%% %(tag)s %%}».") % {"tag": tag}
    if found := re.fullmatch(r"unexpected end of template, expected '(?P<what>[^']+)'\.", message):
        closing = _token(found["what"])
        if closing in ("}}", "%}", "#}"):
            return _("Тег не закрыт: шаблон кончился, а «%(close)s» нет.") % {"close": closing}
        return _("Шаблон кончился посреди тега.")
    if found := re.fullmatch(r"expected token '(?P<want>[^']+)', got '(?P<got>.*)'", message):
        got = _TOKEN_KINDS.get(found["got"])
        if got is not None:  # a word, a number, a string where the tag should end: a dot or a bracket missing
            return _("Внутри тега лишнее %(got)s: здесь ожидалось «%(want)s». Возможно, пропущена точка или "
                     "скобка.") % {"got": got, "want": _token(found["want"])}
        return _("Внутри тега лишнее «%(got)s»: здесь ожидалось «%(want)s».") % {
            "got": _token(found["got"]), "want": _token(found["want"])}
    if re.fullmatch(r"Expected an expression, got '.*'", message):
        return _("В теге не хватает выражения: укажите, что подставить, например {{ client.name }}.")
    if found := re.fullmatch(r"[Nn]o filter named '(?P<name>[^']+)'\.?", message):
        return _("Неизвестный фильтр «%(name)s». Можно: rub, ru_date и стандартные (upper, default…).") % {
            "name": found["name"]}
    if found := re.fullmatch(r"[Nn]o test named '(?P<name>[^']+)'(?: found)?\.?", message):
        return _("Неизвестная проверка «is %(name)s».") % {"name": found["name"]}
    if found := re.fullmatch(r"unexpected char (?P<char>.+) at \d+", message):
        return _("Недопустимый символ «%(char)s» внутри тега.") % {"char": _char(found["char"])}
    if found := re.fullmatch(r"unexpected '(?P<char>.+)'", message):
        return _("Лишний символ «%(char)s» внутри тега: возможно, тег не закрыт («}}» или «%%}»).") % {
            "char": found["char"]}
    if message == "Missing end of comment tag":
        return _("Комментарий «{#» не закрыт: нет «#}».")
    if message == "tag name expected":
        return _("После «{%» нужно имя тега: if, for, set…")
    if found := re.fullmatch(r"[Bb]lock '(?P<name>\w+)' defined twice", message):
        return _("Блок «%(name)s» объявлен дважды.") % {"name": found["name"]}
    return _("Шаблон не удаётся разобрать: проверьте теги {{ … }} и {% … %}.")


# Tags that open a block closed by «end…» (a «set» with «=» closes nothing, so it is left out).
_BLOCK_TAGS = ("if", "for", "block", "macro", "call", "filter", "with", "autoescape", "raw", "trans")
_TAG = re.compile(r"\{%[-+]?\s*(\w+)")


def _opening_line(block: str, source: str) -> int | None:
    """The line where the block left open starts: the last such opening that no «end…» closes."""
    stack: list[tuple[str, int]] = []
    for found in _TAG.finditer(source):
        name, line = found.group(1), source.count("\n", 0, found.start()) + 1
        if name in _BLOCK_TAGS:
            stack.append((name, line))
        elif name.startswith("end") and stack and stack[-1][0] == name[3:]:
            stack.pop()
    return next((line for name, line in reversed(stack) if name == block), None)


def error_line(exc, source: str | None = None) -> int | None:
    """The template's line of the error: a block never closed — the line that opens it (Jinja names the end of
    the template); another syntax error carries its line; an error while filling (an unknown variable) has it in
    the traceback's frames of the compiled template, which Jinja maps back to the template's lines."""
    message = str(getattr(exc, "message", None) or "")
    unclosed = re.match(r"Unexpected end of template\..* The innermost block that needs to be closed is "
                        r"'(?P<block>\w+)'", message)
    if unclosed and source:
        opening = _opening_line(unclosed["block"], source)
        if opening:
            return opening
    line = getattr(exc, "lineno", None)
    if line:
        return line
    frame, found = exc.__traceback__, None
    while frame is not None:
        if frame.tb_frame.f_code.co_filename == "<template>":
            found = frame.tb_lineno
        frame = frame.tb_next
    return found


def unknown_field_owner(exc, source: str | None = None) -> str | None:
    """For an unknown field — «'dict object' has no attribute 'nmae'» from `{{ client.nmae }}` — the dotted name
    whose fields the author meant («client»), read off the template's source; None for anything else."""
    message = str(getattr(exc, "message", None) or "")
    found = re.fullmatch(r"'?(?P<obj>.+?)'? has no attribute '(?P<attr>.+)'", message)
    path = _field_path(found["attr"], source) if found else None
    return path.rsplit(".", 1)[0] if path else None


def _arithmetic_text(exc) -> str:
    """An error of Python's while filling, not Jinja's: a loop the sandbox refuses, a division by zero, an
    expression over text."""
    from jinja2.sandbox import MAX_RANGE

    if isinstance(exc, OverflowError) and re.search(r"MAX_RANGE|ssize_t", str(exc)):
        # {% for x in range(100000000) %}: the sandbox's range() stops a loop that would hang the printing
        return _("Слишком длинный цикл: range() в шаблоне документа даёт не больше %(max)s чисел на весь "
                 "документ.") % {"max": format_number(MAX_RANGE)}
    if isinstance(exc, OverflowError):
        return _("Число в выражении шаблона слишком большое.")
    if isinstance(exc, ZeroDivisionError):
        return _("В выражении шаблона деление на ноль.")
    # an expression the data cannot answer: «a» + 1
    return _("Выражение в шаблоне не вычисляется: данные документа подставляются как текст, считать с ними нельзя.")


def error_text(exc, *, source: str | None = None) -> str:
    """A Russian sentence for a Jinja error raised by a template (`source`, when given, names an unknown field
    with its full path: «client.nmae»). No line: the caller adds it where it means something to the reader."""
    import jinja2

    if not isinstance(exc, jinja2.exceptions.TemplateError):
        return _arithmetic_text(exc)
    message = str(getattr(exc, "message", None) or exc).strip()
    if isinstance(exc, jinja2.exceptions.UndefinedError):
        return _undefined_text(message, source)
    if isinstance(exc, jinja2.exceptions.TemplateSyntaxError):
        return _syntax_text(message)
    if isinstance(exc, jinja2.exceptions.SecurityError):
        if found := re.fullmatch(r"access to attribute '(?P<attr>[^']+)' of '.+' object is unsafe\.", message):
            return _("Обращение к «%(attr)s» в шаблонах документов запрещено.") % {"attr": found["attr"]}
        return _("Шаблон обращается к тому, что в шаблонах документов запрещено.")
    if found := re.fullmatch(r"[Nn]o test named '(?P<name>[^']+)'(?: found)?\.?", message):
        return _("Неизвестная проверка «is %(name)s».") % {"name": found["name"]}
    return _("Шаблон не удаётся заполнить: проверьте теги {{ … }} и {% … %}.")


def log_template_error(exc, where) -> None:
    """Jinja's own words, kept for whoever fixes the template (the user reads error_text's Russian)."""
    logger.warning("Document template %s: %s: %s (line %s)", where, type(exc).__name__,
                   getattr(exc, "message", None) or exc, getattr(exc, "lineno", None))
