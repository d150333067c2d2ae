"""`curation_speaker_ranker`: a learned choice of each quote's speaker among its candidates, or none.

The rules name one speaker per quote from the parse; for the learned quotes that is the cue's subject
or a noun's owner (curation.extract.learned.content_of), right for about 0.82 of them on PolNeAR dev
against 0.93-0.96 for the rules' own quotes. This component scores every candidate
(curation.extract.speaker_candidates: NONE, the rules' speaker, the cue's subject, agent, owner, the
noun phrases of the cue's sentence and the one before) by a small network over their features, a
softmax over each quote's candidates, and trained by `curation train` (spaCy's loop) on the gold
quotes' speakers of the training split (no speaker: NONE).

It runs after `curation_learned_quotes` and before `curation_speakers` (which resolves pronouns and
names). A learned quote takes the top candidate; a rules' quote keeps its speaker unless the top
candidate differs with a probability of at least `override_min` (above 1: never).

Off by default (`curation train --speaker-ranker`). Measured on PolNeAR (session 10, the features of
curation.extract.speaker_candidates, trained on polnear-train): on the validation split's gold cues,
with the parse's contents, its top candidate is right for 0.89 of the quotes, the parse's source for
0.69, some candidate for 0.98; but on PolNeAR dev's learned quotes it is no better than their rules'
speaker (combined speaker accuracy 0.915 with every learned quote re-ranked, 0.921 from a probability of
0.8, against 0.922): the quotes the judge adds are not the gold-cue quotes it learned from.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any, NamedTuple

import numpy
from spacy import registry
from spacy.language import Language
from spacy.pipeline import TrainablePipe
from spacy.tokens import Doc, Span, Token
from spacy.training import Example
from thinc.api import Linear, Model, Optimizer, Relu, chain, with_array
from thinc.types import Floats2d

from curation.extract import learned, syntax
from curation.extract.speaker_candidates import (
    FEATURE_WIDTH,
    SpeakerCandidate,
    candidate_matrix,
    matches,
    speaker_candidates,
)
from curation.extract.types import Attribution

# The gold a training doc carries (curation.train.data): per gold quote, its content segment nearest
# the cue under QUOTES_KEY and its cue under CUES_KEY (the same order), and every gold speaker span under
# SPEAKERS_KEY labelled with the index of its quote.
QUOTES_KEY = "speaker_quotes"
CUES_KEY = "speaker_cues"
SPEAKERS_KEY = "speaker_gold"


@registry.architectures("curation.SpeakerScorer.v1")
def speaker_scorer(hidden: int = 32) -> Model[list[Floats2d], list[Floats2d]]:
    """One score per candidate (a row of features), per quote: a hidden ReLU layer and a linear output."""
    return with_array(chain(Relu(nO=hidden, nI=FEATURE_WIDTH), Linear(nO=1, nI=hidden)))


class Choice(NamedTuple):
    """One quote the ranker scores: the index of its attribution, its candidates, the index of the
    rules' speaker among them (0: NONE), and whether it is a learned quote."""

    at: int
    candidates: list[SpeakerCandidate]
    rules: int
    learned: bool

    def features(self) -> Floats2d:
        return candidate_matrix(self.candidates)


class SpeakerRanker(TrainablePipe):
    """Re-rank each quote's speaker (module docstring)."""

    def __init__(
        self,
        vocab: Any,
        model: Model[list[Floats2d], list[Floats2d]],
        name: str,
        *,
        override_min: float,
        learned_min: float,
    ) -> None:
        self.vocab = vocab
        self.model = model
        self.name = name
        # Attributes, not self.cfg: TrainablePipe.from_disk restores a saved cfg over the config's values.
        self.override_min = override_min
        self.learned_min = learned_min
        self.cfg: dict[str, Any] = {}
        self.scorer = None

    # -- annotating -------------------------------------------------------------------------------

    def predict(self, docs: Iterable[Doc]) -> list[list[tuple[Choice, Floats2d]]]:
        out = []
        for doc in docs:
            choices = [c for c in _choices(doc) if len(c.candidates) > 1]
            scores = self.model.predict([c.features() for c in choices]) if choices else []
            out.append(list(zip(choices, scores, strict=True)))
        return out

    def set_annotations(self, docs: Iterable[Doc], predictions: list[list[tuple[Choice, Floats2d]]]) -> None:
        for doc, found in zip(docs, predictions, strict=True):
            if not found:
                continue
            attributions = list(doc._.attributions)
            for choice, scores in found:
                probs = _softmax(self.model.ops.to_numpy(scores)[:, 0])
                best = int(probs.argmax())
                least = self.learned_min if choice.learned else self.override_min
                if best == choice.rules or probs[best] < least:
                    continue
                attributions[choice.at] = _with_speaker(attributions[choice.at], choice.candidates[best])
            doc._.attributions = attributions

    # -- training ---------------------------------------------------------------------------------

    def update(
        self,
        examples: Iterable[Example],
        *,
        drop: float = 0.0,
        sgd: Optimizer | None = None,
        losses: dict[str, float] | None = None,
    ) -> dict[str, float]:
        losses = {} if losses is None else losses
        losses.setdefault(self.name, 0.0)
        rows = [row for eg in examples for row in training_rows(eg)]
        if not rows:
            return losses
        scores, backprop = self.model.begin_update([x for x, _ in rows])
        loss, grads = self.get_loss(rows, scores)
        backprop(grads)
        if sgd is not None:
            self.finish_update(sgd)
        losses[self.name] += loss
        return losses

    def get_loss(
        self, rows: list[tuple[Floats2d, int]], scores: list[Floats2d]
    ) -> tuple[float, list[Floats2d]]:
        """Cross-entropy of the softmax over each quote's candidates against its gold candidate."""
        loss, grads = 0.0, []
        for (_, target), s in zip(rows, scores, strict=True):
            probs = _softmax(self.model.ops.to_numpy(s)[:, 0])
            loss -= float(numpy.log(max(probs[target], 1e-9)))
            grad = probs.copy()
            grad[target] -= 1.0
            grads.append(self.model.ops.asarray2f(grad[:, None].astype("float32") / len(rows)))  # type: ignore[arg-type]
        return loss, grads

    def initialize(
        self, get_examples: Callable[[], Iterable[Example]], *, nlp: Language | None = None
    ) -> None:
        sample = [x for eg in list(get_examples())[:10] for x, _ in training_rows(eg)]
        self.model.initialize(X=sample or [self.model.ops.alloc2f(2, FEATURE_WIDTH)])


