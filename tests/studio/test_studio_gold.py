"""Gold you can trust, against a real Label Studio: three annotators on the seeds through push, annotation
(through the API), pull, adjudicate and export; the review round; a store that pulls accumulate into."""

from __future__ import annotations

import json
import random
import re
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from curation.cli import app
from curation.jsonl import read_documents, write_documents
from curation.records import Document, Relation, Span, content_id
from curation.schema import get_schema
from curation.studio.connection import Connection, client
from curation.studio.convert import prediction

QUOTED = re.compile(r"[“\"]([^”\"]{20,400})[”\"]")
NAME = re.compile(r"\b[A-Z][a-z]+ [A-Z][a-z]+\b")
NOISE = 0.3  # chance that a noisy annotator gets a quote (or a speaker) wrong
PROJECT = "gold-seeds"
ANNOTATORS = ("exact@gold.test", "noisy1@gold.test", "noisy2@gold.test")


def exact_version(text: str) -> Document:
    """The truth for a seed: every quotation as a direct QUOTE, said by the nearest name before it."""
    spans: dict[str, Span] = {}
    relations = []
    for match in QUOTED.finditer(text):
        quote = Span.at(text, "QUOTE", match.start(1), match.end(1), {"kind": "direct"})
        spans[quote.id] = quote
        names = [m for m in NAME.finditer(text, 0, match.start()) if match.start() - m.end() < 400]
        if names:
            name = names[-1]
            speaker = Span.at(text, "SPEAKER", name.start(), name.end(), {"canonical": name.group()})
            spans[speaker.id] = speaker
            relations.append(Relation(head=quote.id, tail=speaker.id, label="speaker"))
    if not spans:  # a seed without quotations: its first sentence as a claim
        end = text.index(".", 200) + 1
        claim = Span.at(text, "CLAIM", text.index("A U.S."), end, {"checkworthy": "high"})
        spans[claim.id] = claim
    return Document(
        id=content_id(text), source="seeds", text=text, spans=list(spans.values()), relations=relations,
        provenance={"model": "test", "model_version": "gold-pre-1", "reviewed": False},
    )  # fmt: skip


def noisy_version(exact: Document, rng: random.Random) -> tuple[Document, dict[str, str]]:
    """The exact version with independent mistakes: a quote dropped, cut short or given another kind, a
    speaker dropped. Returns the version and the mistake made on each exact span id."""
    errors: dict[str, str] = {}
    spans: list[Span] = []
    moved: dict[str, str] = {}
    for span in exact.spans:
        roll = rng.random()
        if span.label == "QUOTE" and roll < NOISE:
            kind = ("drop", "trim", "kind")[int(roll / (NOISE / 3))]
            errors[span.id] = kind
            if kind == "trim":
                short = Span.at(exact.text, "QUOTE", span.start, span.end - 2, dict(span.attrs))
                moved[span.id] = short.id
                spans.append(short)
            elif kind == "kind":
                spans.append(Span.at(exact.text, "QUOTE", span.start, span.end, {"kind": "mixed"}))
        elif span.label == "SPEAKER" and roll < NOISE / 3:
            errors[span.id] = "drop"
        else:
            spans.append(span)
    kept = {s.id for s in spans}
    relations = [
        Relation(head=moved.get(r.head, r.head), tail=r.tail, label=r.label)
        for r in exact.relations
        if moved.get(r.head, r.head) in kept and r.tail in kept
    ]
    return exact.model_copy(update={"spans": spans, "relations": relations}), errors


def tasks_by_document(conn: Connection, project_id: int) -> dict[str, dict[str, Any]]:
    found = client(conn).tasks.list(project=project_id, fields="all", page_size=1000)
    return {t.data["doc_id"]: t.model_dump() for t in found}


def user_id(conn: Connection, email: str) -> int:
    ls = client(conn)
    for user in ls.users.list():
        if user.email == email:
            return int(user.id)
    return int(ls.users.create(email=email, username=email.split("@")[0], password="gold-pass-123").id)


