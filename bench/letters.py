"""Letters as PDF: the first render in a process, the warm render of one letter, and a batch.

    .venv/bin/python -m bench.letters [--runs 20] [--batch 100] [--pages 1]

Renders through the application's own path (casework.letters.documents.letter_pdf): the
Jinja template in the letter's language, then WeasyPrint with the bundled fonts. Needs no
database. Figures measured so far are in bench/README.md.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date

from casework import create_app
from casework.letters.documents import LetterContent, letter_pdf
from casework.reference.models import Language

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


def timed(render) -> float:
    started = time.perf_counter()
    render()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--pages", type=int, default=1, help="about this many pages a letter")
    args = parser.parse_args()
    app = create_app()
    with app.test_request_context():
        first = timed(lambda: letter_pdf(letter(0, args.pages)))
        warm = [timed(lambda n=n: letter_pdf(letter(n, args.pages))) for n in range(args.runs)]
        started = time.perf_counter()
        size = sum(len(letter_pdf(letter(n, args.pages))) for n in range(args.batch))
        batch_seconds = time.perf_counter() - started
    warm.sort()
    print(f"first render in the process: {first:.0f} ms")
    print(f"warm render: median {statistics.median(warm):.1f} ms, "
          f"p95 {warm[int(0.95 * (len(warm) - 1))]:.1f} ms ({args.runs} letters)")
    print(f"batch of {args.batch}: {batch_seconds:.1f} s, "
          f"{args.batch / batch_seconds * 60:.0f} letters per minute, "
          f"{size / args.batch / 1024:.0f} KB per letter")


if __name__ == "__main__":
    main()
