"""`curation train`: a loadable spaCy pipeline learned from an exported dataset version."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from curation.cli.app import app, console, err_console, print_whole, progress_bar, user_errors
from curation.cli.options import JsonOption, QuietOption


@app.command("train")
@user_errors
def train_cmd(
    dataset: Annotated[
        Path, typer.Argument(help="An exported dataset version (exports/NAME/vX.Y.Z) to learn from.")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="The new model directory to write.")],
    base: Annotated[
        str | None,
        typer.Option("--base", help="Base spaCy pipeline: tokens and parse (default: CURATION_MODEL)."),
    ] = None,
    max_minutes: Annotated[
        float,
        typer.Option(
            "--max-minutes",
            min=0,
            help="Stop after this many minutes of the whole run, reading and parsing included (0: no limit).",
        ),
    ] = 0,
    max_epochs: Annotated[
        int | None,
        typer.Option(
            "--max-epochs",
            min=1,
            help="Passes over the train split (default: curation.train.run.DEFAULT_EPOCHS, see the README).",
        ),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Random seed of the training run.")] = 0,
    speaker_ranker: Annotated[
        bool,
        typer.Option(
            "--speaker-ranker",
            help="Also learn a re-ranker of each learned quote's speaker (experimental: no gain on PolNeAR).",
        ),
    ] = False,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
) -> None:
    """Learn attribution cues from the train split (epoch chosen on validation), joined with the rules.

    The model directory loads with spacy.load(MODEL_DIR) and pre-annotates with
    `curation annotate docs.jsonl -o pre.jsonl --model MODEL_DIR`; its meta.json names the dataset
    version, base pipeline, seed and scores on the validation and test splits.

    Example: curation train exports/news/v0.2.0 -o models/news-v0.2.0 --max-minutes 30
    """
    from curation.train import train_pipeline
    from curation.train.run import DEFAULT_EPOCHS, FIGURES

    def on_row(row: dict[str, Any]) -> None:
        if not quiet:
            err_console.print(
                f"epoch {row['epoch']:>2}  step {row['step']:>5}  loss {row['loss']:>9.2f}  "
                f"validation cues P {_f(row['precision'])} R {_f(row['recall'])} F {_f(row['f1'])}  "
                f"judge F {_f(row.get('judge_f1'))}  "
                f"{row['seconds']:>6.0f}s",
                highlight=False,
            )

    with progress_bar("training", quiet) as progress:
        result = train_pipeline(
            dataset,
            out,
            base=base,
            max_minutes=max_minutes,
            max_epochs=max_epochs or DEFAULT_EPOCHS,
            seed=seed,
            speaker_ranker=speaker_ranker,
            on_row=on_row,
            progress=progress,
        )
    for warning in result.warnings:
        err_console.print(f"[yellow]warning:[/] {escape(warning)}", highlight=False, soft_wrap=True)
    if as_json:
        figures = {
            "model_dir": str(out),
            "seconds": result.seconds,
            "stopped": result.stopped,
            "chosen_on": result.chosen_on,
            "splits": {n: {"documents": s.documents, "quotes": s.quotes} for n, s in result.splits.items()},
            "scores": result.scores,
        }
        typer.echo(json.dumps(figures, indent=2))
        return
    table = Table(
        title=f"trained {out} in {result.seconds / 60:.1f} min"
        + (f" ({result.stopped})" if result.stopped else "")
    )
    for column in ("split", "docs", "quotes", *FIGURES.values()):
        table.add_column(column, justify="left" if column == "split" else "right")
    for name, split in result.splits.items():
        scores = result.scores.get(name, {})
        table.add_row(name, str(split.documents), str(split.quotes), *(_f(scores.get(k)) for k in FIGURES))
    print_whole(table)
    console.print(
        f"load it: spacy.load({str(out)!r}); annotate: curation annotate DOCS -o PRE --model {out}",
        highlight=False,
    )


def _f(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"
