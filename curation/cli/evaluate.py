"""`curation evaluate` and `curation agreement`: figures of extractors and of annotators."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from curation.cli.app import app, console, err_console, fail, print_whole, progress_bar, user_errors
from curation.cli.options import JsonOption, ModelOption, QuietOption, SchemaOption, ThresholdOption
from curation.evaluate.metrics import DEFAULT_THRESHOLD


@app.command("evaluate")
@user_errors
def evaluate_command(
    gold: Annotated[
        Path, typer.Option("--gold", help="Gold records (.jsonl) or an exported dataset version directory.")
    ],
    pred: Annotated[
        list[Path] | None,
        typer.Option(
            "--pred", help="Predicted records (.jsonl); repeat for several systems.", metavar="FILE"
        ),
    ] = None,
    system: Annotated[
        list[str] | None,
        typer.Option("--system", help="Run a built-in system on the gold texts: spacy.", metavar="NAME"),
    ] = None,
    threshold: ThresholdOption = DEFAULT_THRESHOLD,
    as_json: JsonOption = False,
    html: Annotated[
        Path | None, typer.Option("--html", help="Also write a self-contained HTML report here.")
    ] = None,
    model: ModelOption = None,
    quiet: QuietOption = False,
    schema: SchemaOption = None,
) -> None:
    """Score predictions against gold: P/R/F1 per label and quote kind, speaker and cue accuracy, char F1.

    Matching is one to one; a prediction matches a gold span when it covers --threshold of it.

    Example: curation evaluate --gold gold.jsonl --pred preannotations.jsonl --system spacy --html report.html
    """
    from curation.atomic import atomic_write
    from curation.evaluate.report import render_html, render_table, to_json, unscored_labels
    from curation.evaluate.run import evaluate_paths
    from curation.schema import resolve_schema

    preds, systems = pred or [], system or []
    if html is not None and html.is_dir():
        raise fail(f"--html {html} is a directory: give a file name, e.g. {html / 'report.html'}")
    with progress_bar("scoring", quiet) as progress:
        evaluations = evaluate_paths(
            gold,
            preds,
            systems,
            threshold=threshold,
            model=model,
            schema=resolve_schema(schema),
            progress=progress,
        )
    if html is not None:
        with atomic_write(html) as fh:
            fh.write(render_html(evaluations, title=f"curation evaluate: {gold.name}"))
    if as_json:
        typer.echo(to_json(evaluations))
        return
    print_whole(render_table(evaluations))
    for label, count in unscored_labels(evaluations).items():
        err_console.print(
            f"not scored: {label} ({count} predicted) is not annotated in {gold}",
            markup=False,
            highlight=False,
        )
    for ev in evaluations:
        if ev.without_prediction:
            err_console.print(
                f"{ev.system}: {ev.without_prediction} gold documents had no prediction (scored empty)"
            )
    if html is not None:
        console.print(f"report written to {html}", markup=False, highlight=False)


@app.command("agreement")
@user_errors
def agreement_command(
    records: Annotated[Path, typer.Argument(help="Records pulled with several annotators (.jsonl).")],
    pre: Annotated[
        Path | None, typer.Option("--pre", help="The pre-annotations the work started from (.jsonl).")
    ] = None,
    threshold: ThresholdOption = DEFAULT_THRESHOLD,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
    schema: SchemaOption = None,
) -> None:
    """Agreement between annotators (span F1, Cohen's kappa, Krippendorff's alpha) and their corrections.

    Corrections: the share of pre-annotated spans annotators kept, moved or deleted, and spans they added.

    Example: curation agreement gold.jsonl --pre preannotations.jsonl
    """
    import json

    from curation.evaluate.agreement import measure_agreement, render_agreement
    from curation.schema import resolve_schema

    with progress_bar("comparing annotators", quiet) as progress:
        report = measure_agreement(
            records, pre, threshold=threshold, schema=resolve_schema(schema), progress=progress
        )
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        return
    for table in render_agreement(report):
        print_whole(table)
