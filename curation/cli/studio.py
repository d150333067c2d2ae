"""`curation studio start|stop|status|config`, `curation push` and `curation pull`: the Label Studio trip.

Each command checks its arguments, calls one function of curation.studio and prints the outcome.
The admin password is printed by `studio start` (the user needs it to log in); the API token never is.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from curation.cli.app import app, console, echo_json, err_console, fields_of, plain, progress_bar, user_errors
from curation.cli.options import (
    GoldStoreOption,
    JsonOption,
    KeyOption,
    ModeOption,
    ProjectOption,
    QuietOption,
    SchemaOption,
    UrlOption,
)
from curation.errors import InputError
from curation.settings import get_settings

if TYPE_CHECKING:
    from curation.schema import LabelSchema
    from curation.studio.connection import Connection
    from curation.studio.pull import PullReport

studio_app = typer.Typer(
    help="Run the managed local Label Studio (start, stop, status) and show its labeling config.",
    no_args_is_help=True,
)
app.add_typer(studio_app, name="studio")


@studio_app.command("start")
@user_errors
def start_cmd() -> None:
    """Start the managed Label Studio on 127.0.0.1 (first start: about a minute to set up).

    Example: curation studio start
    """
    from curation.studio.server import start, state_path

    settings = get_settings()
    with err_console.status("starting Label Studio (the first start creates its database) ..."):
        state, started = start(settings.home, settings.studio_venv)
    console.print(f"Label Studio {'started' if started else 'already running'} at [bold]{state.url}[/]")
    console.print(
        f"sign-up is by invitation only; the admin login ({state.username}) and its password are kept in "
        f"{state_path(settings.home)} (readable by you only); "
        "add annotators with 'curation studio user add NAME'",
        highlight=False,
    )
    console.print("(push and pull find the server through that file; stop it with 'curation studio stop')")


@studio_app.command("stop")
@user_errors
def stop_cmd() -> None:
    """Stop the managed Label Studio (its data stays for the next start).

    Example: curation studio stop
    """
    from curation.studio.server import stop

    stopped = stop(get_settings().home)
    console.print("Label Studio stopped" if stopped else "Label Studio was not running")


@studio_app.command("status")
@user_errors
def status_cmd(url: UrlOption = None, api_key: KeyOption = None, as_json: JsonOption = False) -> None:
    """Show the server's URL, version, projects and their task and annotation counts.

    Example: curation studio status
    """
    from curation.studio.server import read_state, state_path
    from curation.studio.status import server_status

    settings = get_settings()
    status = server_status(settings, url, api_key)
    if as_json:
        echo_json(status)
        return
    console.print(f"{status.url}: Label Studio {status.version}", highlight=False, markup=False)
    if status.data_dir is not None:
        console.print(
            f"disk: {_size(status.disk_bytes)} in {status.data_dir} "
            f"(exports kept by the server: {_size(status.export_bytes)})",
            highlight=False,
            markup=False,
        )
    else:
        console.print("disk: not known (not the managed server)", highlight=False)
    managed = read_state(settings.home)
    if managed is not None and managed.url == status.url:
        console.print(
            f"admin login ({managed.username}) kept in {state_path(settings.home)}; annotators' logins are "
            "printed once by 'curation studio user add' and kept nowhere",
            highlight=False,
            markup=False,
        )
    if not status.projects:
        console.print("no projects yet (curation push FILE --project NAME creates one)")
    for p in status.projects:
        console.print(
            f"  {p.title}: {p.task_count} tasks, {p.annotation_count} annotations, "
            f"model version {p.model_version or '-'}",
            highlight=False,
            markup=False,
        )


def _size(n: int) -> str:
    """Bytes for people: 812 B, 3.4 MB."""
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"


@studio_app.command("config")
@user_errors
def config_cmd(
    layer: Annotated[str, typer.Option("--layer", "-l", help="Layer ('all': every label).")] = "all",
    schema: SchemaOption = None,
) -> None:
    """Print the labeling config (XML) of one layer, generated from the label schema.

    Example: curation studio config --layer attribution > config.xml
    """
    from curation.schema import resolve_schema
    from curation.studio.config import labeling_config

    labels = resolve_schema(schema)
    if layer not in labels.layer_names and layer != "all":
        raise InputError(
            f"no layer {layer!r} in the label schema; choose one of {', '.join(labels.layer_names)}"
        )
    typer.echo(labeling_config(labels, layer))


user_app = typer.Typer(
    help="Annotator accounts (sign-up is by invitation only). Example: curation studio user add alice",
    no_args_is_help=True,
)
studio_app.add_typer(user_app, name="user")


@user_app.command("add")
@user_errors
def user_add_cmd(
    name: Annotated[
        str, typer.Argument(help="Annotator name (login NAME@curation.local) or e-mail address.")
    ],
    url: UrlOption = None,
    api_key: KeyOption = None,
) -> None:
    """Create an annotator account and print its login once (the password is kept nowhere).

    Example: curation studio user add alice
    """
    from curation.studio.connection import resolve
    from curation.studio.users import add_user

    user = add_user(resolve(get_settings(), url, api_key), name)
    console.print(f"annotator account created at {user.url}", highlight=False)
    console.print(f"  login: {user.email}", highlight=False)
    console.print(f"  password: {user.password}", highlight=False)
    console.print(
        "give these to the annotator now: the password is not kept (they can change it in Label Studio)"
    )


@app.command("push")
@user_errors
def push_cmd(
    path: Annotated[Path, typer.Argument(help="Pre-annotations (JSONL from 'curation annotate').")],
    project: ProjectOption,
    url: UrlOption = None,
    api_key: KeyOption = None,
    batch_size: Annotated[int, typer.Option(min=1, help="Tasks per import request.")] = 500,
    timeout: Annotated[
        float, typer.Option(min=0.001, help="Seconds to wait for each import request.")
    ] = 120.0,
    layer: Annotated[
        list[str] | None,
        typer.Option(
            "--layer",
            "-l",
            metavar="LAYER",
            help="Annotation layer to push (repeatable; default: every layer of the schema, each to its "
            "own project 'PROJECT · LAYER'; 'all' puts every label in the one project 'PROJECT').",
        ),
    ] = None,
    overlap: Annotated[
        int, typer.Option(min=1, help="How many different annotators get each task (for agreement).")
    ] = 1,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
    schema: SchemaOption = None,
    mode: ModeOption = "documents",
    decide: Annotated[
        list[str] | None,
        typer.Option(
            "--decide",
            metavar="LABEL",
            help="Decisions mode: the label each decision is about (repeatable; default: every label "
            "that starts a relation in the schema).",
        ),
    ] = None,
) -> None:
    """Send documents with their predictions to Label Studio, one project per layer, most doubtful first.
    Safe to rerun.

    --mode decisions sends one accept / reject / wrong speaker / wrong span task per predicted quote
    (or claim) to the project "PROJECT · decisions" instead.

    Example: curation push .demo/preannotations.jsonl --project seeds --layer attribution --overlap 2
    """
    from curation.schema import resolve_schema
    from curation.studio.connection import resolve
    from curation.studio.push import push_layers

    if not path.is_file():
        raise InputError(f"{path}: no such file; give the JSONL written by 'curation annotate'")
    settings = get_settings()
    conn = resolve(settings, url, api_key)
    labels = resolve_schema(schema)

    def waiting(message: str) -> None:
        plain(err_console, message)

    if mode == "decisions":
        _push_decisions(
            conn, path, project, batch_size, timeout, quiet, decide, settings.home, waiting, labels, as_json
        )
        return

    with progress_bar("pushing", quiet) as progress:
        reports = push_layers(
            conn, path, project, layers=layer, overlap=overlap, batch_size=batch_size,
            import_timeout=timeout, progress=progress, lock_home=settings.home, on_wait=waiting,
            schema=labels,
        )  # fmt: skip
    if as_json:
        echo_json(reports)
        return
    for report in reports:
        console.print(
            f"project {report.project!r} (id {report.project_id}): {report.created} tasks created, "
            f"{report.already_there} already there, {report.predictions_added} predictions added; "
            f"model version {report.model_version}; {overlap} annotator(s) per task",
            highlight=False,
            soft_wrap=True,
        )
        if report.duplicates_removed or report.predictions_restored:
            console.print(
                f"another push ran at the same time: {report.duplicates_removed} duplicate tasks/predictions "
                f"removed, {report.predictions_restored} lost predictions added again",
                highlight=False,
            )
        for kept in report.duplicates_kept:
            plain(err_console, f"duplicate kept: {kept}")
        if report.config_changed:
            console.print(f"labeling config of layer {report.layer!r} set from the label schema")
        console.print(f"open {report.url}/projects/{report.project_id}/data", highlight=False)


@app.command("pull")
@user_errors
def pull_cmd(
    project: ProjectOption,
    out: GoldStoreOption,
    since: Annotated[
        datetime | None, typer.Option(help="Only annotations updated after this time (ISO; UTC if no zone).")
    ] = None,
    url: UrlOption = None,
    api_key: KeyOption = None,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
    schema: SchemaOption = None,
    mode: ModeOption = "documents",
    to_editor: Annotated[
        Path | None,
        typer.Option(
            "--to-editor",
            help="Decisions mode: write the documents sent to the full editor here (then push them).",
        ),
    ] = None,
    per_document: Annotated[
        bool, typer.Option("--per-document", help="Decisions mode: one line of counts per document.")
    ] = False,
) -> None:
    """Merge every annotator's latest submitted annotation of each task into the gold store FILE.

    The file accumulates: a pull adds and updates annotations, and removes only those deleted in
    Label Studio (each named). Other projects' records in the same file are kept.

    --mode decisions reads "PROJECT · decisions" instead: fully decided documents become gold, the
    rest are listed (sent to the editor, partly decided, undecided) with their counts.
    An annotation that breaks the label schema is listed with each problem and left out; the rest is
    written and the exit code is 1, so scripts notice. Skipped tasks are listed too.

    Example: curation pull --project seeds -o gold.jsonl --since 2026-01-31T12:00
    """
    from curation.schema import resolve_schema
    from curation.studio.connection import resolve
    from curation.studio.pull import pull

    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    conn = resolve(get_settings(), url, api_key)
    labels = resolve_schema(schema)
    if mode == "decisions":
        _pull_decisions(conn, project, out, since, quiet, to_editor, per_document, labels, as_json)
        return
    with progress_bar("pulling", quiet) as progress:
        report = pull(conn, project, out, since=since, progress=progress, schema=labels)
    print_pull(report, out, since, as_json)
    _mention_decisions(conn, project)


def print_pull(report: PullReport, out: Path, since: datetime | None, as_json: bool) -> None:
    """What a pull (or a review pull) did: each annotation left out and why, skipped tasks, then the
    counts and what the merge did to the gold store; exit code 1 when annotations were left out."""
    project = report.project
    for left in report.left_out:
        plain(err_console, f"left out: {left.describe()}:")
        for problem in left.problems:
            plain(err_console, f"  - {problem}")
    for skipped in report.cancelled:
        plain(err_console, f"skipped (kept as cancelled, never gold): {skipped}")
    if as_json:
        echo_json({"out": out, **fields_of(report)})
        if report.left_out:
            raise typer.Exit(1)
        return
    console.print(
        f"pulled {report.records} records ({report.documents} documents, {report.tasks} annotated tasks)"
        + (f", {report.unchanged} not changed since {since.isoformat()}" if since else "")
        + f"; {len(report.left_out)} annotations left out, {len(report.cancelled)} skipped",
        highlight=False,
        soft_wrap=True,
    )
    if report.tasks == 0:
        err_console.print(
            f"hint: no task of project {project!r} has a submitted annotation yet: open "
            f"{report.url}/projects/{report.project_id}/data, annotate and press Submit, then pull again",
            highlight=False,
            soft_wrap=True,
        )
    store = report.store
    console.print(
        f"{out}: {store.added} annotations added, {store.updated} updated, {store.kept} kept, "
        f"{len(store.removed)} removed",
        highlight=False,
        soft_wrap=True,
    )
    for line in store.removed:
        plain(err_console, f"removed: {line}")
    if store.documents_removed:
        err_console.print(
            f"{len(store.documents_removed)} documents left the store (no annotation of project "
            f"{project!r} left): {', '.join(store.documents_removed)}",
            highlight=False,
            soft_wrap=True,
        )
    if len(report.layers) > 1:
        console.print(
            f"read layers {', '.join(report.layers)} (each record marks its layer; readers merge them)",
            highlight=False,
            soft_wrap=True,
        )
    if report.defaults:
        filled = ", ".join(f"{n} {name}" for name, n in sorted(report.defaults.items()))
        console.print(f"values from the schema's defaults: {filled}", highlight=False, soft_wrap=True)
    if report.left_out:
        err_console.print(
            f"{len(report.left_out)} annotations break the label schema and were left out (listed above): "
            "fix them in Label Studio and pull again",
            soft_wrap=True,
        )
        raise typer.Exit(1)


def _mention_decisions(conn: Connection, project: str) -> None:
    """Say so when the project has a decisions project: its answers are pulled with --mode decisions."""
    from curation.studio.decisions import decisions_title
    from curation.studio.project import find_project

    decided = find_project(conn, decisions_title(project))
    if decided is not None and decided.annotation_count:
        console.print(
            f"project {decided.title!r} holds {decided.annotation_count} answers not in this pull: "
            f"curation pull --project {project} --mode decisions -o FILE",
            highlight=False,
            soft_wrap=True,
        )


def _push_decisions(
    conn: Connection,
    path: Path,
    project: str,
    batch_size: int,
    timeout: float,
    quiet: bool,
    decide: list[str] | None,
    lock_home: Path,
    on_wait: Callable[[str], None],
    schema: LabelSchema,
    as_json: bool,
) -> None:
    from curation.studio.decisions import push_decisions

    with progress_bar("pushing decisions", quiet) as progress:
        report = push_decisions(
            conn,
            path,
            project,
            batch_size,
            import_timeout=timeout,
            progress=progress,
            labels=decide,
            lock_home=lock_home,
            on_wait=on_wait,
            schema=schema,
        )
    if as_json:
        echo_json(report)
        return
    console.print(
        f"project {report.project!r} (id {report.project_id}): {report.units} decisions on "
        f"{', '.join(report.labels)} in {report.documents} documents; {report.created} tasks created, "
        f"{report.already_there} already there",
        highlight=False,
        soft_wrap=True,
    )
    if report.nothing_to_decide:
        listed = ", ".join(report.nothing_to_decide[:10])
        more = " ..." if len(report.nothing_to_decide) > 10 else ""
        console.print(
            f"{len(report.nothing_to_decide)} documents have no prediction to decide (use the full "
            f"editor for them: curation push FILE --project {project}): {listed}{more}",
            highlight=False,
            soft_wrap=True,
        )
    console.print(f"open {report.url}/projects/{report.project_id}/data", highlight=False, soft_wrap=True)


def _pull_decisions(
    conn: Connection,
    project: str,
    output: Path,
    since: datetime | None,
    quiet: bool,
    to_editor: Path | None,
    per_document: bool,
    schema: LabelSchema,
    as_json: bool,
) -> None:
    from curation.studio.decisions import pull_decisions, summary_lines

    with progress_bar("pulling decisions", quiet) as progress:
        report = pull_decisions(
            conn, project, output, since=since, progress=progress, to_editor=to_editor, schema=schema
        )
    if as_json:
        echo_json({"out": output, "to_editor": to_editor, **fields_of(report)})
        return
    for line in summary_lines(report, output, project, to_editor, per_document):
        plain(console, line)
