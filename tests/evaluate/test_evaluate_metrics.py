"""The scoring core on handwritten documents whose figures were worked out by hand."""

from __future__ import annotations

import pytest

from curation.evaluate import evaluate_documents, match_overlap, units
from curation.evaluate.matching import Unit
from curation.evaluate.metrics import normalise_name

DIRECT, INDIRECT, MIXED = {"kind": "direct"}, {"kind": "indirect"}, {"kind": "mixed"}


@pytest.fixture
def hand_fixture(doc_builder):
    """Three documents; the expected figures in the tests below are computed from these by hand."""
    t1 = 'Ann said "We won the vote." Bob said taxes rose.'
    gold1 = doc_builder(
        t1,
        [
            {"label": "SPEAKER", "text": "Ann", "attrs": {"canonical": "Ann Lee"}},
            {"label": "CUE", "text": "said"},
            {"label": "QUOTE", "text": "We won the vote.", "attrs": DIRECT},
            {"label": "SPEAKER", "text": "Bob", "attrs": {"canonical": "Bob Ray"}},
            {"label": "CUE", "text": "said", "nth": 1},
            {"label": "QUOTE", "text": "taxes rose", "attrs": INDIRECT},
        ],
        [(2, 0, "speaker"), (2, 1, "cue"), (5, 3, "speaker"), (5, 4, "cue")],
        id="d1",
    )
    pred1 = doc_builder(
        t1,
        [
            {"label": "SPEAKER", "text": "Ann", "attrs": {"canonical": "ann  lee"}},
            {"label": "CUE", "text": "said"},
            {"label": "QUOTE", "text": "We won the vote.", "attrs": DIRECT},
            {"label": "QUOTE", "text": "taxes", "attrs": INDIRECT},  # 5 of 10 gold chars: overlap 0.5
        ],
        [(2, 0, "speaker"), (2, 1, "cue"), (3, 0, "speaker")],  # "taxes" given to Ann: wrong speaker
        id="d1",
    )
    t2 = 'Cy said the plan "works well" now.'
    gold2 = doc_builder(
        t2,
        [
            {"label": "SPEAKER", "text": "Cy"},
            {"label": "CUE", "text": "said"},
            {"label": "QUOTE", "text": 'the plan "works well" now', "attrs": MIXED},
        ],
        [(2, 0, "speaker"), (2, 1, "cue")],
        id="d2",
    )
    pred2 = doc_builder(
        t2,
        [
            {"label": "SPEAKER", "text": "Cy"},
            {"label": "QUOTE", "text": "works well", "attrs": DIRECT},  # 10 of 25 gold chars: 0.4
        ],
        [(1, 0, "speaker")],
        id="d2",
    )
    t3 = '"Stop," Di said, "now."'
    gold3 = doc_builder(
        t3,
        [
            {"label": "QUOTE", "text": "Stop,", "attrs": DIRECT, "group": "E1"},
            {"label": "SPEAKER", "text": "Di"},
            {"label": "CUE", "text": "said"},
            {"label": "QUOTE", "text": "now.", "attrs": DIRECT, "group": "E1"},
        ],
        [(0, 1, "speaker"), (0, 2, "cue"), (3, 1, "speaker"), (3, 2, "cue")],
        id="d3",
    )
    pred3 = doc_builder(
        t3,
        [
            {"label": "QUOTE", "text": "Stop,", "attrs": DIRECT},
            {"label": "SPEAKER", "text": "Di"},
            {"label": "QUOTE", "text": "now.", "attrs": DIRECT},  # no group: a second, spurious quote
        ],
        [(0, 1, "speaker"), (2, 1, "speaker")],
        id="d3",
    )
    return [(gold1, pred1), (gold2, pred2), (gold3, pred3)]


def test_evaluate_quote_figures_match_hand_computation(hand_fixture):
    quote = evaluate_documents(hand_fixture).row("QUOTE")
    # gold units: d1 2 + d2 1 + d3 1 (two segments, one group) = 4; predicted: 2 + 1 + 2 = 5.
    # overlap matches: d1 2 (exact; 0.5), d2 1 (0.4), d3 1 (the second segment is spurious) = 4.
    assert (quote.overlap.gold, quote.overlap.pred, quote.overlap.matched) == (4, 5, 4)
    assert quote.overlap.precision == pytest.approx(0.8)  # 4 / 5
    assert quote.overlap.recall == pytest.approx(1.0)  # 4 / 4
    assert quote.overlap.f1 == pytest.approx(0.888889, abs=1e-6)  # 2 * 0.8 * 1 / 1.8
    # exact: only "We won the vote." -> P 1/5, R 1/4, F1 2 * 0.2 * 0.25 / 0.45
    assert quote.exact.matched == 1
    assert quote.exact.f1 == pytest.approx(0.222222, abs=1e-6)


