"""The spaCy training config `curation train` writes, and the registered helpers it names.

What is learned (three components in one training pipeline, one loop):
- `curation_tok2vec`: spaCy's `tok2vec`, one small CNN shared by both heads below (spaCy's listener
  pattern: computed once per doc, trained by both losses): hash embeddings of the word's form and of the
  base pipeline's LEMMA, TAG and DEP (learned.CUE_FEATURES), and a 4-layer window encoder of width 96,
  the architecture of spaCy's CPU configs;
- the cues of the schema's quote label (the CUE spans linked to each QUOTE), as the tags CUE / O, by
  `curation_cue_finder` (spaCy's tagger);
- which candidate attributions are real, by `curation_quote_judge`: spaCy's `spancat` over the token
  ranges the registered suggester `curation.candidate_suggester.v1` proposes (a cue word and the
  content its parse yields, learned.candidates), with mean+max pooling; its gold is written by
  curation.train.data (GoldQuotes).
Sharing the tok2vec (session 6) gave the judge the cue finder's 4 layers of context (it had its own of
width 64 and depth 2: a token saw 2 words either side, the subject before a cue often out of reach),
and a run one CNN less to compute per step and per annotated doc.
The base pipeline's parse is computed once before training, and the corpus reader
(curation.train.corpus) hands it to the loop as the Examples' predicted docs; the assembled pipeline
adds the three components after the base model and the rules (curation.train.run), with
`curation_learned_quotes` joining them to the rules (curation.extract.learned).
The checkpoint kept is the one with the best mean of the cue span F1 and the judge's span F1 on the
validation split (spaCy's `model-best`), scored curation.train.run.EVALS_PER_EPOCH times per epoch.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from spacy import registry
from spacy.language import Language

from curation.extract import embed as _embed  # noqa: F401  (registers the embedding the config names)
from curation.extract.learned import CUE_FEATURES, QUOTES_KEY, SPANS_KEY
from curation.schema import get_schema
from curation.train import corpus as _corpus  # noqa: F401  (registers the reader the config names)

TOK2VEC = "curation_tok2vec"
FINDER = "curation_cue_finder"
JUDGE = "curation_quote_judge"
COMBINER = "curation_learned_quotes"
RANKER = "curation_speaker_ranker"

_CONFIG = """
[paths]
train = null
dev = null
train_parsed = null
dev_parsed = null
rows = null

[system]
seed = {seed}
gpu_allocator = null

[nlp]
lang = "en"
pipeline = ["{tok2vec}", "{finder}", "{judge}"{ranker_name}]
batch_size = 64
disabled = []
before_creation = null
after_creation = null
after_pipeline_creation = null
vectors = {{"@vectors": "spacy.Vectors.v1"}}
tokenizer = {{"@tokenizers": "spacy.Tokenizer.v1"}}

[components]

{shared_tok2vec}
[components.{finder}]
factory = "{finder}"
threshold = {threshold}
spans_key = "{key}"
scorer = {{"@scorers": "spacy.span_finder_scorer.v1"}}

[components.{finder}.model]
@architectures = "spacy.Tagger.v2"
nO = null
normalize = false

{finder_tok2vec}
[components.{judge}]
factory = "spancat"
spans_key = "{quotes_key}"
threshold = {judge_threshold}
max_positive = null

[components.{judge}.suggester]
@misc = "curation.candidate_suggester.v1"

[components.{judge}.model]
@architectures = "spacy.SpanCategorizer.v1"

[components.{judge}.model.reducer]
@layers = "spacy.mean_max_reducer.v1"
hidden_size = 128

[components.{judge}.model.scorer]
@layers = "spacy.LinearLogistic.v1"
nO = null
nI = null

{judge_tok2vec}
{ranker}
[corpora]

[corpora.train]
@readers = "curation.ParsedCorpus.v1"
path = ${{paths.train}}
parsed = ${{paths.train_parsed}}

[corpora.dev]
@readers = "curation.ParsedCorpus.v1"
path = ${{paths.dev}}
parsed = ${{paths.dev_parsed}}

[training]
seed = ${{system.seed}}
gpu_allocator = ${{system.gpu_allocator}}
dropout = 0.1
accumulate_gradient = 1
patience = 0
max_epochs = {max_epochs}
max_steps = 0
eval_frequency = {eval_frequency}
frozen_components = []
annotating_components = []
before_to_disk = null
before_update = {{"@callbacks": "curation.time_limit.v1", "minutes": {minutes}}}
dev_corpus = "corpora.dev"
train_corpus = "corpora.train"

[training.batcher]
@batchers = "spacy.batch_by_words.v1"
discard_oversize = false
tolerance = 0.2
size = {batch_words}

[training.logger]
@loggers = "curation.epoch_logger.v1"
rows = ${{paths.rows}}

[training.optimizer]
@optimizers = "Adam.v1"
beta1 = 0.9
beta2 = 0.999
L2_is_weight_decay = true
L2 = 0.01
grad_clip = 1.0
use_averages = true
eps = 0.00000001
learn_rate = 0.001

[training.score_weights]
spans_{key}_f = 0.5
spans_{key}_p = 0.0
spans_{key}_r = 0.0
spans_{quotes_key}_f = 0.5
spans_{quotes_key}_p = 0.0
spans_{quotes_key}_r = 0.0

[initialize]
vectors = null
vocab_data = null
lookups = null
init_tok2vec = null
before_init = null
after_init = null

[initialize.components]

