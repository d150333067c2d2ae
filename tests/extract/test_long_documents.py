"""Documents of any length: cut in pieces outside quotations, offsets mapped back, failures skipped."""

from __future__ import annotations

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from curation.annotate import annotate_documents
from curation.extract.chunks import CHUNK_CHARS, chunk_bounds
from curation.extract.direct import find_quoted_stretches
from curation.extract.pipeline import build_pipeline
from curation.records import Document, content_id

pytestmark = pytest.mark.integration


def _document(text: str, source: str = "long.txt") -> Document:
    return Document(id=content_id(text), source=source, text=text)


def _seed_text(seeds_dir) -> str:
    return "\n\n".join(p.read_text(encoding="utf-8").strip() for p in sorted(seeds_dir.glob("*.txt")))


@pytest.fixture(scope="module")
def nlp() -> Language:
    return build_pipeline()


def _spans(record: Document) -> set[tuple[str, int, int, str]]:
    return {(s.label, s.start, s.end, s.text) for s in record.spans}


def _copies_agree(long: Document, one: Document, copies: int, step: int, size: int) -> None:
    """Every copy of `one` inside `long` has the same spans at shifted offsets (a span within 300
    characters of a cut may differ: the rules there saw less context), and no direct quote is lost."""
    cuts = [start for start, _ in chunk_bounds(long.text, size)][1:]
    assert cuts, "the document must have been cut in pieces"
    got = _spans(long)
    expected = {(lab, s + k * step, e + k * step, t) for k in range(copies) for lab, s, e, t in _spans(one)}
    far = {x for x in expected | got if all(abs(x[1] - c) > 300 and abs(x[2] - c) > 300 for c in cuts)}
    assert {x for x in got if x in far} == {x for x in expected if x in far}
    direct, one_direct = _direct(long), _direct(one)
    assert direct == {(s + k * step, e + k * step) for k in range(copies) for s, e in one_direct}
    for span in long.spans:  # exact offsets: every span's text is the document's text at its offsets
        assert long.text[span.start : span.end] == span.text


def _direct(record: Document) -> set[tuple[int, int]]:
    return {(s.start, s.end) for s in record.spans if s.label == "QUOTE" and s.attrs.get("kind") == "direct"}


