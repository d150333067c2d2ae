"""`curation schema`: write the JSON Schema of the document record into schemas/."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from curation.cli.app import app, console, user_errors
from curation.jsonschema import RECORD_SCHEMA_PATH, write_record_schema


@app.command("schema")
@user_errors
def schema_cmd(
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write it.")] = RECORD_SCHEMA_PATH,
    check: Annotated[bool, typer.Option("--check", help="Fail if the file on disk is stale.")] = False,
) -> None:
    """Generate the JSON Schema of the document record from the pydantic models.

    Example: curation schema --check
    """
    changed = write_record_schema(out, check_only=check)
    if check and changed:
        raise typer.Exit(1)
    state = "stale" if changed and check else "up to date" if not changed else "written"
    console.print(f"{out}: {state}", markup=False, highlight=False)