def test_evaluate_per_kind_rows_match_hand_computation(hand_fixture):
    ev = evaluate_documents(hand_fixture)
    direct = ev.row("QUOTE", "kind", "direct")
    # gold direct: d1 "We won the vote.", d3 group = 2; predicted direct: d1 1 + d2 1 + d3 2 = 4; matched 2.
    assert (direct.overlap.gold, direct.overlap.pred, direct.overlap.matched) == (2, 4, 2)
    assert direct.overlap.f1 == pytest.approx(0.666667, abs=1e-6)  # P 0.5, R 1.0
    mixed = ev.row("QUOTE", "kind", "mixed")
    # the mixed gold quote is only found by a direct prediction: no mixed prediction, recall 0, precision 0.
    assert (mixed.overlap.gold, mixed.overlap.pred, mixed.overlap.matched) == (1, 0, 0)
    assert (mixed.overlap.precision, mixed.overlap.recall, mixed.overlap.f1) == (0.0, 0.0, 0.0)


def test_evaluate_speaker_and_cue_accuracy_match_hand_computation(hand_fixture):
    quote = evaluate_documents(hand_fixture).row("QUOTE")
    # matched pairs: d1 direct (Ann = Ann), d1 indirect (Bob vs Ann: wrong), d2 (Cy), d3 (Di): 3 / 4.
    assert (quote.relations["speaker"].correct, quote.relations["speaker"].total) == (3, 4)
    # cue: only d1 direct has a predicted cue, and it is right: 1 / 4.
    assert quote.relations["cue"].value == pytest.approx(0.25)
    # canonical names on both sides: d1 direct ("Ann Lee" ~ "ann  lee": right), d1 indirect ("Bob Ray" vs
    # "Ann Lee": wrong); the others have no canonical name: 1 / 2.
    canonical = quote.relations["speaker.canonical"]
    assert (canonical.correct, canonical.total) == (1, 2)


def test_evaluate_char_f1_matches_hand_computation(hand_fixture):
    chars = evaluate_documents(hand_fixture).row("QUOTE").chars
    # gold chars: d1 16 + 10, d2 25, d3 5 + 4 = 60; predicted: 16 + 5, 10, 5 + 4 = 40, all inside gold.
    assert (chars.gold, chars.pred, chars.matched) == (60, 40, 40)
    assert chars.precision == pytest.approx(1.0)
    assert chars.recall == pytest.approx(0.666667, abs=1e-6)  # 40 / 60
    assert chars.f1 == pytest.approx(0.8)  # 2 * 1 * (2/3) / (5/3)


def test_evaluate_speaker_label_row_matches_hand_computation(hand_fixture):
    speaker = evaluate_documents(hand_fixture).row("SPEAKER")
    # gold Ann, Bob, Cy, Di = 4; predicted Ann, Cy, Di = 3, all exact: P 1, R 0.75, F1 1.5 / 1.75.
    assert (speaker.exact.matched, speaker.overlap.matched) == (3, 3)
    assert speaker.exact.f1 == pytest.approx(0.857143, abs=1e-6)


def test_evaluate_gold_against_itself_is_perfect(hand_fixture):
    golds = [gold for gold, _ in hand_fixture]
    ev = evaluate_documents((g, g) for g in golds)
    for row in ev.rows.values():
        for counts in (row.exact, row.overlap, row.chars):
            if counts.gold:
                assert (counts.precision, counts.recall, counts.f1) == (1.0, 1.0, 1.0), row.key
        for name, acc in row.relations.items():
            assert acc.value in (1.0, None), (row.key, name)
    assert ev.row("QUOTE").relations["speaker"].value == 1.0
    assert ev.worst == []


def test_evaluate_empty_predictions_score_zero(hand_fixture):
    golds = [gold for gold, _ in hand_fixture]
    ev = evaluate_documents((g, None) for g in golds)
    quote = ev.row("QUOTE")
    assert (quote.overlap.precision, quote.overlap.recall, quote.overlap.f1) == (0.0, 0.0, 0.0)
    assert quote.chars.recall == 0.0
    assert ev.without_prediction == 3
    assert ev.row("CLAIM").overlap.f1 is None  # nothing to measure: no gold claim, none predicted


@pytest.mark.parametrize(
    ("covered", "threshold", "matches"),
    [(3, 0.3, True), (2, 0.3, False), (3, 0.31, False), (1, 0.0, True), (10, 1.0, True), (9, 1.0, False)],
)
def test_matching_threshold_boundary(covered, threshold, matches):
    gold = [Unit("QUOTE", ((0, 10),), ("g",), "x" * 10)]
    pred = [Unit("QUOTE", ((0, covered),), ("p",), "x" * covered)]
    assert bool(match_overlap(gold, pred, threshold)) is matches


