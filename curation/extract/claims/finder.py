"""`find_claims` over a parsed Doc, and the `curation_claims` pipeline component that runs it."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from curation.extract.claims.clauses import (
    CLAUSE_POS,
    clause_heads,
    clause_tokens,
    is_frame,
    is_punctuation,
    trim,
)
from curation.extract.claims.quotes import (
    char_range,
    enclosing_attribution,
    quote_index,
    reports_words,
    segment_roots,
    tokens_in,
)
from curation.extract.claims.rules import check_clause
from curation.extract.claims.scores import SCORING, ClaimScoring, checkworthiness, score_claim
from curation.extract.lexicon import WithLexicon
from curation.extract.types import Attribution, Claim, Rejection, register_extensions


def find_claims(
    doc: Doc,
    attributions: list[Attribution] | None,
    *,
    min_words: int = 3,
    split_conjuncts: bool = True,
    claims_in_quotes: bool = True,
    rejections: list[Rejection] | None = None,
    scoring: ClaimScoring = SCORING,
) -> list[Claim]:
    """All claims of `doc`, in text order; each clause turned down is appended to `rejections` (if
    given) with the rule that turned it down."""
    # Only quotes that hold someone's assertion cut the author's clauses and lend their speaker.
    atts = quote_index([a for a in attributions or [] if reports_words(doc, a)])
    text = doc.text  # built by joining every token: once per document, not per clause
    cues = {a.cue.start for a in atts.items if a.cue is not None}
    claims: dict[tuple[int, int], Claim] = {}
    for sent in doc.sents:
        for head, split in clause_heads(segment_roots(sent, text, atts), split_conjuncts):
            if head.pos_ not in CLAUSE_POS or not head.is_alpha or is_frame(head, split, cues):
                continue
            tokens = trim(clause_tokens(head, split))
            if not tokens:
                continue
            start, end, quote_cut = char_range(text, tokens, head, atts)
            inside = tokens_in(head, start, end, tokens, quote_cut)
            if inside is None:
                continue
            tokens = inside
            if sum(1 for t in tokens if not is_punctuation(t)) < min_words or head not in tokens:
                continue
            quoted = enclosing_attribution(head.idx, head.idx + len(head.text), atts) is not None
            verdict = check_clause(head, tokens, quoted)
            if not verdict.is_claim:
                if rejections is not None:
                    lo, hi = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
                    voice = "quote:" if quoted else "author:"
                    rejections.append(Rejection(lo, hi, text[lo:hi], voice + verdict.rule))
                continue
            start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
            owner = enclosing_attribution(start, end, atts)
            if owner is not None and not claims_in_quotes:
                continue
            checkworthy = checkworthiness(
                head, tokens, speaker=owner is not None and owner.speaker is not None
            )
            claims[(start, end)] = Claim(
                start=start,
                end=end,
                text=text[start:end],
                checkworthy=checkworthy,
                score=score_claim(head, tokens, checkworthy, scoring),
                speaker=owner.speaker if owner else None,
                canonical=owner.canonical if owner else None,
                rule=("quote:" if owner else "author:") + verdict.rule,
            )
    return [claims[key] for key in sorted(claims)]


class ClaimFinder(WithLexicon):
    """The pipeline component: sets `doc._.claims` (a new list) from the parse and the quotes."""

    def __init__(
        self,
        nlp: Language,
        name: str,
        min_words: int,
        split_conjuncts: bool,
        claims_in_quotes: bool,
        scoring: ClaimScoring = SCORING,
    ):
        super().__init__()
        register_extensions()
        self.name = name
        self.scoring = scoring
        self.min_words = min_words
        self.split_conjuncts = split_conjuncts
        self.claims_in_quotes = claims_in_quotes

    def annotate(self, doc: Doc) -> Doc:
        rejections: list[Rejection] = []
        doc._.claims = find_claims(
            doc,
            doc._.attributions,
            min_words=self.min_words,
            split_conjuncts=self.split_conjuncts,
            claims_in_quotes=self.claims_in_quotes,
            rejections=rejections,
            scoring=self.scoring,
        )
        doc._.claim_rejections = rejections
        return doc