def annotate(conn: Connection, task: dict[str, Any], doc: Document, who: str) -> int:
    """Submit `doc` as `who`'s annotation of the task, the way the editor sends it (through the API)."""
    result = prediction(doc, get_schema(), "x")["result"]
    made = client(conn).annotations.create(task["id"], result=result, completed_by=user_id(conn, who))
    return int(made.id)


def cli(studio: Any, *args: str) -> str:
    """Run a command; exports keep annotator names here (the review round is checked by name)."""
    if args[0] == "export":
        args = (*args, "--keep-annotator-ids")
    result = CliRunner().invoke(app, list(args), env={"CURATION_HOME": str(studio.data_dir.parent)})
    assert result.exit_code == 0, result.output
    return result.output


def server(studio: Any) -> list[str]:
    return ["--url", studio.url, "--api-key", studio.token]


def quote_rows(version_dir: Path) -> dict[str, set[tuple[Any, ...]]]:
    """Exported quotes per document: (start, end, kind, speaker start) read back with datasets."""
    import datasets

    kinds = get_schema().spans["QUOTE"].attrs["kind"].values
    rows: dict[str, set[tuple[Any, ...]]] = {}
    for split in datasets.load_dataset(str(version_dir), "quotes").values():
        for row in split:
            kind = kinds[row["kind"]] if row["kind"] is not None else None
            rows.setdefault(row["document_id"], set()).add(
                (row["start"], row["end"], kind, row["speaker_start"])
            )
    return rows


def quotes_of(doc: Document) -> set[tuple[Any, ...]]:
    spans = doc.spans_by_id()
    speaker = {r.head: spans[r.tail].start for r in doc.relations if r.label == "speaker"}
    return {(s.start, s.end, s.attrs.get("kind"), speaker.get(s.id)) for s in doc.spans if s.label == "QUOTE"}