def test_matching_two_predictions_on_one_gold_count_once(doc_builder):
    text = "He said the economy grew fast this year."
    gold = doc_builder(
        text, [{"label": "QUOTE", "text": "the economy grew fast this year", "attrs": INDIRECT}]
    )
    pred = doc_builder(
        text,
        [
            {"label": "QUOTE", "text": "the economy grew", "attrs": INDIRECT},
            {"label": "QUOTE", "text": "fast this year", "attrs": INDIRECT},
        ],
    )
    quote = evaluate_documents([(gold, pred)]).row("QUOTE")
    assert (quote.overlap.matched, quote.overlap.pred) == (1, 2)
    assert quote.overlap.precision == 0.5


def test_matching_is_optimal_not_greedy():
    # p1 covers g1 best (0.9) but also g2 (0.5); p2 only covers g1 (0.8): greedy would match p1-g1 and
    # leave p2 and g2 alone; the optimal assignment matches both.
    gold = [Unit("QUOTE", ((0, 10),), ("g1",), ""), Unit("QUOTE", ((10, 20),), ("g2",), "")]
    pred = [Unit("QUOTE", ((1, 15),), ("p1",), ""), Unit("QUOTE", ((2, 10),), ("p2",), "")]
    assert match_overlap(gold, pred, 0.3) == [(0, 1), (1, 0)]


def test_units_merge_a_split_quote_into_one(doc_builder):
    text = '"Stop," Di said, "now."'
    doc = doc_builder(
        text,
        [
            {"label": "QUOTE", "text": "Stop,", "attrs": DIRECT, "group": "E1"},
            {"label": "QUOTE", "text": "now.", "attrs": DIRECT, "group": "E1"},
        ],
    )
    (unit,) = units(doc, "QUOTE")
    assert unit.segments == ((1, 6), (18, 22))
    assert len(unit) == 9


def test_evaluate_discontinuous_gold_found_by_one_segment(doc_builder):
    text = '"We will stop it," Di said, "and then rebuild."'
    gold = doc_builder(
        text,
        [
            {"label": "QUOTE", "text": "We will stop it,", "attrs": DIRECT, "group": "E1"},
            {"label": "QUOTE", "text": "and then rebuild.", "attrs": DIRECT, "group": "E1"},
        ],
    )
    pred = doc_builder(text, [{"label": "QUOTE", "text": "and then rebuild.", "attrs": DIRECT}])
    quote = evaluate_documents([(gold, pred)]).row("QUOTE")
    # 17 of 33 gold characters covered (0.52 >= 0.3): one gold quote, found.
    assert (quote.overlap.gold, quote.overlap.matched, quote.exact.matched) == (1, 1, 0)
    assert quote.chars.recall == pytest.approx(17 / 33)


def test_evaluate_worst_documents_list_their_mistakes(hand_fixture):
    ev = evaluate_documents(hand_fixture, worst=2)
    assert len(ev.worst) == 2
    mistakes = {(m.what, m.text) for doc in ev.worst for m in doc.mistakes}
    assert ("missed", "Bob") in mistakes
    assert ("spurious", "now.") in mistakes


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Donald Trump", "donald  trump", True),
        ("Donald Trump's", "Donald Trump", True),
        ("Donald Trump’s", "DONALD TRUMP", True),
        ("Marco Rubio", "Marco] Rubio", True),
        ("Donald Trump", "Donald Trump Jr.", False),
        ("Ann Lee", "Bob Ray", False),
    ],
)
def test_metrics_normalise_name(a, b, same):
    assert (normalise_name(a) == normalise_name(b)) is same


def test_evaluate_worst_documents_ignore_labels_the_gold_does_not_annotate(doc_builder):
    text = "Bob said taxes rose by 5 percent."
    gold = doc_builder(text, [{"label": "QUOTE", "text": "taxes rose by 5 percent", "attrs": INDIRECT}])
    pred = doc_builder(
        text,
        [
            {"label": "QUOTE", "text": "taxes rose by 5 percent", "attrs": INDIRECT},
            {"label": "CLAIM", "text": "taxes rose by 5 percent", "attrs": {"checkworthy": "high"}},
        ],
    )
    assert evaluate_documents([(gold, pred)]).worst[0].mistakes[0].what == "spurious"  # all labels count
    assert evaluate_documents([(gold, pred)], doc_labels={"QUOTE"}).worst == []
