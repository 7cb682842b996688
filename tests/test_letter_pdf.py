"""Letters as PDF: the text that comes out (Kazakh and Russian exactly), metadata, the PDF/A
marker, pages, embedded fonts, and WeasyPrint loading nothing but the bundled assets."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader

from casework.letters import pdf
from casework.letters.documents import LetterContent, letter_html, letter_pdf
from casework.reference.models import Language

KAZAKH_LETTERS = "ә ғ қ ң ө ұ ү һ і Ә Ғ Қ Ң Ө Ұ Ү Һ І"


def letter(**changes) -> LetterContent:
    fields = {
        "language": Language.KK,
        "subject": "Азаптау туралы шағымды тексеру туралы",
        "body": f"Өтінеміз, шағымды тексеріңіз.\n\n{KAZAKH_LETTERS}",
        "addressee": ["Қарағанды облысының прокуратурасы", "Қарағанды қ., Бұқар жырау даңғ., 1"],
        "signer_name": "А. Ахметова",
        "signer_position": "Уәкіл",
        "number": "04-12/345",
        "dated": date(2026, 11, 25),
        "case_reference": "2026-00042",
        "enclosures": ["Шағымның көшірмесі, 3 парақ"],
    }
    return LetterContent(**{**fields, **changes})


def read(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def text(data: bytes) -> str:
    """The PDF's text with line breaks and runs of spaces as single spaces."""
    return " ".join(" ".join(page.extract_text() for page in read(data).pages).split())


def test_a_kazakh_letter_carries_every_kazakh_letter_and_its_references(app):
    with app.test_request_context():
        extracted = text(letter_pdf(letter()))
    assert KAZAKH_LETTERS in extracted
    for expected in ("04-12/345", "25.11.2026", "2026-00042", "Қарағанды облысының прокуратурасы",
                     "Қазақстан Республикасындағы Адам құқықтары жөніндегі уәкіл",
                     "Шағымның көшірмесі, 3 парақ", "А. Ахметова"):
        assert expected in extracted, expected


def test_a_russian_letter_reads_in_russian(app):
    russian = letter(language=Language.RU, subject="О проверке жалобы на пытки",
                     body="Прошу провести проверку и сообщить о ее результатах.",
                     addressee=["Прокуратура Карагандинской области"])
    with app.test_request_context():
        extracted = text(letter_pdf(russian))
    for expected in ("Уполномоченный по правам человека в Республике Казахстан",
                     "О проверке жалобы на пытки", "Прошу провести проверку и сообщить о ее "
                     "результатах.", "Прокуратура Карагандинской области", "04-12/345"):
        assert expected in extracted, expected


def test_metadata_pdfa_marker_and_embedded_fonts(app):
    with app.test_request_context():
        document = read(letter_pdf(letter()))
    info = document.metadata
    assert info is not None
    assert (info.title, info.subject) == ("04-12/345 Азаптау туралы шағымды тексеру туралы",
                                          "Азаптау туралы шағымды тексеру туралы")
    assert info.author == "Қазақстан Республикасындағы Адам құқықтары жөніндегі уәкіл"
    assert info["/Keywords"] == "2026-00042"
    xmp = document.xmp_metadata
    assert xmp is not None
    assert 'pdfaid:part="3"' in xmp.rdf_root.toxml()
    fonts = {
        str(font["/BaseFont"])
        for page in document.pages
        for font in page["/Resources"]["/Font"].values()
    }
    # The bundled @font-face families, not whatever the host has installed.
    assert any("Letter-Serif" in name for name in fonts), fonts
    for page in document.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            described = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font \
                else font
            descriptor = described["/FontDescriptor"].get_object()
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), "not embedded"


def test_a_long_letter_numbers_its_pages(app):
    long = letter(body="\n\n".join(["Абзац мәтіні, ұзын мәтін. " * 12] * 30))
    with app.test_request_context():
        document = read(letter_pdf(long))
    pages = len(document.pages)
    assert pages >= 2
    assert f"{pages} / {pages}" in document.pages[-1].extract_text()
    assert f"1 / {pages}" in document.pages[0].extract_text()


def test_a_draft_says_it_is_not_signed(app):
    with app.test_request_context():
        extracted = text(letter_pdf(letter(number=None, dated=None)))
    assert "04-12/345" not in extracted
    assert "DRAFT" in extracted or "ЖОБА" in extracted


def test_letter_text_is_escaped_not_markup(app):
    with app.test_request_context():
        html = letter_html(letter(body='<img src="file:///etc/passwd"> <b>bold</b>'))
    assert "<img src=\"file:///etc/passwd\">" not in html
    assert "&lt;img" in html


HOSTILE = """<!doctype html><html><head><title>x</title>
<style>@import url("file:///etc/passwd"); @import url("http://127.0.0.1:9/evil.css");</style>
<link rel="stylesheet" href="file:///etc/hostname"></head><body><p>Hello</p>
<img src="file:///etc/passwd"><img src="http://127.0.0.1:9/pixel.png">
<img src="fonts/../../pdf.py"><img src="../../../config.py"></body></html>"""


def test_weasyprint_loads_nothing_but_bundled_assets(monkeypatch):
    asked: list[str] = []
    refused: list[str] = []
    original = pdf.AssetsOnlyFetcher.fetch

    def spy(self, url, headers=None):
        asked.append(url)
        try:
            return original(self, url, headers)
        except pdf.ResourceRefused:
            refused.append(url)
            raise

    monkeypatch.setattr(pdf.AssetsOnlyFetcher, "fetch", spy)
    rendered = pdf.render_pdf(HOSTILE)
    assert "Hello" in text(rendered)
    assert b"root:" not in rendered
    assert set(refused) == {u for u in asked if not pdf.is_bundled_asset(u)}
    for hostile in ("file:///etc/passwd", "http://127.0.0.1:9/evil.css", "file:///etc/hostname",
                    "http://127.0.0.1:9/pixel.png"):
        assert hostile in refused


@pytest.mark.parametrize(("url", "bundled"), [
    ((pdf.ASSETS / "emblem.svg").as_uri(), True),
    ((pdf.ASSETS / "fonts" / "DejaVuSerif.ttf").as_uri(), True),
    ((pdf.ASSETS / "fonts" / ".." / ".." / "pdf.py").as_uri(), False),
    ((pdf.ASSETS / "missing.svg").as_uri(), False),
    ("file:///etc/passwd", False),
    ("file://evil.example/" + str(pdf.ASSETS / "emblem.svg"), False),
    ("http://localhost/emblem.svg", False),
    ("data:text/plain,hi", False),  # data: URIs are allowed by the fetcher, not as files
])
def test_only_files_below_the_assets_folder_count_as_bundled(url, bundled):
    assert pdf.is_bundled_asset(url) is bundled
