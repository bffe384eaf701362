"""Progress and the end-of-run summary for people at a terminal.

rich draws a progress bar only when stderr is a terminal, so logs and CI output stay clean;
the summary goes to stdout either way.
"""

from __future__ import annotations

from types import TracebackType
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from pipeline.document import QUALITY_FLAGS
from pipeline.langtags import display_name
from pipeline.runner import Outcome, RunReport


class RunProgress:
    """A progress bar over documents, advanced once per outcome."""

    def __init__(self, total: int, enabled: bool) -> None:
        self._progress = (
            Progress(
                TextColumn("[bold]docpipe[/bold]"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[status]}"),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            if enabled
            else None
        )
        self._task = self._progress.add_task("run", total=total, status="") if self._progress else None
        self._counts = {"written": 0, "skipped": 0, "failed": 0}

    def __enter__(self) -> RunProgress:
        if self._progress:
            self._progress.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._progress:
            self._progress.stop()

    def advance(self, outcome: Outcome) -> None:
        self._counts[outcome.status] += 1
        if self._progress and self._task is not None:
            status = " ".join(f"{k} {v}" for k, v in self._counts.items())
            self._progress.update(self._task, advance=1, status=status)


def print_summary(report: RunReport, stream: TextIO) -> None:
    console = Console(file=stream, highlight=False, soft_wrap=True)
    table = Table(title=f"docpipe run {report.run_id}", show_header=False, title_justify="left")
    table.add_column("what", style="bold")
    table.add_column("value")
    table.add_row("destination", report.destination)
    table.add_row("documents", f"{len(report.outcomes)} seen")
    table.add_row("processed", str(report.count("written")))
    table.add_row("skipped", f"{report.count('skipped')} (unchanged)")
    table.add_row("failed", f"{report.count('failed')} (see errors/)")
    languages = report.languages()
    table.add_row(
        "content languages",
        ", ".join(f"{lang} ({display_name(lang)}) {n}" for lang, n in languages.items()) or "-",
    )
    tr = report.translations
    table.add_row(
        "segments",
        f"{tr.get('translated', 0)} translated, {tr.get('no_model', 0)} awaiting a model, {tr.get('failed', 0)} failed",
    )
    flagged = report.flagged()
    if flagged:  # pages worth a look: walls (the scraper was blocked) and article fallbacks
        table.add_row("flagged", "; ".join(f"{len(ids)} {flag.replace('_', ' ')} ({QUALITY_FLAGS.get(flag, '?')})"
                                           for flag, ids in flagged.items()))
    table.add_row("time", f"{report.seconds:.1f} s")
    table.add_row("manifest", report.manifest_key)
    if not report.completed:
        table.add_row("status", f"[red]incomplete[/red]: {report.error}")
    console.print(table)
