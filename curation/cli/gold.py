"""`curation adjudicate` (one record per document from several annotators) and `curation review push|pull`
(a review round in Label Studio for the documents whose annotators disagree)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from curation.cli.app import app, console, echo_json, err_console, fields_of, plain, progress_bar, user_errors
from curation.cli.options import (
    GoldStoreOption,
    JsonOption,
    KeyOption,
    MethodOption,
    MinAgreeOption,
    PreferOption,
    QuietOption,
    UrlOption,
)
from curation.cli.studio import print_pull
from curation.gold.adjudicate import AdjudicationReport, Method, Policy
from curation.settings import get_settings


def policy_of(method: Method, min_agree: int | None, prefer: list[str] | None) -> Policy:
    """The adjudication policy from the shared options (checked by Policy itself)."""
    return Policy(method, min_agree, tuple(prefer or ()))


def print_adjudication(report: AdjudicationReport, what: str = "adjudicated") -> None:
    """Per method, how many documents and conflicts; then every exclusion and left-out document."""
    if not (report.methods or report.left_out or report.excluded):
        console.print("adjudication: not needed (one annotator per document)", highlight=False)
        return
    console.print(f"{what} ({report.policy.method}):", highlight=False, soft_wrap=True)
    for line in report.lines():
        plain(console, f"  {line}")


@app.command("adjudicate")
@user_errors
def adjudicate_cmd(
    records: Annotated[Path, typer.Argument(help="Pulled records (several annotators per document).")],
    output: Annotated[
        Path, typer.Option("--out", "-o", help="One record per document (JSONL).", metavar="FILE")
    ],
    method: MethodOption = "majority",
    min_agree: MinAgreeOption = None,
    prefer: PreferOption = None,
    report_file: Annotated[
        Path | None, typer.Option("--report", help="Write every conflict here (JSONL: who said what).")
    ] = None,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
) -> None:
    """Decide one record per document from several annotators' versions, and say what was decided.

    Each span, attribute and relation is decided on its own; blank and skipped annotations never
    count as agreement. A reviewer's record (curation review pull) beats every method.

    Example: curation adjudicate gold.jsonl -o adjudicated.jsonl --method majority --report conflicts.jsonl
    """
    from curation.gold.adjudicate import adjudicate_file

    if not records.is_file():
        from curation.errors import InputError

        raise InputError(f"{records}: no such file; give the JSONL written by 'curation pull'")
    with progress_bar("adjudicating", quiet) as progress:
        report = adjudicate_file(records, output, policy_of(method, min_agree, prefer), progress)
    if report_file is not None:
        report.write_conflicts(report_file)
    if as_json:
        echo_json({"out": output, "report_file": report_file, **fields_of(report)})
        return
    print_adjudication(report)
    console.print(f"{output}: {report.documents} records", highlight=False, soft_wrap=True)
    if report_file is not None:
        console.print(
            f"{report_file}: {len(report.conflict_list)} conflicts", highlight=False, soft_wrap=True
        )
    elif report.conflict_list:
        for conflict in report.conflict_list[:10]:
            plain(err_console, conflict.line())
        if len(report.conflict_list) > 10:
            err_console.print(f"... and {len(report.conflict_list) - 10} more (--report FILE lists them all)")


review_app = typer.Typer(
    help="A review round in Label Studio for documents whose annotators disagree.", no_args_is_help=True
)
app.add_typer(review_app, name="review")


@review_app.command("push")
@user_errors
def review_push_cmd(
    project: Annotated[
        str, typer.Option("--project", "-p", help="The annotated project to review.", metavar="TITLE")
    ],
    review_project: Annotated[
        str | None,
        typer.Option(
            "--review-project", help="Review project title (default: PROJECT-review).", metavar="TITLE"
        ),
    ] = None,
    min_agree: MinAgreeOption = None,
    url: UrlOption = None,
    api_key: KeyOption = None,
    as_json: JsonOption = False,
) -> None:
    """Put the documents with conflicts into a review project: each annotator's version as a prediction
    (model version = the annotator), the majority version pre-filled. Safe to rerun.

    Example: curation review push --project seeds
    """
    from curation.studio.connection import resolve
    from curation.studio.review import review_push

    conn = resolve(get_settings(), url, api_key)
    report = review_push(conn, project, review_project, Policy("majority", min_agree))
    if as_json:
        echo_json(report)
        return
    console.print(
        f"review project {report.project!r} (id {report.project_id}): {report.documents} documents with "
        f"conflicts of {report.annotated} annotated; {report.created} tasks created, {report.already_there} "
        f"already there, {report.predictions_added} predictions added",
        highlight=False,
        soft_wrap=True,
    )
    console.print(f"open {report.url}/projects/{report.project_id}/data", highlight=False)


@review_app.command("pull")
@user_errors
def review_pull_cmd(
    project: Annotated[
        str, typer.Option("--project", "-p", help="The annotated project that was reviewed.", metavar="TITLE")
    ],
    output: GoldStoreOption,
    review_project: Annotated[
        str | None,
        typer.Option(
            "--review-project", help="Review project title (default: PROJECT-review).", metavar="TITLE"
        ),
    ] = None,
    url: UrlOption = None,
    api_key: KeyOption = None,
    as_json: JsonOption = False,
) -> None:
    """Merge the reviewers' records into the gold store; adjudication and export take them first.

    Example: curation review pull --project seeds -o gold.jsonl
    """
    from curation.studio.connection import resolve
    from curation.studio.review import review_pull

    conn = resolve(get_settings(), url, api_key)
    print_pull(review_pull(conn, project, output, review_project), output, None, as_json)
