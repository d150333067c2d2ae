"""`curation annotate` (pre-annotate records with the spaCy components) and `curation summary`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from curation.cli.app import (
    Engine,
    app,
    console,
    echo_json,
    err_console,
    fields_of,
    progress_bar,
    user_errors,
)
from curation.cli.options import (
    EngineOption,
    JsonOption,
    ModelOption,
    NProcessOption,
    OutFile,
    QuietOption,
    SchedulerOption,
    SchemaOption,
    WorkersOption,
    engine_choice,
)
from curation.jsonl import read_documents
from curation.summary import summarize


@app.command("annotate")
@user_errors
def annotate_cmd(
    inputs: Annotated[
        list[Path],
        typer.Argument(
            help="docs.jsonl from `curation ingest`, or raw paths (ingested on the fly).", metavar="PATH..."
        ),
    ],
    out: OutFile,
    model: ModelOption = None,
    n_process: NProcessOption = 1,
    batch_size: Annotated[
        int, typer.Option("--batch-size", min=1, help="Documents per nlp.pipe batch.")
    ] = 32,
    engine: EngineOption = Engine.spacy,
    workers: WorkersOption = 2,
    scheduler: SchedulerOption = None,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
    schema: SchemaOption = None,
) -> None:
    """Find quotes, speakers, cues and claims; write one record per document with scored spans.

    Example: curation annotate docs.jsonl -o preannotations.jsonl --n-process 2
    Example: curation annotate docs.jsonl -o preannotations.jsonl --engine dask --workers 4
    """
    # spaCy is imported here, not at module level, so that every other command starts fast.
    from curation.annotate import annotate_file

    dask = engine_choice(engine, workers, scheduler)
    from curation.schema import resolve_schema

    labels = resolve_schema(schema)  # must hold what the extractor writes: checked before anything runs
    skipped: list[str] = []
    try:
        with progress_bar("annotating", quiet, total=_count_records(inputs)) as progress:
            stats = annotate_file(
                inputs,
                out,
                batch_size=batch_size,
                n_process=n_process,
                progress=progress,
                skipped=skipped,
                dask=dask,
                model=model,
                schema=labels,
            )
    finally:
        for message in skipped:
            err_console.print(f"[yellow]skipped:[/] {escape(message)}", highlight=False, soft_wrap=True)
    if as_json:
        echo_json({"out": out, **fields_of(stats), "skipped": skipped})
        return
    found = ", ".join(f"{n} {label}" for label, n in sorted(stats.labels.items()))
    console.print(
        f"annotated {stats.documents} documents ({stats.words} words): {found or 'no spans'} -> {out}"
        + (f"; skipped {len(skipped)}" if skipped else ""),
        highlight=False,
    )


def _count_records(inputs: list[Path]) -> int | None:
    """Lines in JSONL inputs (the progress bar's total); None (a spinner) for raw paths."""
    if not all(p.suffix == ".jsonl" and p.is_file() for p in inputs):
        return None
    total = 0
    for path in inputs:
        with open(path, encoding="utf-8", errors="replace") as fh:
            total += sum(1 for line in fh if line.strip())
    return total


@app.command("summary")
@user_errors
def summary_cmd(
    path: Annotated[Path, typer.Argument(help="Pre-annotated (or gold) records, e.g. preannotations.jsonl.")],
    words: Annotated[int, typer.Option("--words", min=1, help="First words of each quote to show.")] = 8,
    as_json: JsonOption = False,
    schema: SchemaOption = None,
) -> None:
    """Print, per document, its quotes by kind with speaker and first words, and its claims count.

    Example: curation summary preannotations.jsonl
    """
    import dataclasses
    import json

    from curation.schema import resolve_schema

    labels = resolve_schema(schema)
    for record in read_documents(path, labels):
        s = summarize(record, first_words=words, schema=labels)
        if as_json:  # one JSON object per document (JSON lines), streamed
            typer.echo(json.dumps(dataclasses.asdict(s), ensure_ascii=False))
            continue
        total = sum(len(v) for v in s.quotes.values())
        console.rule(f"[bold]{escape(s.title)}[/] [dim]{s.id}[/]", align="left")
        counts = ", ".join(f"{len(v)} {kind}" for kind, v in s.quotes.items())
        console.print(f"{total} quotes ({counts}); {s.claims} claims", highlight=False)
        for kind, lines in s.quotes.items():
            for q in lines:
                speaker = escape(q.speaker) if q.speaker else "[dim](no speaker)[/]"
                console.print(f"  [cyan]{kind:<8}[/] {speaker}: “{escape(q.words)}”", highlight=False)
