"""Form fields and helpers shared by several features' forms."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wtforms import Field, SelectMultipleField
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


def chosen_value(field: Field, convert: Callable[[Any], Any] = lambda value: value) -> Any:
    """An optional field's value (a list filter, an optional select), converted; None when
    nothing was chosen or the value was refused (its message shows by the field). Spaces alone
    count as nothing: Optional() lets them through without checking them against the
    choices."""
    value = field.data.strip() if isinstance(field.data, str) else field.data
    return convert(value) if value and not field.errors else None
