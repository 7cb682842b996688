"""The wording of each letter kind in each language: a subject and a body written as Jinja
templates that admins may edit in the browser (DESIGN.md §6).

They render in letters.sandbox with plain data only (strings, numbers, dates, lists and dicts
built by letters.drafting): no attribute of a Python object, no config, no file, no include,
and a bounded amount of work. Their output is plain text, which the letter's HTML escapes when
it is drawn. A broken template raises WordingError with a message (and the line, where known)
for the admin, never an exception page.
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
from flask_babel import lazy_gettext as _l
from jinja2 import TemplateError, TemplateSyntaxError
from jinja2.sandbox import SecurityError

from casework.extensions import db
from casework.letters.documents import collapse_spaces
from casework.letters.models import Letter, LetterKind, LetterTemplate
from casework.letters.sandbox import TemplateRefused, WordingSandbox, work_budget
from casework.reference.models import Language
from casework.refusals import Refusal
from casework.templating import format_day

DEFAULTS = Path(__file__).parent / "defaults"
MAX_OUTPUT = 50_000  # characters; a letter is a few pages, not a loop's worth of text
MAX_SUBJECT = Letter.subject.type.length  # a rendered subject must fit the letter's column
_CONTROL_CHARACTERS = dict.fromkeys(code for code in range(32) if chr(code) not in "\n\t")


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
def _environment() -> WordingSandbox:
    environment = WordingSandbox()
    environment.add_filter("day", _day)
    return environment


def _day(value: date | str | None) -> str:
    if isinstance(value, str):
        value = date.fromisoformat(value) if value else None
    return format_day(value)


def render(wording: Wording, context: dict[str, Any], language: Language) -> tuple[str, str]:
    """(subject, body) rendered in the letter's language; WordingError if it fails, in the
    reader's own language."""
    subject = collapse_spaces(_render_one(wording.subject, context, "subject", language))
    subject = without_control_characters(subject)
    if len(subject) > MAX_SUBJECT:
        raise WordingError(_("The subject comes out longer than %(limit)s characters.",
                             limit=MAX_SUBJECT), "subject")
    body = without_control_characters(_render_one(wording.body, context, "body", language))
    return subject, body.strip() + "\n"


def without_control_characters(text: str) -> str:
    """Text with line breaks and tabs as its only control characters: a NUL, typed or made
    by a template's "\\x00", is refused by PostgreSQL and means nothing in a letter."""
    return text.replace("\r\n", "\n").translate(_CONTROL_CHARACTERS)


def _render_one(source: str, context: dict[str, Any], field: str, language: Language) -> str:
    # The messages are made after leaving the letter's locale: they are for whoever reads
    # them (the admin, or the caseworker drafting), not for the letter.
    try:
        with work_budget(), force_locale(language.value):
            return _generate(source, context)
    except TemplateSyntaxError as error:
        problem = error.message or type(error).__name__
        raise WordingError(_located(problem, error.lineno), field) from error
    except TemplateRefused as error:
        raise WordingError(_located(str(error.message), error.lineno or _line_of(error)),
                           field) from error
    except SecurityError as error:
        problem = _("The template tried something templates may not do: %(what)s",
                    what=str(error))
        raise WordingError(_located(problem, _line_of(error)), field) from error
    except (RecursionError, SyntaxError) as error:  # SyntaxError: Python's, on deep nesting
        problem = _("The template nests too deeply or calls itself over and over.")
        raise WordingError(_located(problem, None), field) from error
    except OverflowError as error:
        problem = _("A number in the template grows too large.")
        raise WordingError(_located(problem, _line_of(error)), field) from error
    except (TemplateError, TypeError, ValueError, ArithmeticError, LookupError) as error:
        problem = _("The template does not render: %(problem)s",
                    problem=str(error) or type(error).__name__)
        raise WordingError(_located(problem, _line_of(error)), field) from error


def _generate(source: str, context: dict[str, Any]) -> str:
    output = ""
    # Streamed, so that a loop gone wild stops at the limit instead of filling memory.
    for chunk in _environment().from_string(source).generate(context):
        output += chunk
        if len(output) > MAX_OUTPUT:
            raise TemplateRefused(_l("The template gives more than %(limit)s characters.",
                                     limit=MAX_OUTPUT))
    return output


def _located(problem: str, line: int | None) -> str:
    return _("Line %(line)s: %(problem)s", line=line, problem=problem) if line else problem


def _line_of(error: BaseException) -> int | None:
    """The template line a run-time error happened on: Jinja rewrites the traceback so that
    the template's own frames carry its line numbers."""
    line = None
    trace = error.__traceback__
    while trace is not None:
        if trace.tb_frame.f_code.co_filename == "<template>":
            line = trace.tb_lineno
        trace = trace.tb_next
    return line
