"""What a letter says, laid out as the office's letter in the letter's own language.

content_of() reads a Letter into a LetterContent; letter_html() and letter_pdf() draw it, for
the preview of a draft and for the PDF stored at signing alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from casework.letters.pdf import render_pdf
from casework.reference.models import Language
from casework.reference.regions import Region
from casework.templating import format_day

if TYPE_CHECKING:
    from casework.letters.models import Letter


def collapse_spaces(text: str) -> str:
    """Runs of spaces and line breaks as one space; no-break spaces stay, so that "№ 12" and
    "12 дн." never break across lines."""
    return _SPACES.sub(" ", text).strip()


_SPACES = re.compile(r"[ \t\r\n]+")


@dataclass(frozen=True)
class LetterContent:
    language: Language
    subject: str
    body: str  # paragraphs separated by blank lines
    addressee: list[str]  # the addressee's name first, then the address lines
    signer_name: str
    signer_position: str
    number: str | None = None  # none while a draft: the letter says so
    dated: date | None = None
    case_reference: str | None = None
    enclosures: list[str] = field(default_factory=list)
    confidential: bool = True
    executor: str = ""  # who prepared it, as letters name them at the foot
    replaces: str | None = None  # the number and date of the letter this one corrects

    @property
    def paragraphs(self) -> list[str]:
        return [collapse_spaces(p) for p in self.body.replace("\r\n", "\n").split("\n\n")
                if p.strip()]

    @property
    def title(self) -> str:
        return f"{self.number} {self.subject}" if self.number else self.subject


def signer_position(region: Region | None, language: Language) -> str:
    """Regional offices sign as the Commissioner's representative; the central office as
    the head of department. In parentheses, so no language has to decline the region."""
    with force_locale(language.value):
        if region is None:
            return _("Head of the Department for the Protection of Human Rights")
        return _("Representative of the Commissioner for Human Rights (%(region)s)",
                 region=region.label)


def content_of(letter: Letter) -> LetterContent:
    signer = letter.signed_by
    old = letter.supersedes
    with force_locale(letter.language.value):
        replaces = (_("No. %(number)s of %(day)s", number=old.number, day=format_day(old.dated))
                    if old is not None and old.number else None)
    return LetterContent(
        language=letter.language,
        subject=letter.subject,
        body=letter.body,
        addressee=[line for line in letter.addressee_block.splitlines() if line.strip()],
        signer_name=signer.full_name if signer is not None else "",
        # Before signing, the position of whoever signs in the letter's region.
        signer_position=signer_position(
            signer.region if signer is not None else letter.region, letter.language),
        number=letter.number,
        dated=letter.dated,
        case_reference=letter.case.reference if letter.case is not None else None,
        enclosures=letter.enclosure_list,
        confidential=letter.confidential,
        executor=letter.drafted_by.full_name,
        replaces=replaces,
    )


def letter_html(letter: LetterContent, asset_base_url: str | None = None) -> str:
    """The letter as HTML for WeasyPrint, or for a browser when `asset_base_url` (the
    application's URL of the bundled letter assets) is given: the page then loads the
    stylesheet, fonts and emblem from there. WeasyPrint gets no such URL: it reads the same
    assets from disk through its own fetcher."""
    with force_locale(letter.language.value):
        return render_template(
            "letters/letter.html", letter=letter, asset_base_url=asset_base_url,
            office_name=current_app.config["OFFICE_NAME"][letter.language.value],
            office_address=current_app.config["OFFICE_ADDRESS"][letter.language.value],
        )


def letter_pdf(letter: LetterContent) -> bytes:
    return render_pdf(letter_html(letter))
