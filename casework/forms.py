"""Form fields and helpers shared by several features' forms."""

from __future__ import annotations

from typing import Any

from wtforms import SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

from casework.refusals import Refusal


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice drawn as a list of checkboxes: unlike a multi-select list, one click
    cannot silently drop the other choices."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def show_on_field(form: Any, error: Refusal) -> bool:
    """Put a service's refusal next to the field it names, when the form has that field."""
    field = getattr(form, error.field, None) if error.field else None
    if field is None:
        return False
    field.errors = [*field.errors, error.message]
    return True
