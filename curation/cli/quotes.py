"""`curation quotes`: the same quote as reported by several documents, and who each says said it."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from curation.cli.app import app, console, print_whole, progress_bar, user_errors
from curation.cli.options import JsonOption, QuietOption, SchemaOption
from curation.quotes import DEFAULT_CONTAINMENT, QuoteGroup, group_quotes_in_file
from curation.schema import resolve_schema


def groups_as_json(groups: list[QuoteGroup]) -> str:
    """The groups as a JSON array (one object per group, its occurrences inside)."""
    return json.dumps(
        [
            {
                "text": g.text,
                "documents": g.documents,
                "speakers": g.speakers,
                "conflict": g.conflict,
                "occurrences": [dataclasses.asdict(o) for o in g.occurrences],
            }
            for g in groups
        ],
        ensure_ascii=False,
        indent=2,
    )


def groups_table(groups: list[QuoteGroup]) -> Table:
    """One row per occurrence, a section per group; conflicting attributions are flagged in red."""
    table = Table(title=f"{len(groups)} quotes reported by several documents", show_lines=False)
    for column in ("#", "source", "document", "quote", "speaker", "cue"):
        table.add_column(column, overflow="fold")
    for number, group in enumerate(groups, start=1):
        flag = " [bold red]different speakers[/]" if group.conflict else ""
        for i, occ in enumerate(group.occurrences):
            # Text from the data is escaped: a quote or path containing "[/bold]" is shown, not obeyed.
            named = occ.canonical or occ.speaker
            speaker = escape(named) if named else "[dim](none)[/]"
            if occ.speaker and occ.canonical and occ.speaker != occ.canonical:
                speaker += f" [dim]({escape(occ.speaker)})[/]"
            table.add_row(
                f"{number}{flag}" if i == 0 else "",
                escape(occ.source or ""),
                escape(occ.doc_id),
                escape(occ.text),
                speaker,
                escape(occ.cue or ""),
                end_section=i == len(group.occurrences) - 1,
            )
    return table


@app.command("quotes")
@user_errors
def quotes_cmd(
    records: Annotated[Path, typer.Argument(help="JSONL records (annotate or pull output).")],
    min_docs: Annotated[
        int, typer.Option("--min-docs", min=1, help="Show quotes reported by at least this many documents.")
    ] = 2,
    containment: Annotated[
        float,
        typer.Option(
            "--containment",
            min=0.0,
            max=1.0,
            help="Share of the shorter quote's word 3-grams that must occur in the other to group them.",
        ),
    ] = DEFAULT_CONTAINMENT,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
    schema: SchemaOption = None,
) -> None:
    """List quotes grouped across documents, each outlet's attribution, and flag different speakers.

    Example: curation quotes preannotations.jsonl --min-docs 2
    """
    with progress_bar("reading documents", quiet) as progress:
        groups = group_quotes_in_file(
            records,
            min_docs=min_docs,
            min_containment=containment,
            progress=progress,
            schema=resolve_schema(schema),
        )
    if as_json:
        typer.echo(groups_as_json(groups))
    else:
        print_whole(groups_table(groups))
        conflicts = sum(g.conflict for g in groups)
        if conflicts:
            console.print(f"[bold red]{conflicts} group(s) attribute the same words to different speakers[/]")