def test_cuts_fall_outside_quotations_in_one_long_paragraph():
    """A 200,000-character paragraph is cut at sentence ends, never inside a quotation."""
    sentence = "The mayor said on Monday, “We will rebuild the bridge. It will take years.” Work began. "
    text = sentence * (200_000 // len(sentence) + 1)
    bounds = chunk_bounds(text, 50_000)
    assert bounds[0][0] == 0 and bounds[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(bounds, bounds[1:], strict=False))
    assert all(end - start <= 50_000 for start, end in bounds)
    quoted = [(s.start - 1, s.end + 1) for s in find_quoted_stretches(text)]
    for _start, end in bounds[:-1]:
        assert not any(s < end < e for s, e in quoted)
        assert text[end - 1] == " " and text[end - 2] == "."  # a sentence end, not mid-sentence


def test_cut_prefers_paragraph_break_and_keeps_multi_paragraph_quotes_whole():
    """A quotation that runs over paragraphs (open at a paragraph's end, reopened) is not cut."""
    para = "Officials met again on Tuesday to talk about the roads and the schools of the town.\n"
    quote = "“The first part of what I said goes on here.\n“And it goes on here, to the end.”\n"
    text = para * 30 + quote + para * 30
    q0 = text.index(quote)
    for size in range(q0 + 10, q0 + len(quote), 7):  # every window end falls inside the quotation
        first_cut = chunk_bounds(text, size)[0][1]
        assert first_cut <= q0 and text[first_cut - 1] == "\n"


def test_one_paragraph_of_200000_characters_has_exact_offsets(nlp, seeds_dir):
    one_text = " ".join(_seed_text(seeds_dir).split("\n"))  # the seeds as one paragraph
    copies = 200_000 // (len(one_text) + 1) + 1
    long_text = " ".join([one_text] * copies)
    assert "\n" not in long_text and len(long_text) >= 200_000
    skipped: list[str] = []
    docs = [_document(long_text), _document(one_text, "one.txt")]
    long, one = annotate_documents(docs, nlp, skipped=skipped)
    assert skipped == []
    _copies_agree(long, one, copies, len(one_text) + 1, CHUNK_CHARS)


def test_two_megabyte_document_is_annotated_with_exact_offsets(nlp, seeds_dir):
    """Longer than spaCy's max_length: no E088, every piece annotated, offsets into the whole text."""
    one_text = _seed_text(seeds_dir)
    copies = 2_000_000 // (len(one_text) + 2) + 1
    long_text = "\n\n".join([one_text] * copies)
    assert len(long_text) > max(2_000_000, nlp.max_length)
    skipped: list[str] = []
    docs = [_document(long_text), _document(one_text, "one.txt")]
    long, one = annotate_documents(docs, nlp, skipped=skipped)
    assert skipped == []
    _copies_agree(long, one, copies, len(one_text) + 2, CHUNK_CHARS)


def test_a_document_the_pipeline_fails_on_is_named_and_the_rest_written(seeds_dir):
    nlp = build_pipeline()

    @Language.component("test_fails_on_marker")
    def fails_on_marker(doc: Doc) -> Doc:
        if "UNPROCESSABLE" in doc.text:
            raise ValueError("this component cannot read the marker")
        return doc

    nlp.add_pipe("test_fails_on_marker", first=True)
    texts = ["“We rebuild,” the mayor said.", "UNPROCESSABLE text here.", "“We wait,” the chief said."]
    docs = [_document(t, f"{i}.txt") for i, t in enumerate(texts)]
    skipped: list[str] = []
    records = list(annotate_documents(docs, nlp, skipped=skipped))
    assert [r.id for r in records] == [docs[0].id, docs[2].id]
    assert len(skipped) == 1 and docs[1].id in skipped[0] and "cannot read the marker" in skipped[0]


def _with_marker_component(name: str) -> Language:
    """The pipeline with a first component that fails on any piece holding "UNPROCESSABLE"."""
    nlp = build_pipeline()
    if name not in Language.factories:

        @Language.component(name)
        def fails_on_marker(doc: Doc) -> Doc:
            if "UNPROCESSABLE" in doc.text:
                raise ValueError("this component cannot read the marker")
            return doc

    nlp.add_pipe(name, first=True)
    return nlp


def test_long_documents_between_short_ones_keep_input_order_and_a_failed_piece_names_its_document(seeds_dir):
    """Long documents run piece by piece outside the batches: the records still come out in input
    order, and a long document whose one piece fails is named and left out, the others written."""
    nlp = _with_marker_component("test_fails_on_marker_long")
    one_text = _seed_text(seeds_dir)
    short = [_document(f"“We rebuild {i},” the mayor said.", f"short-{i}.txt") for i in range(3)]
    long_ok = _document(one_text, "long-ok.txt")
    broken_text = one_text + "\n\nUNPROCESSABLE paragraph.\n\n" + one_text
    long_broken = _document(broken_text, "long-broken.txt")
    docs = [short[0], long_ok, short[1], long_broken, short[2]]
    skipped: list[str] = []
    records = list(annotate_documents(docs, nlp, skipped=skipped, chunk_chars=4_000))
    assert len(chunk_bounds(broken_text, 4_000)) > 2
    assert [r.id for r in records] == [short[0].id, long_ok.id, short[1].id, short[2].id]
    assert len(skipped) == 1 and long_broken.id in skipped[0] and "cannot read the marker" in skipped[0]
    whole = next(annotate_documents([long_ok], nlp, chunk_chars=CHUNK_CHARS))
    assert {s.label for s in records[1].spans} == {s.label for s in whole.spans}
    for span in records[1].spans:
        assert long_ok.text[span.start : span.end] == span.text


def test_long_documents_with_two_processes_give_the_records_of_one(nlp, seeds_dir):
    one_text = _seed_text(seeds_dir)
    docs = [_document("“We wait,” the chief said.", "a.txt"), _document(one_text, "long.txt")]
    docs.append(_document("“We rebuild,” the mayor said.", "b.txt"))
    single = list(annotate_documents(docs, nlp, chunk_chars=4_000))
    double = list(annotate_documents(docs, nlp, chunk_chars=4_000, n_process=2))
    strip = [r.model_dump(exclude={"provenance"}) for r in single]
    assert [r.model_dump(exclude={"provenance"}) for r in double] == strip
    assert len(single) == 3 and single[1].spans
