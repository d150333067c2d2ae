"""`curation export` (a versioned Hugging Face dataset from records) and `curation diff` (two versions)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer
from rich.console import Console
from rich.markup import escape

from curation.cli.app import (
    Engine,
    app,
    console,
    echo_json,
    err_console,
    fail,
    plain,
    progress_bar,
    user_errors,
)
from curation.cli.gold import policy_of, print_adjudication
from curation.cli.options import (
    EngineOption,
    JsonOption,
    MethodOption,
    MinAgreeOption,
    NProcessOption,
    PreferOption,
    QuietOption,
    SchedulerOption,
    SchemaOption,
    WorkersOption,
    engine_choice,
)

if TYPE_CHECKING:
    from curation.export.privacy import PersonalData

# curation.export imports datasets and pyarrow (seconds): each command imports it when it runs, so that
# `curation --help` and the other commands start fast.


@app.command("export")
@user_errors
def export_cmd(
    records: Annotated[Path, typer.Argument(help="Records JSONL: pull output (gold) or annotate output.")],
    name: Annotated[str, typer.Option("--name", help="Dataset name: versions go to OUT/NAME/vX.Y.Z.")],
    out: Annotated[Path, typer.Option("--out", help="Folder holding every exported dataset.")] = Path(
        "exports"
    ),
    bump: Annotated[
        Literal["major", "minor", "patch"] | None,
        typer.Option("--bump", help="Which part of the latest version to raise (default: patch)."),
    ] = None,
    version: Annotated[str | None, typer.Option("--version", help="Exact new version X.Y.Z.")] = None,
    silver: Annotated[
        bool, typer.Option("--silver", help="Export unreviewed pre-annotations too, marked silver.")
    ] = False,
    train: Annotated[
        float, typer.Option("--train", min=0, max=1, help="Share of new groups in train.")
    ] = 0.8,
    validation: Annotated[float, typer.Option("--validation", min=0, max=1, help="... in validation.")] = 0.1,
    test: Annotated[float, typer.Option("--test", min=0, max=1, help="... in test.")] = 0.1,
    license: Annotated[str, typer.Option("--license", help="Licence id for the card.")] = "other",
    push_to_hub: Annotated[
        str | None,
        typer.Option("--push-to-hub", help="Hub dataset repo (user/name) to upload the version to."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="With --push-to-hub: only list what is sent.")
    ] = False,
    keep_annotator_ids: Annotated[
        bool,
        typer.Option(
            "--keep-annotator-ids",
            help="Keep annotators' names/e-mails (default: stable pseudonyms, mapping in CURATION_HOME).",
        ),
    ] = False,
    keep_paths: Annotated[
        bool, typer.Option("--keep-paths", help="Keep local directories in `source` (default: file name).")
    ] = False,
    method: MethodOption = "majority",
    min_agree: MinAgreeOption = None,
    prefer: PreferOption = None,
    as_json: JsonOption = False,
    n_process: NProcessOption = 1,
    engine: EngineOption = Engine.spacy,
    workers: WorkersOption = 2,
    scheduler: SchedulerOption = None,
    quiet: QuietOption = False,
    schema: SchemaOption = None,
) -> None:
    """Write the next immutable version of a dataset: parquet configs, card, manifest, changelog.

    A gold export (the default) keeps only human-reviewed records and reports the rest; --silver
    exports pre-annotations. An export with nothing changed writes nothing and says so. Documents
    done by several annotators are adjudicated (--adjudicate, default majority; a reviewer's record
    wins), and what was decided is printed and stated in the card.

    Example: curation export gold.jsonl --name quotes-news --bump minor --push-to-hub me/quotes-news --dry-run
    Example: curation export pre.jsonl --name quotes-silver --silver --n-process 2
    """
    from curation.export import ExportOptions, Ratios, export_dataset
    from curation.schema import resolve_schema

    if bump and version:
        raise fail("give --bump or --version, not both")
    options = ExportOptions(
        name=name,
        out=out,
        bump=bump or "patch",
        version=version,
        silver=silver,
        ratios=Ratios(train, validation, test),
        license=license,
        keep_annotator_ids=keep_annotator_ids,
        keep_paths=keep_paths,
        adjudication=policy_of(method, min_agree, prefer),
        schema=resolve_schema(schema),
        n_process=n_process,
        dask=engine_choice(engine, workers, scheduler),
    )
    # no display thread: export's local workers fork only while no other Python thread runs
    with progress_bar("reading records", quiet, threaded=False) as progress:
        result = export_dataset(records, options, progress=progress)
    for folder in result.cleaned:
        plain(err_console, f"removed {folder}: a temporary folder left by an interrupted export")
    if as_json:
        echo_json(result)
        if push_to_hub:
            _push(result.version_dir, push_to_hub, dry_run, err_console)
        return
    if result.adjudication is not None:
        print_adjudication(result.adjudication, "several annotators per document")
    if result.dropped_unreviewed:
        shown = ", ".join(result.dropped_unreviewed[:5]) + (
            " ..." if len(result.dropped_unreviewed) > 5 else ""
        )
        count = len(result.dropped_unreviewed)
        err_console.print(
            f"[yellow]left out {count} unreviewed documents[/] (gold export): {shown}",
            highlight=False,
            soft_wrap=True,
        )
    kind = "silver" if result.silver else "gold"
    splits = ", ".join(f"{n} {s}" for s, n in result.splits.items())
    if result.created:
        console.print(
            f"exported {kind} {name} v{result.version}: {result.documents} documents ({splits})",
            soft_wrap=True,
        )
        console.print(f"-> {escape(str(result.version_dir))}", highlight=False, soft_wrap=True)
    else:
        console.print(f"no change since {name} v{result.version}: no new version written", soft_wrap=True)
    plain(console, f'load it: datasets.load_dataset("{result.version_dir}", "quotes")')
    if push_to_hub:
        _push(result.version_dir, push_to_hub, dry_run)


def _push(version_dir: Path, repo: str, dry_run: bool, out: Console = console) -> None:
    """Upload (or list, with dry_run) the version; what it says goes to `out` (stderr under --json)."""
    from curation.export import plan_push, push_version

    plan = plan_push(version_dir, repo)
    _personal_data(plan.personal_data, version_dir, out)
    if dry_run:
        out.print(
            f"dry run: would upload {len(plan.files)} files ({plan.total_bytes:,} bytes)", highlight=False
        )
        plain(out, f"  to Hub dataset {plan.repo}, tagged {plan.revision}")
        for path, size in plan.files:
            out.print(f"  {size:>12,}  {escape(path)}", highlight=False, soft_wrap=True)
        return
    url = push_version(plan, version_dir)
    plain(out, f"pushed to {plan.repo} ({url}), tagged {plan.revision}")


def _personal_data(found: PersonalData | None, version_dir: Path, out: Console) -> None:
    """Say what personal data the version holds, before anything is uploaded."""
    if found is None:
        plain(
            err_console,
            f"personal data in {version_dir}: not recorded (exported by an older curation); "
            "export a new version to have annotators pseudonymised and paths stripped",
        )
        return
    plain(out, f"personal data in {version_dir}:")
    for line in found.lines():
        plain(out, f"  {line}")


@app.command("diff")
@user_errors
def diff_cmd(
    old: Annotated[Path, typer.Argument(help="The older version directory (exports/NAME/vX.Y.Z).")],
    new: Annotated[Path, typer.Argument(help="The newer version directory.")],
    as_json: JsonOption = False,
) -> None:
    """Print what changed between two export versions: documents and spans per label.

    Example: curation diff exports/quotes-news/v0.1.0 exports/quotes-news/v0.1.1
    """
    from curation.export import diff_versions

    changes = diff_versions(old, new)
    if as_json:
        echo_json(changes)
        return
    plain(console, changes.markdown())
