"""Whether a figure becomes a link to the list behind it, for this reader, now.

A figure links only when (1) the list page exists (the visits and violations lists may not
be deployed yet: `url_for` would raise BuildError), (2) the reader holds the permission that
page declares with @requires (an auditor reads no case content, so gets the numbers without
links), and (3) the page's filter form understands every query argument: a list that
ignored one (the case list has no "received from" filter yet) would show more than the
figure counts, which is worse than no link.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from flask import current_app, url_for
from flask_wtf import FlaskForm
from werkzeug.routing import BuildError
from wtforms.fields.core import UnboundField

from casework.accounts.models import User
from casework.permissions import has_permission
from casework.reports.figures import (
    CASE_LIST,
    RECOMMENDATION_REGISTER,
    VIOLATION_LIST,
    VISIT_LIST,
    ListFilter,
)


def _filter_names(form_class: type[FlaskForm]) -> frozenset[str]:
    """The query arguments a GET filter form reads: its fields' names."""
    return frozenset(name for name in dir(form_class)
                     if isinstance(getattr(form_class, name, None), UnboundField))


@cache
def _case_filters() -> frozenset[str]:
    from casework.cases.forms import CaseFilterForm

    return _filter_names(CaseFilterForm)


@cache
def _register_filters() -> frozenset[str]:
    from casework.recommendations.register import RegisterFilterForm

    return _filter_names(RegisterFilterForm)


@cache
def _visit_filters() -> frozenset[str]:
    from casework.visits.forms import VisitFilterForm

    return _filter_names(VisitFilterForm)


@cache
def _violation_filters() -> frozenset[str]:
    from casework.violations.forms import ViolationFilterForm

    return _filter_names(ViolationFilterForm)


# The lists' filter forms, read for the arguments they understand.
KNOWN_FILTERS: dict[str, Callable[[], frozenset[str]]] = {
    CASE_LIST: _case_filters,
    RECOMMENDATION_REGISTER: _register_filters,
    VISIT_LIST: _visit_filters,
    VIOLATION_LIST: _violation_filters,
}


def unsupported_arguments(lists: ListFilter) -> set[str]:
    """The arguments the list page would ignore (empty when all are understood)."""
    accepted = KNOWN_FILTERS.get(lists.endpoint)
    if accepted is None:
        return set()
    return {name for name, _value in lists.args} - accepted()


def list_url(lists: ListFilter | None, reader: User) -> str | None:
    """The URL of the list behind a figure, or None when the reader gets no link."""
    if lists is None:
        return None
    view = current_app.view_functions.get(lists.endpoint)
    permission = getattr(view, "required_permission", None)
    if view is None or permission is None or not has_permission(reader, permission):
        return None
    if unsupported_arguments(lists):
        return None
    args: dict[str, Any] = dict(lists.args)
    try:
        return url_for(lists.endpoint, **args)
    except BuildError:
        return None
