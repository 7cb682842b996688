"""Form fields shared by several features' forms."""

from __future__ import annotations

from wtforms import SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice drawn as a list of checkboxes: unlike a multi-select list, one click
    cannot silently drop the other choices."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