def _softmax(values: numpy.ndarray) -> numpy.ndarray:
    e = numpy.exp(values - values.max())
    return e / e.sum()


def _choices(doc: Doc) -> list[Choice]:
    """The quotes of `doc._.attributions` with a cue, as Choices (their attribution's index)."""
    out = []
    for i, a in enumerate(doc._.attributions or []):
        cue = _cue_word(doc, a)
        content = doc.char_span(a.start, a.end, alignment_mode="expand")
        if cue is None or content is None:
            continue
        rules = syntax.mention_root(doc, a.speaker) if a.speaker is not None else None
        candidates = speaker_candidates(cue, content, rules)
        at = (
            0
            if rules is None
            else next((k for k, c in enumerate(candidates) if c.head is not None and c.head.i == rules.i), 0)
        )
        out.append(Choice(i, candidates, at, a.rule == learned.LEARNED_RULE))
    return out


def _cue_word(doc: Doc, a: Attribution) -> Token | None:
    """The word whose parse gave a quote: a learned quote's cue word (learned.CUE_WORD), else the root
    of its cue span."""
    at = a.extra.get(learned.CUE_WORD)
    if isinstance(at, int):
        span = doc.char_span(at, at + 1, alignment_mode="expand")
        if span is not None and len(span):
            return span[0]
    return syntax.mention_root(doc, a.cue) if a.cue is not None else None


def _with_speaker(a: Attribution, chosen: SpeakerCandidate) -> Attribution:
    speaker = syntax.as_mention(chosen.mention) if chosen.mention is not None else None
    return replace(a, speaker=speaker, canonical=None)


def training_rows(example: Example) -> list[tuple[Floats2d, int]]:
    """(candidate features, index of the gold candidate) of every gold quote of a training example, the
    candidates read from its parsed (predicted) doc; a quote no candidate gets right is left out. Kept
    in the predicted doc's user_data: the parsed docs are the same objects in every epoch."""
    doc = example.predicted
    kept = doc.user_data.get(_ROWS_KEY)
    if kept is None or kept[0] != len(doc):
        kept = (len(doc), _rows(doc, example.reference))
        doc.user_data[_ROWS_KEY] = kept
    return kept[1]


_ROWS_KEY = "curation.speaker_rows"


def _rows(doc: Doc, gold: Doc) -> list[tuple[Floats2d, int]]:
    if QUOTES_KEY not in gold.spans:
        return []
    speakers: dict[str, list[tuple[int, int]]] = {}
    for span in gold.spans.get(SPEAKERS_KEY, []):
        speakers.setdefault(span.label_, []).append((span.start_char, span.end_char))
    rows = []
    for quote, cue_span in zip(gold.spans[QUOTES_KEY], gold.spans[CUES_KEY], strict=True):
        cue = doc[cue_span.root.i]
        # The content the parse gives, as at run time (a gold content often takes in the subject of an
        # evidential "X seems to ...", which then is no candidate: the ranker learned "none" from it).
        found = learned.content_of(cue)
        content = found[0] if found is not None else doc[quote.start : quote.end]
        candidates = speaker_candidates(cue, content, found[1] if found is not None else None)
        right = [matches(c, speakers.get(quote.label_, [])) for c in candidates]
        if len(candidates) > 1 and any(right):
            rows.append((candidate_matrix(candidates), right.index(True)))
    return rows


Range = tuple[int, int]


def gold_spans(doc: Doc, quotes: list[tuple[Range, Range, list[Range]]]) -> None:
    """Write the gold the ranker learns from on a gold doc: per quote (content segment, cue, speaker
    character ranges), under QUOTES_KEY, CUES_KEY and SPEAKERS_KEY (module constants); a quote whose
    content or cue covers no token is left out (its speaker cannot be chosen from tokens)."""
    contents: list[Span] = []
    cues: list[Span] = []
    speakers: list[Span] = []
    for (start, end), (cue_start, cue_end), gold in quotes:
        content = doc.char_span(start, end, alignment_mode="expand")
        cue = doc.char_span(cue_start, cue_end, alignment_mode="expand")
        if content is None or cue is None or not len(content) or not len(cue):
            continue
        label = str(len(contents))
        contents.append(Span(doc, content.start, content.end, label=label))
        cues.append(Span(doc, cue.start, cue.end, label=label))
        for s, e in gold:
            span = doc.char_span(s, e, alignment_mode="expand")
            if span is not None and len(span):
                speakers.append(Span(doc, span.start, span.end, label=label))
    doc.spans[QUOTES_KEY] = contents
    doc.spans[CUES_KEY] = cues
    doc.spans[SPEAKERS_KEY] = speakers
