"""Finding, creating and updating the Label Studio project that holds one set of documents.

The project's labeling config and instructions are generated from the label schema; a schema change
updates them, unless it would remove a label, choice or control that existing annotations use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from curation.errors import CurationError, ServerError
from curation.schema import ALL_LAYER, LabelSchema
from curation.studio.concurrency import settle_new_project, titled_projects
from curation.studio.config import config_vocabulary, instructions_html, labeling_config
from curation.studio.connection import Connection, client, server_errors


@dataclass
class ProjectReport:
    """What every push and pull reports first: the project it worked on, and on which server."""

    project: str
    project_id: int
    url: str


@dataclass
class SentReport(ProjectReport):
    """What a push of tasks did: documents read, tasks created, tasks already in the project."""

    documents: int = 0
    created: int = 0
    already_there: int = 0
    config_changed: bool = False


@dataclass
class ProjectInfo:
    id: int
    title: str
    model_version: str
    task_count: int
    annotation_count: int
    created: bool = False  # made by this very call of ensure_project (so it holds nothing of ours yet)


def find_project(conn: Connection, title: str) -> ProjectInfo | None:
    """The project with exactly this title; several with the same title is an error."""
    found = titled_projects(conn, title)
    if len(found) > 1:
        ids = ", ".join(str(p.id) for p in found)
        raise ServerError(
            f"{conn.url}: {len(found)} projects are titled {title!r} (ids {ids}); rename all but one"
        )
    return _info(found[0]) if found else None


def require_project(conn: Connection, title: str) -> ProjectInfo:
    project = find_project(conn, title)
    if project is None:
        raise CurationError(
            f"{conn.url}: no project titled {title!r}; push documents to it first or check the name"
        )
    return project


def ensure_project(
    conn: Connection,
    title: str,
    schema: LabelSchema,
    config: str | None = None,
    instructions: str | None = None,
    layer: str = ALL_LAYER,
    overlap: int = 1,
) -> tuple[ProjectInfo, bool]:
    """Create the project of one layer, or bring an existing one's config up to the schema and its
    overlap to `overlap`. Returns (info, changed: whether the labeling config was set).

    `config` and `instructions` default to the full editor's of `layer` (labeling_config,
    instructions_html); a decisions project passes its own.
    """
    config = config or labeling_config(schema, layer)
    instructions = instructions or instructions_html(schema, layer)
    project = find_project(conn, title)
    ls = client(conn)
    settings = {
        "expert_instruction": instructions,
        "show_instruction": True,
        "description": _description(schema, layer),
        **overlap_settings(overlap),
    }
    if project is None:
        with server_errors(conn, f"creating project {title!r}"):
            created = ls.projects.create(title=title, label_config=config, **settings)
        winner = settle_new_project(conn, title, int(created.id or 0))
        if winner is None:
            info = _info(created)
            info.created = True
            return info, True
        with server_errors(conn, f"reading project {title!r}"):
            return _info(ls.projects.get(winner)), False
    with server_errors(conn, f"reading project {title!r}"):
        current_project = ls.projects.get(project.id)
        current = current_project.label_config or ""
    if current.strip() == config.strip():
        if int(getattr(current_project, "maximum_annotations", 1) or 1) != overlap:
            with server_errors(conn, f"setting the overlap of project {title!r}"):
                ls.projects.update(project.id, **overlap_settings(overlap))
        return project, False
    orphaned = config_vocabulary(current) - config_vocabulary(config) if current else set()
    if orphaned and project.annotation_count:
        raise CurationError(
            f"project {title!r} at {conn.url}: the label schema no longer has {sorted(orphaned)}, which "
            f"its {project.annotation_count} annotations may use; pull them first and push to a new project"
        )
    with server_errors(conn, f"updating the labeling config of project {title!r}"):
        ls.projects.update(project.id, label_config=config, **settings)
    return project, True


def overlap_settings(overlap: int) -> dict[str, Any]:
    """Project settings so that `overlap` different annotators each get every task in the label stream.

    maximum_annotations is how many annotators a task goes to; overlap_cohort_percentage=100 applies it
    to every task; show_overlap_first hands out tasks still short of annotators before fresh ones.
    Each annotator starts from the predictions (the editor pre-fills them for every new annotation).
    """
    if overlap < 1:
        raise CurationError(f"overlap must be at least 1 (got {overlap})")
    return {
        "maximum_annotations": overlap,
        "overlap_cohort_percentage": 100,
        "show_overlap_first": overlap > 1,
    }


def _description(schema: LabelSchema, layer: str) -> str:
    where = "" if layer == ALL_LAYER else f", layer {layer}"
    return f"label schema {schema.name} {schema.version} ({schema.fingerprint()}){where}"


def set_model_version(conn: Connection, project: ProjectInfo, model_version: str) -> None:
    """Move the project's model_version: the editor pre-fills only predictions of that version."""
    with server_errors(conn, f"setting the model version of project {project.title!r}"):
        client(conn).projects.update(project.id, model_version=model_version)
    project.model_version = model_version


def list_projects(conn: Connection) -> list[ProjectInfo]:
    with server_errors(conn, "listing projects"):
        pager: Any = client(conn).projects.list(page_size=100)
        return [_info(p) for p in pager]


def _info(p: Any) -> ProjectInfo:
    return ProjectInfo(
        id=int(p.id),
        title=p.title or "",
        model_version=p.model_version or "",
        task_count=int(getattr(p, "task_number", 0) or 0),
        annotation_count=int(getattr(p, "total_annotations_number", 0) or 0),
    )
