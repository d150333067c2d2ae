"""Every curation spaCy factory, registered in one place (as spaCy's own `spacy/pipeline/factories.py`).

pyproject.toml names each factory below as a `spacy_factories` entry point, so `spacy.load(dir)` of a
saved pipeline finds them in a fresh process that never imported curation: spaCy loads the entry point,
which imports this module, which registers them all. The components live in their own modules; this
module only says how spaCy builds them and with which defaults (every tunable is a config key).

Adding a component: write its class in its own module, add a `@Language.factory` function here, and a
line `name = "curation.extract.factories:make_..."` under `[project.entry-points.spacy_factories]`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from spacy import registry
from spacy.language import Language
from spacy.tokens import Doc
from thinc.api import Model
from thinc.types import Floats2d

from curation.extract.claims.finder import ClaimFinder
from curation.extract.claims.scores import SCORING
from curation.extract.direct import FRAGMENTS, DirectQuotes, FragmentLimits
from curation.extract.indirect import RULE_SCORES as INDIRECT_SCORES
from curation.extract.indirect import IndirectQuotes
from curation.extract.learned import (
    CUE_FEATURES,
    QUOTES_KEY,
    SPANS_KEY,
    CueFinder,
    LearnedQuotes,
    candidate_suggester,
)
from curation.extract.paragraphs import mark_line_starts
from curation.extract.speaker_ranker import SpeakerRanker
from curation.extract.speakers import RULE_SCORES as SPEAKER_RULE_SCORES
from curation.extract.speakers import SPEAKER_SCORES, Speakers


def known_keys(
    given: Mapping[str, object], defaults: Mapping[str, object], component: str, option: str
) -> None:
    """A dict option names only keys the component reads: a misspelt one would silently do nothing."""
    unknown = sorted(set(given) - set(defaults))
    if unknown:
        raise ValueError(f"{component}: unknown {option} keys {unknown}; known: {sorted(defaults)}")


def rule_scores(given: dict[str, float], defaults: dict[str, float], component: str) -> dict[str, float]:
    """A scores config: every key a rule of the component, keys left out keep their default, values
    in [0, 1]."""
    known_keys(given, defaults, component, "scores")
    out = defaults | given
    outside = sorted(k for k, v in out.items() if not 0.0 <= v <= 1.0)
    if outside:
        raise ValueError(f"{component}: scores outside [0, 1]: {outside}")
    return out


@Language.factory("curation_paragraphs", assigns=["token.is_sent_start"])
def make_paragraphs(nlp: Language, name: str) -> ParagraphBreaks:
    """Line breaks are sentence boundaries (headlines, ads and paragraphs stay apart)."""
    return ParagraphBreaks()


class ParagraphBreaks:
    """The `curation_paragraphs` component: runs before the parser (see curation.extract.paragraphs)."""

    def __call__(self, doc: Doc) -> Doc:
        return mark_line_starts(doc)


@Language.factory(
    "curation_direct_quotes",
    assigns=["doc._.attributions", "doc._.quoted_fragments"],
    default_config={
        "min_words": 1,
        "score": 0.65,  # a closed quote, before `curation_speakers` finds (and scores) its speaker
        "unclosed_score": 0.4,
        "unclosed_min_words": 8,  # an unclosed one-paragraph quote is kept only from this length
        "fragment_max_words": FRAGMENTS.max_words,
        "title_max_words": FRAGMENTS.title_words,
        "split_cue_max_words": FRAGMENTS.split_cue_words,
    },
)
def make_direct_quotes(
    nlp: Language,
    name: str,
    min_words: int,
    score: float,
    unclosed_score: float,
    unclosed_min_words: int,
    fragment_max_words: int,
    title_max_words: int,
    split_cue_max_words: int,
) -> DirectQuotes:
    """Direct quotations by quote-mark pairing (speakers come from `curation_speakers`)."""
    fragments = FragmentLimits(fragment_max_words, title_max_words, split_cue_max_words)
    return DirectQuotes(nlp, name, min_words, score, unclosed_score, unclosed_min_words, fragments)


@Language.factory(
    "curation_indirect_quotes",
    assigns=["doc._.attributions"],
    requires=["token.dep", "token.lemma"],
    default_config={
        "cognition": True,
        "nominal": True,
        "min_tokens": 2,
        "scores": dict(INDIRECT_SCORES),
        "covered_share": 0.5,  # content this much inside direct quotes is theirs: no indirect quote
    },
)
def make_indirect_quotes(
    nlp: Language,
    name: str,
    cognition: bool,
    nominal: bool,
    min_tokens: int,
    scores: dict[str, float],
    covered_share: float,
) -> IndirectQuotes:
    """Indirect speech ("X said that ..."), "according to X", post-posed attributions, mixed quotes."""
    return IndirectQuotes(
        nlp, name, cognition, nominal, min_tokens, rule_scores(scores, INDIRECT_SCORES, name), covered_share
    )


@Language.factory(
    "curation_speakers",
    assigns=["doc._.attributions"],
    requires=["token.dep", "doc.ents"],
    default_config={
        "window": 30,
        "lookback_sentences": 8,
        "scores": dict(SPEAKER_RULE_SCORES),
        "speaker_scores": dict(SPEAKER_SCORES),
    },
)
def make_speakers(
    nlp: Language,
    name: str,
    window: int,
    lookback_sentences: int,
    scores: dict[str, float],
    speaker_scores: dict[str, float],
) -> Speakers:
    """Speaker mention, cue, pronoun resolution and canonical names for every attribution."""
    return Speakers(
        nlp,
        name,
        window,
        lookback_sentences,
        rule_scores(scores, SPEAKER_RULE_SCORES, name),
        rule_scores(speaker_scores, SPEAKER_SCORES, name),
    )


@Language.factory(
    "curation_claims",
    assigns=["doc._.claims"],
    requires=["token.dep", "token.lemma", "token.tag", "doc.ents", "doc.sents"],
    default_config={
        "min_words": 3,
        "split_conjuncts": True,
        "claims_in_quotes": True,
        "scoring": dataclasses.asdict(SCORING),
    },
)
def make_claim_finder(
    nlp: Language,
    name: str,
    min_words: int,
    split_conjuncts: bool,
    claims_in_quotes: bool,
    scoring: dict[str, float],
) -> ClaimFinder:
    """Claims: check-worthy factual clauses, with the speaker of the quote they are in."""
    known_keys(scoring, dataclasses.asdict(SCORING), name, "scoring")
    typed: dict[str, Any] = {k: type(getattr(SCORING, k))(v) for k, v in scoring.items()}  # word counts int
    weights = dataclasses.replace(SCORING, **typed)
    return ClaimFinder(nlp, name, min_words, split_conjuncts, claims_in_quotes, weights)


# The cue finder's default model: spaCy's tagger over its own small CNN tok2vec (the architecture of
# spaCy's CPU configs), so a trained pipeline carries it whole and the base pipeline's tok2vec stays as is.
CUE_MODEL: dict[str, Any] = {
    "@architectures": "spacy.Tagger.v2",
    "nO": None,
    "normalize": False,
    "tok2vec": {
        "@architectures": "spacy.Tok2Vec.v2",
        "embed": {
            "@architectures": "spacy.MultiHashEmbed.v2",
            "width": 96,
            "attrs": list(CUE_FEATURES),
            "rows": list(CUE_FEATURES.values()),
            "include_static_vectors": False,
        },
        "encode": {
            "@architectures": "spacy.MaxoutWindowEncoder.v2",
            "width": 96,
            "depth": 4,
            "window_size": 1,
            "maxout_pieces": 3,
        },
    },
}


@Language.factory(
    "curation_cue_finder",
    assigns=["doc.spans"],
    default_config={
        "model": CUE_MODEL,
        "spans_key": SPANS_KEY,
        "threshold": 0.5,
        "scorer": {"@scorers": "spacy.span_finder_scorer.v1"},
    },
    default_score_weights={
        f"spans_{SPANS_KEY}_f": 1.0,
        f"spans_{SPANS_KEY}_p": 0.0,
        f"spans_{SPANS_KEY}_r": 0.0,
    },
)
def make_cue_finder(
    nlp: Language,
    name: str,
    model: Model[list[Doc], list[Floats2d]],
    spans_key: str,
    threshold: float,
    scorer: Callable[..., dict[str, Any]] | None,
) -> CueFinder:
    """Learned cues of attribution (trained by `curation train`), scored spans."""
    return CueFinder(nlp.vocab, model, name, spans_key=spans_key, threshold=threshold, scorer=scorer)


@Language.factory(
    "curation_learned_quotes",
    assigns=["doc._.attributions"],
    requires=["doc.spans", "token.dep"],
    default_config={
        "spans_key": SPANS_KEY,
        "min_score": 0.5,
        "keep_rules": True,
        "judge_key": QUOTES_KEY,
        "judge_min": 0.3,
        "judge_alone": 0.8,
        "cue_weight": 0.3,
        "replace_nested": 0.8,
        "cue_min": 0.2,
        "split_min": 0.8,
        "lexicon_min": 0.1,
    },
)
def make_learned_quotes(
    nlp: Language,
    name: str,
    spans_key: str,
    min_score: float,
    keep_rules: bool,
    judge_key: str,
    judge_min: float,
    judge_alone: float,
    cue_weight: float,
    replace_nested: float,
    cue_min: float,
    split_min: float,
    lexicon_min: float,
) -> LearnedQuotes:
    """The learned attributions (judged candidates, learned cues' contents) added to the rules', before
    `curation_speakers`."""
    return LearnedQuotes(
        name,
        spans_key,
        min_score,
        keep_rules,
        judge_key,
        judge_min,
        judge_alone,
        cue_weight,
        replace_nested,
        cue_min,
        split_min,
        lexicon_min,
    )


@Language.factory(
    "curation_speaker_ranker",
    assigns=["doc._.attributions"],
    requires=["token.dep"],
    default_config={
        "model": {"@architectures": "curation.SpeakerScorer.v1", "hidden": 32},
        "override_min": 1.01,
        "learned_min": 0.0,
    },
)
def make_speaker_ranker(
    nlp: Language,
    name: str,
    model: Model[list[Floats2d], list[Floats2d]],
    override_min: float,
    learned_min: float,
) -> SpeakerRanker:
    """The learned choice of each quote's speaker among its candidates or none (trained by `curation
    train`), after `curation_learned_quotes` and before `curation_speakers`."""
    return SpeakerRanker(nlp.vocab, model, name, override_min=override_min, learned_min=learned_min)


@registry.misc("curation.candidate_suggester.v1")
def make_candidate_suggester() -> Callable[..., Any]:
    """spancat's suggester for `curation_quote_judge`: the candidate attributions the parse yields
    (curation.extract.learned.candidates). A `spacy_misc` entry point, so a saved pipeline that names it
    loads in a process that never imported curation."""
    return candidate_suggester
