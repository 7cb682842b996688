"""What a letter says, laid out as the office's letter in the letter's own language.

The letter model of the letters issue fills a LetterContent; this module only draws it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import current_app, render_template
from flask_babel import force_locale

from casework.letters.pdf import render_pdf
from casework.reference.models import Language


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

    @property
    def paragraphs(self) -> list[str]:
        return [" ".join(p.split()) for p in self.body.replace("\r\n", "\n").split("\n\n")
                if p.strip()]

    @property
    def title(self) -> str:
        return f"{self.number} {self.subject}" if self.number else self.subject


def letter_html(letter: LetterContent) -> str:
    """The letter as HTML for WeasyPrint (and for the HTML preview)."""
    with force_locale(letter.language.value):
        return render_template(
            "letters/letter.html", letter=letter,
            office_name=current_app.config["OFFICE_NAME"][letter.language.value],
            office_address=current_app.config["OFFICE_ADDRESS"][letter.language.value],
        )


def letter_pdf(letter: LetterContent) -> bytes:
    return render_pdf(letter_html(letter))
