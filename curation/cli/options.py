"""Options shared by several commands, declared once (as sqlite-utils shares its option decorators).

One name, one meaning, everywhere:
- `--out/-o FILE`: the file a command writes (a folder only where the help says so: `export --out`).
- `--schema FILE`: the label schema the command works with (default: CURATION_SCHEMA, else the packaged
  schemas/labels.yaml); records are read and written under it.
- `--json`: print the results as JSON on stdout instead of tables or lines.
- `--quiet/-q`: no progress display; the results and errors still print.
- `--model NAME`: the spaCy pipeline (default: CURATION_MODEL).
- `--url` / `--api-key`: a Label Studio server (default: LABEL_STUDIO_URL / LABEL_STUDIO_API_KEY, else the
  managed server).
- `--project/-p TITLE`: a Label Studio project title.
- `--out/-o FILE` of pull and review pull: the gold store merged into (GoldStoreOption).
- `--mode documents|decisions` (push, pull): full-editor tasks, or one accept/reject task per unit.
- `--method`, `--min-agree`, `--prefer` (adjudicate, export, review push): the adjudication policy.
- `--threshold X` (evaluate, agreement): the share of a span another span must cover to match it
  (`quotes` groups by `--containment`, a different measure, hence a different name).
- `--n-process N`, `--engine spacy|dask`, `--workers N`, `--scheduler ADDRESS`: where the per-document work
  runs (annotate, export): N local processes, or a Dask cluster (`engine_choice` checks them).
A new command uses these; a new shared option is added here, not in the command's module.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from curation.cli.app import Engine, fail
from curation.gold.adjudicate import METHODS, Method

if TYPE_CHECKING:
    from curation.cluster import DaskOptions

OutFile = Annotated[Path, typer.Option("--out", "-o", help="The file to write.", metavar="FILE")]
SchemaOption = Annotated[
    Path | None,
    typer.Option(
        "--schema",
        help="Label schema YAML (default: CURATION_SCHEMA, else the packaged schemas/labels.yaml).",
        metavar="FILE",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the results as JSON instead of tables.")]
QuietOption = Annotated[
    bool, typer.Option("--quiet", "-q", help="No progress display (results and errors still print).")
]
ModelOption = Annotated[
    str | None,
    typer.Option("--model", help="spaCy pipeline to use (default: CURATION_MODEL).", metavar="NAME"),
]
UrlOption = Annotated[
    str | None,
    typer.Option(
        "--url", help="Label Studio URL (default: LABEL_STUDIO_URL, else the managed server).", metavar="URL"
    ),
]
KeyOption = Annotated[
    str | None,
    typer.Option(
        "--api-key",
        help="API token (default: LABEL_STUDIO_API_KEY, else the managed server's).",
        show_default=False,
        metavar="TOKEN",
    ),
]
ProjectOption = Annotated[
    str, typer.Option("--project", "-p", help="Label Studio project title.", metavar="TITLE")
]
GoldStoreOption = Annotated[
    Path, typer.Option("--out", "-o", help="Gold store (JSONL) to merge into.", metavar="FILE")
]
ModeOption = Annotated[
    Literal["documents", "decisions"],
    typer.Option(
        "--mode",
        help="documents: one task per document in the full editor; decisions: one accept/reject task "
        "per predicted quote or claim, in the project 'PROJECT · decisions'.",
    ),
]
MethodOption = Annotated[
    Method,
    typer.Option(
        "--method",
        help=f"How several annotators' versions become one record: {', '.join(METHODS)}.",
    ),
]
MinAgreeOption = Annotated[
    int | None,
    typer.Option(
        "--min-agree", min=1, help="majority: annotators needed to keep a unit (default: over half)."
    ),
]
PreferOption = Annotated[
    list[str] | None,
    typer.Option(
        "--prefer",
        help="prefer: this annotator's version wins (repeat for a fallback order).",
        metavar="ANNOTATOR",
    ),
]
ThresholdOption = Annotated[
    float,
    typer.Option("--threshold", help="Share (0 to 1) of a span another span must cover to match it."),
]
NProcessOption = Annotated[
    int, typer.Option("--n-process", min=1, help="Processes doing the work on this machine (--engine spacy).")
]
EngineOption = Annotated[
    Engine,
    typer.Option("--engine", help="spacy: this machine (--n-process); dask: a Dask cluster."),
]
WorkersOption = Annotated[
    int, typer.Option("--workers", min=1, help="--engine dask: worker processes of a local cluster.")
]
SchedulerOption = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        help="--engine dask: address of a running Dask scheduler (e.g. tcp://10.0.0.5:8786) "
        "instead of a local cluster.",
        metavar="ADDRESS",
    ),
]


def engine_choice(engine: Engine, workers: int, scheduler: str | None) -> DaskOptions | None:
    """The Dask cluster to use (None: this machine), refusing --scheduler without --engine dask."""
    from curation.cluster import DaskOptions

    if scheduler is not None and engine is not Engine.dask:
        raise fail("--scheduler needs --engine dask")
    return DaskOptions(workers=workers, scheduler=scheduler) if engine is Engine.dask else None
