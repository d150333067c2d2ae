"""`curation ingest`: articles (text files, folders, JSONL, brat corpora) into one docs.jsonl."""

from __future__ import annotations

import enum
from collections import Counter
from pathlib import Path
from typing import Annotated, cast

import typer
from rich.markup import escape

from curation.cli.app import app, console, echo_json, err_console, fields_of, progress_bar, user_errors
from curation.cli.options import JsonOption, OutFile, QuietOption, SchemaOption
from curation.ingest import IngestReport, ingest
from curation.ingest.paths import Format
from curation.schema import resolve_schema


class InputFormat(enum.StrEnum):
    auto = "auto"
    text = "text"
    jsonl = "jsonl"
    brat = "brat"


@app.command("ingest")
@user_errors
def ingest_cmd(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Text files, folders (read recursively), JSONL files, brat folders.", metavar="PATH..."
        ),
    ],
    out: OutFile,
    text_field: Annotated[
        str, typer.Option("--text-field", help="JSONL field that holds the article text.")
    ] = "text",
    fmt: Annotated[
        InputFormat,
        typer.Option("--format", help="Input format; auto: by extension, folders with .ann files are brat."),
    ] = InputFormat.auto,
    mapping: Annotated[
        Path | None,
        typer.Option("--mapping", help="brat label mapping (default: schemas/mappings/polnear.yaml)."),
    ] = None,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
    schema: SchemaOption = None,
) -> None:
    """Read articles into document records; boilerplate goes to each record's `removed`.

    Ids come from the text, so exact duplicates are kept once.

    Bad inputs (binary, not UTF-8, empty, a malformed JSONL line) are skipped, one line each.

    Exit code 1 only when nothing could be read or a given path does not exist.

    Example: curation ingest seeds/ more/article.txt feed.jsonl -o docs.jsonl
    """
    report = IngestReport()
    try:
        with progress_bar("ingesting", quiet) as progress:
            ingest(
                paths,
                out,
                report=report,
                progress=progress,
                text_field=text_field,
                fmt=cast(Format, fmt.value),
                mapping=mapping,
                schema=resolve_schema(schema),
            )
    finally:
        _print_problems(report)
    if as_json:
        echo_json({"out": out, **fields_of(report)})
        return
    _print_summary(report, out)


def _print_problems(report: IngestReport) -> None:
    for message in report.messages:
        err_console.print(f"[yellow]skipped:[/] {escape(message)}", highlight=False, soft_wrap=True)
    for message in report.duplicate_messages:
        err_console.print(f"[dim]duplicate:[/] {escape(message)}", highlight=False, soft_wrap=True)


def _print_summary(report: IngestReport, out: Path) -> None:
    noun = "document" if report.written == 1 else "documents"
    lines = [
        f"Wrote {report.written} {noun} to {escape(str(out))}.",
        f"Duplicates dropped: {report.duplicates} (each text is kept once).",
        f"Skipped: {report.skipped}"
        + (f" ({_by_reason(report.skipped_by_reason)})." if report.skipped else "."),
        f"Boilerplate pieces removed: {sum(report.removed.values())}"
        + (f" ({_by_reason(report.removed)})." if report.removed else "."),
    ]
    if report.ignored:
        lines.append(f"Files with other extensions ignored: {report.ignored}.")
    for line in lines:
        console.print(line, highlight=False, soft_wrap=True)


def _by_reason(counts: Counter[str]) -> str:
    return ", ".join(f"{reason} {count}" for reason, count in sorted(counts.items()))
