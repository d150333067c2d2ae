"""Attribution benchmark: our extractor against textacy 0.13 on an annotated corpus, in one run.

Prints, for direct quotes and for all attributions: precision, recall and F1 of quote content (a
prediction matches a gold quote when it covers >= 0.3 of it, one to one) and speaker accuracy on
the matched quotes — the definitions of `curation evaluate` (curation.evaluate), on gold read by
`curation.ingest.brat`. Then throughput of `annotate_documents` against raw `nlp.pipe` of the same
model on the same texts, 1 vs 2 processes, and a calibration table (share of predicted quotes that
match gold, per score bucket).

Usage: .venv/bin/python bench/attribution.py [CORPUS] [--skip-speed] [--rounds N]
(CORPUS defaults to ../shared/polnear-dev; textacy: `VIRTUAL_ENV=.venv uv pip install -r
bench/requirements.lock`). The corpus is development data with no licence: nothing of it is written.

Figures of one run on polnear-dev (84 articles, 67,609 words; 2-core machine):
                     P      R      F1     speaker acc
  curation direct    0.900  0.955  0.927  0.951     textacy direct  0.446  0.483  0.464  0.867
  curation all       0.891  0.658  0.757  0.920     textacy all     0.691  0.138  0.230  0.815
  (indirect F1 0.654, mixed F1 0.745; textacy raised on 22 of 84 documents)
  calibration (share of quotes matching gold): [0.5,0.7) 0.65, [0.7,0.8) 0.79, [0.8,0.9) 0.90, [0.9,1] 0.95
  words/s: raw nlp.pipe 5,822, annotate_documents 5,471 (0.94x); 2 processes 8,238 (1.51x of 1)
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path

from spacy.language import Language

from curation.annotate import annotate_documents
from curation.evaluate import Evaluation, evaluate_documents, match_overlap, units
from curation.extract.pipeline import add_components, load_model
from curation.ingest.brat import read_brat_corpus
from curation.records import Document, Span, span_id

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "polnear-dev"
BUCKETS = (0.0, 0.5, 0.7, 0.8, 0.9, 1.01)


def blank(doc: Document) -> Document:
    """The gold record's text alone: what the systems see."""
    return Document(id=doc.id, source=doc.source, text=doc.text, meta=doc.meta)


def textacy_records(docs: list[Document], nlp: Language) -> tuple[list[Document], int]:
    """textacy's direct_quotations as records (content without its marks), and how many docs raised."""
    from textacy.extract.triples import direct_quotations

    out, failed = [], 0
    for base, doc in zip(docs, nlp.pipe(d.text for d in docs), strict=True):
        spans: dict[str, Span] = {}
        relations = []
        try:
            triples = list(direct_quotations(doc))
        except Exception:  # textacy raises ValueError on some quote layouts: count and go on
            failed += 1
            triples = []
        for triple in triples:
            start, end = _strip_marks(doc.text, triple.content.start_char, triple.content.end_char)
            if end <= start:
                continue
            qid = span_id("QUOTE", start, end)
            spans[qid] = Span(
                id=qid,
                start=start,
                end=end,
                label="QUOTE",
                text=doc.text[start:end],
                attrs={"kind": "direct"},
            )
            if triple.speaker:
                s0, s1 = triple.speaker[0].idx, triple.speaker[-1].idx + len(triple.speaker[-1].text)
                sid = span_id("SPEAKER", s0, s1)
                spans[sid] = Span(id=sid, start=s0, end=s1, label="SPEAKER", text=doc.text[s0:s1])
                relations.append({"head": qid, "tail": sid, "label": "speaker"})
        out.append(
            Document.model_validate(
                base.model_dump()
                | {"spans": [s.model_dump() for s in spans.values()], "relations": relations}
            )
        )
    return out, failed


def _strip_marks(text: str, start: int, end: int) -> tuple[int, int]:
    marks = "\"“”'‘’ \n"
    while start < end and text[start] in marks:
        start += 1
    while end > start and text[end - 1] in marks:
        end -= 1
    return start, end


def words(docs: Iterable[Document]) -> int:
    return sum(len(d.text.split()) for d in docs)


