"""Letter documents: DOCX and PDF of a full letter with 1, 193 and 5,000 signatories.

    python -m bench.documents             # 1, 193 and 5,000 signatories, 5 timed runs each
    python -m bench.documents --runs 9    # more runs
    python -m bench.documents --quick     # 1 and 193 only, 3 runs

In this process, no app and no Slack: bot/documents builds from a LetterDocument. Each letter has every part
(date, two addressees, Re line, salutation, a body with bold, italic and a numbered list, closing, the lead,
the other signatories, two late signatories, two cc entries, footer). 193 is the seed letter of the tests
(tests/data/seed_letter_193.txt, with Chinese and Korean names); 5,000 are bench.common.org_names (the 568
real names first), the lead first and the rest A-Z as the letter prints them. The first build of each
format pays for imports and font loading and is shown apart; then the median (and range) of the timed runs.

A second table builds the 5,000 in the layouts a coordinator can choose: one column, and grouped by state (the
signers' "city, state" spread over the 50 states, DC and Puerto Rico, one in ten with none), in two columns
and in one; the grouping (reading each state, sorting the groups) is timed with the build.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import time
import unicodedata
from collections.abc import Callable
from io import BytesIO

from pypdf import PdfReader

from bench import common
from bench.common import ms, note, table
from bot.delivery.documents import signatory_sections
from bot.documents import LetterDocument, build_docx, build_pdf
from bot.documents.fonts import discover_fallback_fonts
from bot.messages import ENGLISH
from bot.services.export import ExportRow, ordered_rows
from db.enums import SignatoryGrouping
from tests.documents.samples import letter, seed_names

LEAD = "Detention Watch Network"


def _sort_key(name: str) -> tuple[str, str]:
    folded = name.casefold()
    return "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c)), folded


def signatories(count: int) -> list[str]:
    if count == 1:
        return [LEAD]
    if count == len(seed_names()):
        return seed_names()
    others = sorted((name for name in common.org_names(count) if name != LEAD), key=_sort_key)[: count - 1]
    return [LEAD, *others]


STATES = [
    "AL",
    "AK",
    "AZ",
    "AR",
    "CA",
    "CO",
    "CT",
    "DE",
    "FL",
    "GA",
    "HI",
    "ID",
    "IL",
    "IN",
    "IA",
    "KS",
    "KY",
    "LA",
    "ME",
    "MD",
    "MA",
    "MI",
    "MN",
    "MS",
    "MO",
    "MT",
    "NE",
    "NV",
    "NH",
    "NJ",
    "NM",
    "NY",
    "NC",
    "ND",
    "OH",
    "OK",
    "OR",
    "PA",
    "RI",
    "SC",
    "SD",
    "TN",
    "TX",
    "UT",
    "VT",
    "VA",
    "WA",
    "WV",
    "WI",
    "WY",
    "DC",
    "PR",
]


def by_state(names: list[str], columns: object) -> Callable[[Callable[[LetterDocument], bytes]], Callable[[], bytes]]:
    """A build that groups the signatories by state first, as an export does, then lays the letter out."""
    rows = [
        ExportRow(name, index, city_state="" if index % 10 == 0 else f"Springfield, {STATES[index % len(STATES)]}")
        for index, name in enumerate(names[1:], start=1)
    ]
    ordered = ordered_rows([names[0]], rows)

    def with_builder(build: Callable[[LetterDocument], bytes]) -> Callable[[], bytes]:
        def run() -> bytes:
            sections = signatory_sections(ENGLISH, ordered, SignatoryGrouping.STATE)
            return build(letter(names, sections=sections, columns=columns))

        return run

    return with_builder


def timed(
    build: Callable[[LetterDocument], bytes], doc: LetterDocument, runs: int
) -> tuple[float, list[float], list[float], int]:
    """The first call's wall time; each timed run's wall time and this process's CPU time; the size."""
    started = time.perf_counter()
    data = build(doc)
    first = time.perf_counter() - started
    times, cpu = repeat(lambda: build(doc), runs)
    return first, times, cpu, len(data)


def repeat(run: Callable[[], object], runs: int) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds of each run. The CPU time of this process is what a build costs; on a machine
    that others keep busy the wall time is longer by the time it waited for a core."""
    times, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        run()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return times, cpu


def pdf_pages(doc: LetterDocument) -> int:
    return len(PdfReader(BytesIO(build_pdf(doc))).pages)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=None, help="timed runs per size and format (default 5)")
    parser.add_argument("--quick", action="store_true", help="1 and 193 signatories only, 3 runs")
    parser.add_argument("--no-wait", action="store_true", help="do not wait for other processes to go quiet")
    args = parser.parse_args()
    runs = args.runs or (3 if args.quick else 5)
    sizes = (1, 193) if args.quick else (1, 193, 5000)
    # Names no font here can draw (the Arabic and Devanagari ones among the 5,000) are logged at each build.
    logging.getLogger("bot.documents").setLevel(logging.ERROR)

    common.print_machine()
    fallback = discover_fallback_fonts()
    note(f"PDF fallback fonts: {', '.join(str(path) for path in fallback) or 'none'}")
    if not args.no_wait:
        note(common.wait_for_quiet_machine(max_wait=120))
    common.heading(f"Build time: first call, then the median (min-max) of {runs} runs")
    rows = []
    with common.CpuAccount() as account:
        for count in sizes:
            names = signatories(count)
            doc = letter(names) if count > 1 else letter(names, late_sections=())
            for label, build in (("DOCX", build_docx), ("PDF", build_pdf)):
                first, times, cpu, size = timed(build, doc, runs)
                pages = str(pdf_pages(doc)) if label == "PDF" else ""
                rows.append(
                    [
                        f"{count:,} signator{'y' if count == 1 else 'ies'}, {label}",
                        ms(first),
                        f"{ms(statistics.median(times))} ({min(times) * 1000:,.0f}-{max(times) * 1000:,.0f})",
                        ms(statistics.median(cpu)),
                        f"{size / 1024:,.0f} KiB",
                        pages,
                    ]
                )
    print(table(rows, ["document", "first call", "median (min-max ms)", "CPU median", "size", "PDF pages"]))
    note(account.describe())
    if not args.quick:
        layouts(runs)
    return 0


def layouts(runs: int) -> None:
    names = signatories(5000)
    common.heading(f"5,000 signatories in each layout: the median (min-max) of {runs} runs, grouping included")
    rows = []
    with common.CpuAccount() as account:
        for label, make in (
            ("one column", lambda build: lambda: build(letter(names, columns=1))),
            ("by state, two columns", by_state(names, "auto")),
            ("by state, one column", by_state(names, 1)),
        ):
            for kind, build in (("DOCX", build_docx), ("PDF", build_pdf)):
                run = make(build)
                data = run()
                times, cpu = repeat(run, runs)
                pages = str(len(PdfReader(BytesIO(data)).pages)) if kind == "PDF" else ""
                median = f"{ms(statistics.median(times))} ({min(times) * 1000:,.0f}-{max(times) * 1000:,.0f})"
                size = f"{len(data) / 1024:,.0f} KiB"
                rows.append([f"{label}, {kind}", median, ms(statistics.median(cpu)), size, pages])
    print(table(rows, ["5,000 signatories", "median (min-max ms)", "CPU median", "size", "PDF pages"]))
    note(account.describe())


if __name__ == "__main__":
    sys.exit(main())
