"""Letters as PDF: the first render in a process, the warm render of one letter, a batch of
renders, then the supervisor's batch of reminders to one authority through the database.

    .venv/bin/python -m bench.letters [--runs 20] [--batch 100] [--pages 1]
        [--reminders 100] [--language ru] [--database-url URL]

The renders go through the application's own path (casework.letters.documents.letter_pdf):
the Jinja template in the letter's language, then WeasyPrint with the bundled fonts, no
database. The reminders go through casework.letters.batch as the batch page does: for each
overdue recommendation remind() (draft from the shipped wording, number, render, store the
PDF, audit) and a commit, then combined_pdf() of them all (each stored PDF read and checked
against its SHA-256, the downloads audited). Without a URL that database is a new SQLite file
in a temporary directory; a given database is emptied first (drop_all, create_all).
Figures measured so far are in bench/README.md.
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta

from pypdf import PdfReader

from bench.case_pages import bench_app
from casework import create_app
from casework.accounts.models import User
from casework.accounts.roles import Role
from casework.cases.lifecycle import CaseStatus
from casework.database import office_today
from casework.extensions import db
from casework.letters import batch
from casework.letters.documents import LetterContent, letter_pdf
from casework.recommendations.lifecycle import RecordStatus
from casework.recommendations.models import Recommendation
from casework.reference.models import Language
from casework.reference.regions import Region
from tests import factories

PARAGRAPH = (
    "Қазақстан Республикасы Қылмыстық-процестік кодексінің 179-бабына сәйкес тергеу "
    "изоляторында ұсталған Өтініш беруші А. қатысты азаптау фактісі бойынша тексеру "
    "жүргізуді сұраймыз. Прошу сообщить о результатах проверки в течение 15 рабочих дней."
)


def letter(number: int, pages: int) -> LetterContent:
    return LetterContent(
        language=(Language.KK, Language.RU, Language.EN)[number % 3],
        subject=f"Азаптау туралы шағымды тексеру туралы / О проверке жалобы № {number}",
        body="\n\n".join([PARAGRAPH] * 6 * pages),
        addressee=["Қарағанды облысының прокуратурасы", "Қарағанды қ., Бұқар жырау даңғ., 1"],
        signer_name="А. Ахметова", signer_position="Уәкіл",
        number=f"04-12/{number}", dated=date(2026, 11, 25), case_reference="2026-00042",
        enclosures=["Шағымның көшірмесі, 3 парақ"],
    )


def timed(render: Callable[[], object]) -> float:
    started = time.perf_counter()
    render()
    return (time.perf_counter() - started) * 1000


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    return (f"median {statistics.median(ordered):.1f} ms, "
            f"p95 {ordered[int(0.95 * (len(ordered) - 1))]:.1f} ms")


def render_letters(runs: int, batch_size: int, pages: int) -> None:
    app = create_app()
    with app.test_request_context():
        first = timed(lambda: letter_pdf(letter(0, pages)))
        warm = [timed(lambda n=n: letter_pdf(letter(n, pages))) for n in range(runs)]
        started = time.perf_counter()
        size = sum(len(letter_pdf(letter(n, pages))) for n in range(batch_size))
        batch_seconds = time.perf_counter() - started
    print(f"first render in the process: {first:.0f} ms")
    print(f"warm render: {percentiles(warm)} ({runs} letters)")
    print(f"batch of {batch_size}: {batch_seconds:.1f} s, "
          f"{batch_size / batch_seconds * 60:.0f} letters per minute, "
          f"{size / batch_size / 1024:.0f} KB per letter")



# -- the batch of reminders through the database ----------------------------------------------


def overdue_office(count: int, language: Language) -> tuple[User, list[Recommendation]]:
    """A region's supervisor and `count` recommendations to one authority, their replies
    1 to `count` days overdue, each on a case of its own (as they come from many complaints)."""
    today = office_today()
    supervisor = factories.make_user(Role.SUPERVISOR, region=Region.KARAGANDA,
                                     full_name="Айгерим Ахметова")
    authority = factories.make_authority(
        name="Департамент уголовно-исполнительной системы по Карагандинской области",
        address="г. Караганда, ул. Ерубаева, 40", letter_language=language)
    recommendations = []
    for n in range(1, count + 1):
        case = factories.make_case(region=Region.KARAGANDA, status=CaseStatus.FOLLOW_UP)
        recommendations.append(factories.make_recommendation(
            case, record_status=RecordStatus.ISSUED, authority=authority,
            issued_on=today - timedelta(days=n + 30), reply_due=today - timedelta(days=n),
            text=PARAGRAPH,
        ))
    db.session.commit()
    return supervisor, recommendations


def batch_reminders(database_url: str, storage: str, count: int, language: Language) -> None:
    app = bench_app(database_url, storage)
    with app.test_request_context():
        db.drop_all()
        db.create_all()
        supervisor, recommendations = overdue_office(count, language)

        def remind(recommendation: Recommendation) -> int:
            letter = batch.remind(recommendation, actor=supervisor, language=language)
            db.session.commit()
            return letter.id

        started = time.perf_counter()
        each, ids = [], []
        for recommendation in recommendations:
            began = time.perf_counter()
            ids.append(remind(recommendation))
            each.append((time.perf_counter() - began) * 1000)
        seconds = time.perf_counter() - started
        letters = batch.letters_in_order(ids) or []
        combined: list[bytes] = []
        combine_ms = timed(lambda: combined.append(batch.combined_pdf(letters,
                                                                       actor=supervisor)))
        db.session.commit()
        pages = len(PdfReader(io.BytesIO(combined[0])).pages)
        print(f"{db.engine.url.render_as_string(hide_password=True)}, letters in {language}:")
    print(f"batch of {count} reminders: create+sign (DB, render, store) {seconds:.1f} s, "
          f"{count / seconds * 60:.0f} a minute; each {percentiles(each)}")
    print(f"combined PDF of {count}: {combine_ms / 1000:.2f} s, {pages} pages, "
          f"{len(combined[0]) / 1024 / 1024:.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--pages", type=int, default=1, help="about this many pages a letter")
    parser.add_argument("--reminders", type=int, default=100,
                        help="reminders in the batch through the database (0: skip it)")
    parser.add_argument("--language", default="ru", choices=[lang.value for lang in Language])
    parser.add_argument("--database-url", help="default: SQLite in a temporary directory")
    args = parser.parse_args()
    render_letters(args.runs, args.batch, args.pages)
    if args.reminders:
        with tempfile.TemporaryDirectory(prefix="casework-bench-") as tmp:
            batch_reminders(args.database_url or f"sqlite:///{tmp}/bench.db", tmp,
                            args.reminders, Language(args.language))


if __name__ == "__main__":
    main()