def timed(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def speed(docs: list[Document], base: Language, ours: Language, rounds: int) -> dict[str, float]:
    """Median words/s over interleaved rounds: raw nlp.pipe vs annotate_documents, 1 and 2 processes."""
    n = words(docs)
    texts = [d.text for d in docs]
    runs: dict[str, Callable[[], object]] = {
        "raw nlp.pipe, 1 process": lambda: list(base.pipe(texts, batch_size=32)),
        "annotate_documents, 1 process": lambda: list(annotate_documents(docs, ours, 32, 1)),
        "raw nlp.pipe, 2 processes": lambda: list(base.pipe(texts, batch_size=32, n_process=2)),
        "annotate_documents, 2 processes": lambda: list(annotate_documents(docs, ours, 32, 2)),
    }
    times: dict[str, list[float]] = {k: [] for k in runs}
    for _ in range(rounds):
        for name, run in runs.items():
            times[name].append(timed(run))
    return {name: n / statistics.median(t) for name, t in times.items()}


def calibration(golds: list[Document], preds: list[Document]) -> list[tuple[str, int, float | None]]:
    """Per score bucket: predicted quotes and the share of them that match a gold quote."""
    hits: dict[int, list[int]] = {i: [] for i in range(len(BUCKETS) - 1)}
    for gold, pred in zip(golds, preds, strict=True):
        g, p = units(gold, "QUOTE"), units(pred, "QUOTE")
        matched = {j for _, j in match_overlap(g, p, 0.3)}
        scores = {s.id: s.score or 0.0 for s in pred.spans}
        for j, unit in enumerate(p):
            score = max(scores[sid] for sid in unit.span_ids)
            bucket = next(i for i in range(len(BUCKETS) - 1) if BUCKETS[i] <= score < BUCKETS[i + 1])
            hits[bucket].append(j in matched)
    rows = []
    for i, results in hits.items():
        label = f"[{BUCKETS[i]:.1f}, {min(BUCKETS[i + 1], 1.0):.1f}{']' if BUCKETS[i + 1] > 1 else ')'}"
        rows.append((label, len(results), sum(results) / len(results) if results else None))
    return rows


def fmt(x: float | None) -> str:
    return "  -  " if x is None else f"{x:.3f}"


def print_scores(name: str, ev: Evaluation) -> None:
    for title, key in (("direct quotes", ("QUOTE", "kind", "direct")), ("all attributions", ("QUOTE",))):
        row = ev.row(*key)
        o = row.overlap
        speaker = row.relations["speaker"]
        print(
            f"{name:<10} {title:<17} P {fmt(o.precision)}  R {fmt(o.recall)}  F1 {fmt(o.f1)}  "
            f"speaker acc {fmt(speaker.value)} ({speaker.correct}/{speaker.total})  "
            f"gold {o.gold} pred {o.pred}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--skip-speed", action="store_true", help="Only the quality figures.")
    parser.add_argument("--rounds", type=int, default=3, help="Interleaved timing rounds (median).")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")

    golds = list(read_brat_corpus(args.corpus, annotator="first"))
    docs = [blank(g) for g in golds]
    print(f"corpus {args.corpus}: {len(docs)} documents, {words(docs)} words")
    base = load_model()
    ours = add_components(load_model())

    ours_preds = list(annotate_documents(docs, ours, 32, 1))
    ours_eval = evaluate_documents(zip(golds, ours_preds, strict=True), system="curation")
    try:
        textacy_preds, failed = textacy_records(docs, base)
    except ImportError:
        print("textacy is not installed: VIRTUAL_ENV=.venv uv pip install -r bench/requirements.lock")
        return 1
    textacy_eval = evaluate_documents(zip(golds, textacy_preds, strict=True), system="textacy")

    print("\nquote content at >= 0.3 overlap, one to one; speaker accuracy on matched quotes")
    print_scores("curation", ours_eval)
    print_scores("textacy", textacy_eval)
    print(f"textacy raised on {failed} of {len(docs)} documents (counted as no quotes)")
    for kind in ("indirect", "mixed"):
        row = ours_eval.row("QUOTE", "kind", kind)
        print(
            f"curation   {kind:<17} P {fmt(row.overlap.precision)}  R {fmt(row.overlap.recall)}  "
            f"F1 {fmt(row.overlap.f1)}  gold {row.overlap.gold} pred {row.overlap.pred}"
        )
    canon = ours_eval.row("QUOTE").relations.get("speaker.canonical")
    if canon is not None and canon.total:
        print(f"canonical speaker agreement where both sides name one: {fmt(canon.value)} ({canon.total})")

    ratio_d = _ratio(
        ours_eval.row("QUOTE", "kind", "direct").overlap.f1,
        textacy_eval.row("QUOTE", "kind", "direct").overlap.f1,
    )
    print(f"direct-quote F1 ratio curation / textacy: {ratio_d}")

    print("\ncalibration: predicted quotes per score bucket and the share that match gold")
    for label, n, acc in calibration(golds, ours_preds):
        print(f"  score {label:<12} {n:>5} quotes  match {fmt(acc)}")

    if not args.skip_speed:
        print(f"\nthroughput, words/s (median of {args.rounds} interleaved rounds, batch size 32)")
        figures = speed(docs, base, ours, args.rounds)
        for name, wps in figures.items():
            print(f"  {name:<34} {wps:>8.0f}")
        raw1, ours1 = figures["raw nlp.pipe, 1 process"], figures["annotate_documents, 1 process"]
        ours2 = figures["annotate_documents, 2 processes"]
        print(f"  annotate / raw nlp.pipe (1 process): {ours1 / raw1:.2f}  (target >= 0.8)")
        print(f"  annotate 2 processes / 1 process:    {ours2 / ours1:.2f}  (target > 1)")
    return 0


def _ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}" if a is not None and b else "-"


if __name__ == "__main__":
    sys.exit(main())