[initialize.tokenizer]
"""


def training_config(
    base: str,
    seed: int,
    max_epochs: int,
    eval_frequency: int,
    minutes: float,
    batch_words: int = 2000,
    width: int = 96,
    depth: int = 4,
    window: int = 1,
    threshold: float = 0.5,
    judge_threshold: float = 0.1,
    speaker_ranker: bool = False,
) -> str:
    """The config text (spaCy's format) for one training run (`base` gives the tokenizer's language);
    with `speaker_ranker`, the speaker re-ranker (curation.extract.speaker_ranker) learns in the same loop."""
    schema = get_schema()
    if not (schema.has_role("quote") and schema.has_role("cue")):
        raise ValueError("the label schema has no quote and cue labels to learn from")
    del base  # the tokens come from the base pipeline's tokenizer when the DocBins are written
    return _CONFIG.format(
        seed=seed,
        finder=FINDER,
        key=SPANS_KEY,
        max_epochs=max_epochs,
        eval_frequency=eval_frequency,
        minutes=float(minutes),
        batch_words=batch_words,
        threshold=threshold,
        judge=JUDGE,
        quotes_key=QUOTES_KEY,
        judge_threshold=judge_threshold,
        tok2vec=TOK2VEC,
        shared_tok2vec=_tok2vec(f"components.{TOK2VEC}", width, depth, window, factory="tok2vec"),
        finder_tok2vec=_listener(FINDER, width),
        judge_tok2vec=_listener(JUDGE, width),
        ranker_name=f', "{RANKER}"' if speaker_ranker else "",
        ranker=_RANKER.format(name=RANKER) if speaker_ranker else "",
    )


# The speaker re-ranker: its own small network over candidate features, no listener (it reads no tokvecs).
_RANKER = """[components.{name}]
factory = "{name}"
override_min = 1.01
learned_min = 0.0

[components.{name}.model]
@architectures = "curation.SpeakerScorer.v1"
hidden = 32
"""


# The shared tok2vec (hash embeddings of the cue features + a CNN window encoder), a component of its
# own that both learned heads listen to (spaCy's Tok2VecListener), so it is computed once per doc. Its
# embedding is spaCy's MultiHashEmbed computed once per distinct token of a batch (curation.extract.embed:
# the same layers, weights and floats; a pipeline trained before it names spacy.MultiHashEmbed.v2).
_TOK2VEC = """[{path}]
{factory}
[{path}.model]
@architectures = "spacy.Tok2Vec.v2"

[{path}.model.embed]
@architectures = "curation.UniqueRowsEmbed.v1"
width = {width}
attrs = {attrs}
rows = {rows}
include_static_vectors = false

[{path}.model.encode]
@architectures = "spacy.MaxoutWindowEncoder.v2"
width = {width}
depth = {depth}
window_size = {window}
maxout_pieces = 3
"""

_LISTENER = """[components.{name}.model.tok2vec]
@architectures = "spacy.Tok2VecListener.v1"
width = {width}
upstream = "{upstream}"
"""


def _tok2vec(path: str, width: int, depth: int, window: int, factory: str = "") -> str:
    attrs, rows = json.dumps(list(CUE_FEATURES)), json.dumps(list(CUE_FEATURES.values()))
    return _TOK2VEC.format(
        path=path,
        factory=f'factory = "{factory}"\n' if factory else "",
        width=width,
        depth=depth,
        window=window,
        attrs=attrs,
        rows=rows,
    )


def _listener(name: str, width: int) -> str:
    return _LISTENER.format(name=name, width=width, upstream=TOK2VEC)


class TimeUp(Exception):
    """Raised before an update once the time budget is spent; the best epoch so far is kept."""


@registry.callbacks("curation.time_limit.v1")
def time_limit(minutes: float) -> Callable[[Language, dict[str, Any]], None]:
    """Stop training (TimeUp) before the first update after `minutes` (0: no limit)."""
    started = time.monotonic()

    def check(nlp: Language, args: dict[str, Any]) -> None:
        if minutes > 0 and time.monotonic() - started > minutes * 60:
            raise TimeUp(f"time budget of {minutes:g} minutes spent at epoch {args.get('epoch')}")

    return check


# Rows reach the caller through this hook (a registered logger is built from the config, so it cannot be
# handed a Python callable there); curation.train.run sets it for the duration of one run.
ROW_HOOK: list[Callable[[dict[str, Any]], None]] = []


@registry.loggers("curation.epoch_logger.v1")
def epoch_logger(rows: str | Path | None = None) -> Callable[..., Any]:
    """One row per evaluation (epoch, step, loss, validation cue P/R/F, judge F, seconds) to ROW_HOOK."""

    def setup(nlp: Language, stdout: IO[str] | None = None, stderr: IO[str] | None = None) -> Any:
        started = time.monotonic()

        def log_step(info: dict[str, Any] | None) -> None:
            if info is None:
                return
            other = info.get("other_scores", {})
            row = {
                "epoch": info["epoch"],
                "step": info["step"],
                "loss": round(sum(info.get("losses", {}).values()), 2),
                "precision": other.get(f"spans_{SPANS_KEY}_p"),
                "recall": other.get(f"spans_{SPANS_KEY}_r"),
                "f1": other.get(f"spans_{SPANS_KEY}_f"),
                "judge_f1": other.get(f"spans_{QUOTES_KEY}_f"),
                "score": info.get("score"),
                "seconds": round(time.monotonic() - started, 1),
            }
            for hook in ROW_HOOK:
                hook(row)

        def finalize() -> None:
            return None

        return log_step, finalize

    return setup
