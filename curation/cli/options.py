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
A new command uses these; a new shared option is added here, not in the command's module.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

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
