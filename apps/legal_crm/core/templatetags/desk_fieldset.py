"""{% desk_fieldset_rows fieldset as rows %}: a change form's rows of fields, computed once per field.

unfold prints every field through three nested includes, two class-building tags and up to three calls of a
read-only field's contents; admin/includes/desk_fieldset.html prints the same markup from these rows in one pass
(admin/change_form.html uses it where unfold's conditional fields and tabs, which need its templates, are off)."""

from __future__ import annotations

from django import template

register = template.Library()

_LINE = "field-line flex flex-col grow group group/line px-3 py-2.5"
_COMPRESSED_LINE = ("border-b border-base-200 border-dashed min-h-[59px] group-[.last]/row:border-b-0 lg:border-l "
                    "lg:flex-row lg:items-center dark:border-base-800 lg:first:border-l-0")


def shown_contents(field) -> str:
    """A read-only field's contents as unfold shows them: «-» for nothing (or a bare «None»)."""
    contents = field.contents()
    return "-" if not contents or contents == "None" else contents


def _field(field, compressed: bool) -> dict:
    if field.is_readonly:  # unfold names the line after the field only for inputs (a read-only field's is a dict)
        contents = shown_contents(field)
        row = {"readonly": True, "checkbox": False, "label": field.label_tag(), "classes": _LINE,
               "width": "max-w-4xl" if getattr(field, "is_json", False) else "max-w-2xl", "contents": contents,
               "file": contents != "-" and getattr(field, "is_file", False),
               "help": field.field.get("help_text"), "errors": "", "field": field}
    else:
        errors = field.errors()
        row = {"readonly": False, "checkbox": field.is_checkbox, "label": field.label_tag(),
               "classes": f"{_LINE} field-{field.field.name}" + (" errors" if errors else ""),
               "widget": str(field.field), "help": field.field.help_text, "errors": errors, "field": field}
    if compressed:
        row["classes"] += " " + _COMPRESSED_LINE
    return row


@register.simple_tag
def desk_fieldset_rows(fieldset, compressed) -> list[dict]:
    rows = []
    for line in fieldset:
        classes = "form-row field-row group/row"
        if len(line.fields) > 1:
            classes += f" grid lg:grid-cols-{len(line.fields)}"
        if not line.has_visible_field:
            classes += " hidden"
        rows.append({"classes": classes, "fields": [_field(field, bool(compressed)) for field in line]})
    return rows
