"""The wording of each letter kind in each language: a subject and a body written as Jinja
templates that admins may edit in the browser (DESIGN.md §6).

They render in an immutable sandbox with plain data only (strings, numbers, dates, lists and
dicts built by letters.drafting): no attribute of a Python object, no config, no file, no
include. Their output is plain text, which the letter's HTML escapes when it is drawn. A broken
template raises WordingError with a message for the admin, never an exception page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from casework.extensions import db
from casework.letters.models import LetterKind, LetterTemplate
from casework.reference.models import Language
from casework.refusals import Refusal
from casework.templating import format_day

DEFAULTS = Path(__file__).parent / "defaults"
MAX_OUTPUT = 50_000  # characters; a letter is a few pages, not a loop's worth of text


class WordingError(Refusal):
    """A template that does not render; the message says where and why, for the admin."""


@dataclass(frozen=True)
class Wording:
    subject: str
    body: str
    customised: bool = False  # an admin's version rather than the one that ships


def default_wording(kind: LetterKind, language: Language) -> Wording:
    """The shipped file: the subject on the first line, a blank line, then the body."""
    text = (DEFAULTS / f"{kind.value}.{language.value}.txt").read_text(encoding="utf-8")
    subject, _blank, body = text.partition("\n\n")
    return Wording(subject.strip(), body.strip("\n") + "\n")


def wording_for(kind: LetterKind, language: Language) -> Wording:
    row = db.session.scalar(
        sa.select(LetterTemplate).filter_by(kind=kind, language=language)
    )
    if row is None:
        return default_wording(kind, language)
    return Wording(row.subject, row.body, customised=True)


@cache
def _environment() -> ImmutableSandboxedEnvironment:
    environment = ImmutableSandboxedEnvironment(
        undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True,
        trim_blocks=True, lstrip_blocks=True,
    )
    environment.filters["day"] = _day
    return environment


def _day(value: date | str | None) -> str:
    if isinstance(value, str):
        value = date.fromisoformat(value) if value else None
    return format_day(value)


def render(wording: Wording, context: dict[str, Any], language: Language) -> tuple[str, str]:
    """(subject, body) rendered in the letter's language; WordingError if it fails."""
    with force_locale(language.value):
        subject = _render_one(wording.subject, context, "subject")
        body = _render_one(wording.body, context, "body")
    return " ".join(subject.split()), body.strip() + "\n"


def _render_one(source: str, context: dict[str, Any], field: str) -> str:
    try:
        output = ""
        # Streamed, so that a loop gone wild stops at the limit instead of filling memory.
        for chunk in _environment().from_string(source).generate(context):
            output += chunk
            if len(output) > MAX_OUTPUT:
                raise WordingError(_("The template gives more than %(limit)s characters.",
                                     limit=MAX_OUTPUT), field)
    except TemplateSyntaxError as error:
        raise WordingError(
            _("Line %(line)s: %(problem)s", line=error.lineno, problem=error.message), field
        ) from error
    except SecurityError as error:
        raise WordingError(_("The template tried something templates may not do: %(what)s",
                             what=str(error)), field) from error
    except TemplateError as error:
        raise WordingError(_("The template does not render: %(problem)s",
                             problem=error.message or type(error).__name__), field) from error
    except (TypeError, ValueError, ArithmeticError, LookupError) as error:
        raise WordingError(_("The template does not render: %(problem)s",
                             problem=str(error)), field) from error
    return output