@pytest.fixture(scope="module")
def three(studio: Any, seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The seeds pushed, annotated by one exact and two noisy annotators, and pulled into a store."""
    work = tmp_path_factory.mktemp("gold")
    exact = [exact_version(p.read_text(encoding="utf-8")) for p in sorted(seeds_dir.glob("*.txt"))]
    write_documents(work / "pre.jsonl", exact)
    cli(
        studio, "push", str(work / "pre.jsonl"), "--project", PROJECT, "--layer", "all", "-q", *server(studio)
    )
    project_id = next(p.id for p in client(studio.conn).projects.list() if p.title == PROJECT)
    tasks = tasks_by_document(studio.conn, project_id)
    versions: dict[str, dict[str, Document]] = {who: {} for who in ANNOTATORS}
    errors: dict[str, dict[str, dict[str, str]]] = {who: {} for who in ANNOTATORS[1:]}
    for seed, who in ((1, ANNOTATORS[1]), (2, ANNOTATORS[2])):
        rng = random.Random(seed)
        for doc in exact:
            versions[who][doc.id], errors[who][doc.id] = noisy_version(doc, rng)
    for doc in exact:
        versions[ANNOTATORS[0]][doc.id] = doc
        for who in ANNOTATORS:
            annotate(studio.conn, tasks[doc.id], versions[who][doc.id], who)
    store = work / "gold.jsonl"
    pulled = cli(studio, "pull", "--project", PROJECT, "-o", str(store), "-q", *server(studio))
    return {
        "work": work,
        "exact": exact,
        "versions": versions,
        "errors": errors,
        "store": store,
        "pull": pulled,
    }


def test_studio_gold_three_annotators_majority_gives_the_exact_quotes_and_lists_every_conflict(
    studio: Any, three: dict[str, Any]
) -> None:
    work, exact, versions, errors = three["work"], three["exact"], three["versions"], three["errors"]
    assert "15 annotations added" in three["pull"]
    out, report = work / "adjudicated.jsonl", work / "conflicts.jsonl"
    printed = cli(studio, "adjudicate", str(three["store"]), "-o", str(out), "--method", "majority",
                  "--report", str(report))  # fmt: skip
    conflicts = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    assert f"majority: 5 documents, {len(conflicts)} conflicts" in printed
    exported = cli(studio, "export", str(out), "--name", "gold-seeds", "--out", str(work / "exports"), "-q")
    assert "exported gold gold-seeds v0.1.0: 5 documents" in exported
    rows = quote_rows(work / "exports" / "gold-seeds" / "v0.1.0")
    n1, n2 = ANNOTATORS[1:]
    checked = same = different = 0
    disputed: set[tuple[str, int]] = set()
    for doc in exact:
        got = rows.get(doc.id, set())
        spans = doc.spans_by_id()
        speaker_of = {r.head: r.tail for r in doc.relations}
        for quote in (s for s in doc.spans if s.label == "QUOTE"):
            speaker = speaker_of.get(quote.id)
            row = (quote.start, quote.end, quote.attrs["kind"], spans[speaker].start if speaker else None)
            touched = {who: _mistake(errors[who][doc.id], quote.id, speaker) for who in (n1, n2)}
            if None in touched.values():  # at most one noisy annotator erred here: the exact quote
                assert row in got, (doc.id, quote.id, touched)
                checked += 1
            elif touched[n1] == touched[n2]:  # both made the same mistake: the majority follows them
                assert row not in got
                same += 1
            else:  # both erred, differently: no majority; an unresolved conflict for the review round
                different += 1
                disputed.add((doc.id, quote.start))
        # any other exported quote is one both noisy annotators agree on, or a disputed one
        for extra in got - quotes_of(doc):
            shared = quotes_of(versions[n1][doc.id]) & quotes_of(versions[n2][doc.id])
            assert extra in shared or (doc.id, extra[0]) in disputed, extra
    # Every disagreement between the three versions is listed: spans and relations by their offsets.
    listed = {(c["document"], c["kind"], tuple(_offsets(c["unit"]))) for c in conflicts}
    for doc in exact:
        units = [_units(versions[who][doc.id]) for who in ANNOTATORS]
        for kind in ("span", "relation"):
            every = set.union(*(u[kind] for u in units))
            disputed = every - set.intersection(*(u[kind] for u in units))
            assert {(doc.id, kind, key) for key in disputed} <= listed
    print(
        f"\nthree annotators: {len(conflicts)} conflicts "
        f"({sum(not c['resolved'] for c in conflicts)} unresolved); quotes equal to the exact annotator's: "
        f"{checked}; both noisy with the same mistake: {same}; both with different mistakes: {different}"
    )
    assert checked > 10


def _mistake(errors: dict[str, str], quote: str, speaker: str | None) -> tuple[str, str] | None:
    """The mistake a noisy annotator made on a quote or on its speaker (None: none)."""
    for unit in (quote, speaker):
        if unit and unit in errors:
            return (unit, errors[unit])
    return None


def _offsets(unit: str) -> list[tuple[str, int, int]]:
    return [(label, int(a), int(b)) for label, a, b in re.findall(r"([A-Z]+) (\d+)-(\d+)", unit)]


def _units(doc: Document) -> dict[str, set[tuple[tuple[str, int, int], ...]]]:
    spans = {s.id: (s.label, s.start, s.end) for s in doc.spans}
    return {
        "span": {(key,) for key in spans.values()},
        "relation": {(spans[r.head], spans[r.tail]) for r in doc.relations},
    }


def test_studio_gold_review_round_puts_the_reviewers_record_in_the_export(
    studio: Any, three: dict[str, Any]
) -> None:
    work, exact = three["work"], three["exact"]
    pushed = cli(studio, "review", "push", "--project", PROJECT, *server(studio))
    review = next(p for p in client(studio.conn).projects.list() if p.title == f"{PROJECT}-review")
    tasks = tasks_by_document(studio.conn, review.id)
    with_conflicts = [d for d in exact if any(v[d.id] != d for v in three["versions"].values())]
    assert set(tasks) == {d.id for d in with_conflicts} and f"{len(tasks)} tasks created" in pushed
    assert review.model_version == "majority"
    versions = {p.model_version for p in client(studio.conn).predictions.list(project=review.id)}
    assert versions == {*ANNOTATORS, "majority"}
    again = cli(studio, "review", "push", "--project", PROJECT, *server(studio))
    assert "0 tasks created" in again and "0 predictions added" in again
    # The reviewer fixes the first document with conflicts to a version nobody submitted.
    doc = with_conflicts[0]
    fixed = doc.model_copy(update={"spans": [s for s in doc.spans if s.label != "SPEAKER"], "relations": []})
    annotate(studio.conn, tasks[doc.id], fixed, "reviewer@gold.test")
    store = work / "gold.jsonl"
    pulled = cli(studio, "review", "pull", "--project", PROJECT, "-o", str(store), *server(studio))
    assert "pulled 1 records" in pulled
    exported = cli(
        studio, "export", str(store), "--name", "gold-review", "--out", str(work / "exports"), "-q"
    )
    assert "reviewed: 1 documents" in exported and "majority: 4 documents" in exported
    version_dir = work / "exports" / "gold-review" / "v0.1.0"
    assert quote_rows(version_dir)[doc.id] == quotes_of(fixed)
    card = (version_dir / "README.md").read_text(encoding="utf-8")
    assert "reviewed 1 documents" in card and "majority 4 documents" in card
    import datasets

    documents = datasets.load_dataset(str(version_dir), "documents")
    row = next(r for split in documents.values() for r in split if r["id"] == doc.id)
    provenance = json.loads(row["provenance"])
    assert provenance["adjudication"]["method"] == "reviewed"
    assert provenance["adjudication"]["annotators"] == ["reviewer@gold.test"]


def test_studio_gold_pull_since_accumulates_and_export_bump_keeps_every_document(
    studio: Any, make_record: Any, tmp_path: Path
) -> None:
    docs = [make_record(f"Report {i}: Ida said the vote is on.", SPEAKER="Ida", CUE="said") for i in range(5)]
    write_documents(tmp_path / "pre.jsonl", docs)
    cli(
        studio,
        "push",
        str(tmp_path / "pre.jsonl"),
        "--project",
        "store",
        "--layer",
        "all",
        "-q",
        *server(studio),
    )
    project_id = next(p.id for p in client(studio.conn).projects.list() if p.title == "store")
    tasks = tasks_by_document(studio.conn, project_id)
    ids = [annotate(studio.conn, tasks[d.id], d, "admin@curation.local") for d in docs]
    store, exports = tmp_path / "gold.jsonl", tmp_path / "exports"
    cli(studio, "pull", "--project", "store", "-o", str(store), "-q", *server(studio))
    cli(studio, "export", str(store), "--name", "store", "--out", str(exports), "-q")
    time.sleep(1.1)
    cut = datetime.now(UTC)
    time.sleep(0.1)
    changed = docs[0].model_copy(update={"spans": docs[0].spans[:1], "relations": []})
    client(studio.conn).annotations.update(ids[0], result=prediction(changed, get_schema(), "x")["result"])
    since = cli(studio, "pull", "--project", "store", "-o", str(store), "--since", cut.isoformat(), "-q",
                *server(studio))  # fmt: skip
    assert "0 annotations added, 1 updated, 4 kept, 0 removed" in since
    assert len(list(read_documents(store))) == 5
    cli(studio, "export", str(store), "--name", "store", "--out", str(exports), "--bump", "minor", "-q")
    log = (exports / "store" / "v0.2.0" / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "documents removed: 0" in log and "documents changed: 1" in log
    # A deleted annotation leaves the store, and the pull says which.
    client(studio.conn).annotations.delete(ids[1])
    result = CliRunner().invoke(app, ["pull", "--project", "store", "-o", str(store), "-q", *server(studio)])
    assert result.exit_code == 0, result.output
    assert f"annotation {ids[1]} by admin@curation.local is no longer in Label Studio" in result.output
    assert docs[1].id in result.output and "1 documents left the store" in result.output
    assert [d.id for d in read_documents(store)] == [d.id for d in docs if d.id != docs[1].id]
