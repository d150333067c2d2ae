"""Every curation spaCy factory, registered in one place (as spaCy's own `spacy/pipeline/factories.py`).

pyproject.toml names each factory below as a `spacy_factories` entry point, so `spacy.load(dir)` of a
saved pipeline finds them in a fresh process that never imported curation: spaCy loads the entry point,
which imports this module, which registers them all. The components live in their own modules; this
module only says how spaCy builds them and with which defaults (every tunable is a config key).

Adding a component: write its class in its own module, add a `@Language.factory` function here, and a
line `name = "curation.extract.factories:make_..."` under `[project.entry-points.spacy_factories]`.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from curation.extract.claims import ClaimFinder
from curation.extract.direct import DirectQuotes
from curation.extract.indirect import IndirectQuotes
from curation.extract.paragraphs import mark_line_starts
from curation.extract.speakers import Speakers


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
    default_config={"min_words": 1, "unclosed_score": 0.4},
)
def make_direct_quotes(nlp: Language, name: str, min_words: int, unclosed_score: float) -> DirectQuotes:
    """Direct quotations by quote-mark pairing (speakers come from `curation_speakers`)."""
    return DirectQuotes(nlp, name, min_words, unclosed_score)


@Language.factory(
    "curation_indirect_quotes",
    assigns=["doc._.attributions"],
    requires=["token.dep", "token.lemma"],
    default_config={"cognition": True, "nominal": True, "min_tokens": 2},
)
def make_indirect_quotes(
    nlp: Language, name: str, cognition: bool, nominal: bool, min_tokens: int
) -> IndirectQuotes:
    """Indirect speech ("X said that ..."), "according to X", post-posed attributions, mixed quotes."""
    return IndirectQuotes(nlp, name, cognition, nominal, min_tokens)


@Language.factory(
    "curation_speakers",
    assigns=["doc._.attributions"],
    requires=["token.dep", "doc.ents"],
    default_config={"window": 30, "lookback_sentences": 8},
)
def make_speakers(nlp: Language, name: str, window: int, lookback_sentences: int) -> Speakers:
    """Speaker mention, cue, pronoun resolution and canonical names for every attribution."""
    return Speakers(nlp, name, window, lookback_sentences)


@Language.factory(
    "curation_claims",
    assigns=["doc._.claims"],
    requires=["token.dep", "token.lemma", "token.tag", "doc.ents", "doc.sents"],
    default_config={"min_words": 3, "split_conjuncts": True, "claims_in_quotes": True},
)
def make_claim_finder(
    nlp: Language, name: str, min_words: int, split_conjuncts: bool, claims_in_quotes: bool
) -> ClaimFinder:
    """Claims: check-worthy factual clauses, with the speaker of the quote they are in."""
    return ClaimFinder(nlp, name, min_words, split_conjuncts, claims_in_quotes)
