"""Fixtures shared by all tests: paths to the project's real files, the real spaCy model, and a real
Label Studio server.

The server (`studio`) is started once per session from a template data dir (migrated database, admin
user, legacy token; curation.studio.server.cached_template), made once per machine and Label Studio release
(40 s to 2 min) in the system temp dir, then copied for every session (start: seconds). It binds 127.0.0.1
on a free port and is stopped by its process id. A missing server environment FAILS the tests: `make test`
installs it, so these tests never skip silently. The studio tests (tests/studio/) and the browser tests
(tests/browser/) share it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from curation.records import Document, Provenance, Relation, Span, content_id
from curation.schema import LabelSchema, get_schema
from curation.studio.connection import Connection
from curation.studio.server import ServerState, cached_template, throwaway_server

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def nlp_base():
    """The real English pipeline named by the settings (loaded once per test session)."""
    import spacy

    from curation.settings import get_settings

    return spacy.load(get_settings().model)


@dataclass(frozen=True)
class StudioServer:
    url: str
    token: str
    data_dir: Path
    pid: int
    username: str  # the admin login, for the browser tests
    password: str

    @property
    def conn(self) -> Connection:
        return Connection(self.url, self.token, data_dir=self.data_dir)


def studio_venv() -> Path:
    venv = Path(os.environ.get("CURATION_STUDIO_VENV") or ROOT / ".studio-venv")
    if not (venv / "bin" / "label-studio").exists():
        pytest.fail(
            f"no Label Studio server in {venv}: run 'make studio-setup' (make test does) "
            "or set CURATION_STUDIO_VENV; these tests need the real server and do not skip"
        )
    return venv


@pytest.fixture(scope="session")
def studio_template() -> tuple[Path, ServerState]:
    """The migrated template data dir and its admin login (built once per machine and release)."""
    return cached_template(studio_venv())


@pytest.fixture(scope="session")
def studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StudioServer]:
    with throwaway_server(studio_venv(), tmp_path_factory.mktemp("studio")) as server:
        yield StudioServer(
            server.url, server.token, Path(server.data_dir), server.pid or 0, server.username, server.password
        )


@pytest.fixture(autouse=True)
def private_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own CURATION_HOME: state (server login, annotator pseudonyms) never lands in
    the checkout, and no test sees another's."""
    home = tmp_path_factory.mktemp("curation-home")
    monkeypatch.setenv("CURATION_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def trained_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny pipeline trained by `curation train` from a silver export of the seeds (about a minute)."""
    from curation.annotate import annotate_file
    from curation.export import ExportOptions, export_dataset
    from curation.export.splits import Ratios
    from curation.extract.pipeline import build_pipeline
    from curation.ingest import ingest
    from curation.train import train_pipeline

    work = tmp_path_factory.mktemp("trained")
    ingest([SEEDS], work / "docs.jsonl")
    annotate_file([work / "docs.jsonl"], work / "pre.jsonl", build_pipeline())
    # Each seed its own group (they retell one story, 0.26-0.46 apart, so they would share one split); ratios
    # give 3 train, 1 validation, 1 test document: the run chooses its epoch on validation as a real one does.
    options = ExportOptions(
        name="seeds-silver",
        out=work / "exports",
        silver=True,
        ratios=Ratios(train=0.5, validation=0.3, test=0.2),
        group_threshold=0.9,
    )
    exported = export_dataset(work / "pre.jsonl", options)
    assert exported.splits == {"train": 3, "validation": 1, "test": 1}, exported.splits
    # With the speaker re-ranker (off by default): it trains in the same loop and loads like the rest.
    train_pipeline(exported.version_dir, work / "model", max_epochs=2, seed=1, speaker_ranker=True)
    return work / "model"


@pytest.fixture(scope="session")
def make_quotes_record() -> Callable[..., Document]:
    """Build a pre-annotation with several quotes (see quotes_record)."""
    return quotes_record


def quotes_record(
    text: str, quotes: list[tuple[str, str, str, float]], source: str = "test", model_version: str = "m-1"
) -> Document:
    """A pre-annotation with one (quote, speaker, cue, score) per entry, each at the first occurrence of
    its words, with the speaker and cue relations; a speaker shared by two quotes is one span."""
    spans: dict[str, Span] = {}
    relations = []
    for quote, speaker, cue, score in quotes:
        q, s, c = (
            Span.at(text, label, text.index(words), text.index(words) + len(words), score=score)
            for label, words in (("QUOTE", quote), ("SPEAKER", speaker), ("CUE", cue))
        )
        q.attrs["kind"] = "direct"
        for span in (q, s, c):
            spans.setdefault(span.id, span)
        relations += [
            Relation(head=q.id, tail=s.id, label="speaker"),
            Relation(head=q.id, tail=c.id, label="cue"),
        ]
    return Document(
        id=content_id(text),
        source=source,
        text=text,
        spans=list(spans.values()),
        relations=relations,
        provenance=Provenance(model="test", model_version=model_version, reviewed=False),
    )


@pytest.fixture(scope="session")
def renamed_schema() -> LabelSchema:
    """The packaged schema with QUOTE renamed QUOTATION and the speaker relation renamed said_by
    (everywhere the schema names them): code that reads labels by role needs no change for it."""
    raw = get_schema().model_dump(by_alias=True)
    raw["spans"] = {("QUOTATION" if k == "QUOTE" else k): v for k, v in raw["spans"].items()}

    def rename(labels: list[str]) -> list[str]:
        return ["QUOTATION" if x == "QUOTE" else x for x in labels]

    for rel in raw["relations"].values():
        rel["from"], rel["to"] = rename(rel["from"]), rename(rel["to"])
    for layer in raw.get("layers", {}).values():
        layer["labels"] = rename(layer["labels"])
    raw["relations"]["said_by"] = raw["relations"].pop("speaker")
    return LabelSchema.model_validate(raw)
