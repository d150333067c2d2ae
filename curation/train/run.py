"""One training run: dataset version -> spaCy training (its config system and loop) -> a loadable pipeline.

1. The version's train, validation and test splits become DocBins (curation.train.data).
   Train and validation are also parsed once by the base pipeline (the learned component's features).
2. spaCy's own machinery trains the learned components, the cue finder and the quote judge (`init_nlp`
   + `spacy.training.loop.train`, the code behind `spacy train`) on train, keeping the epoch that
   scores best on validation.
3. The pipeline is assembled: the base pipeline, the rule components, and the learned components with
   `curation_learned_quotes` joining them (curation.extract.learned), saved with `nlp.to_disk`.
   Its meta.json names the dataset (name, version, manifest sha256, content hash), the base pipeline,
   the seed, and the scores of the whole pipeline on the validation and test splits (curation's own
   evaluation definitions).
The model directory appears whole or not at all (built next to it, then renamed).
"""

from __future__ import annotations

import io
import json
import math
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language

import curation
from curation.annotate import annotate_documents
from curation.errors import InputError
from curation.evaluate import Evaluation, evaluate_documents
from curation.export.versions import read_manifest, sha256_file
from curation.extract.learned import SPANS_KEY
from curation.extract.pipeline import add_components, load_model, pipeline_name
from curation.progress import NO_PROGRESS, Progress
from curation.records import Document
from curation.settings import get_settings
from curation.train import config as train_config
from curation.train.data import SplitData, read_split, write_docbins

Row = dict[str, Any]
# Under CURATION_HOME: the base pipeline's parse of train and validation, kept for the next run on the
# same texts (curation.train.data.parse_to_docbin), so a second run spends its budget on training.
PARSE_CACHE = "parsed"
EVALS_PER_EPOCH = 3  # validation scores (and a chance to keep the model) per epoch of training
# Passes over the train split. More epochs lift the judge's validation F1, but the cue finder's falls
# after its second or third and the whole pipeline follows the finder. PolNeAR (700 training documents),
# same code and seed, combined QUOTE F1 on the export's validation split (what chooses), its held-out
# test split and PolNeAR dev: 2 epochs 0.792 / 0.794 / 0.814 (8 minutes), 3 epochs 0.789 / 0.796 /
# 0.815, 11 epochs (the best at epoch 10 by the mean of cue and judge F1) 0.785 / 0.790 / 0.804.
DEFAULT_EPOCHS = 2


@dataclass
class TrainResult:
    """What a run produced: where, the per-evaluation rows, and the assembled pipeline's scores."""

    model_dir: Path
    rows: list[Row] = field(default_factory=list)
    splits: dict[str, SplitData] = field(default_factory=dict)
    scores: dict[str, dict[str, float | None]] = field(default_factory=dict)
    stopped: str = ""
    chosen_on: str = "validation"
    warnings: list[str] = field(default_factory=list)  # what the caller must tell the user
    seconds: float = 0.0


def train_pipeline(
    dataset: Path,
    out: Path,
    *,
    base: str | None = None,
    max_minutes: float = 0,
    max_epochs: int = DEFAULT_EPOCHS,
    seed: int = 0,
    speaker_ranker: bool = False,
    on_row: Callable[[Row], None] | None = None,
    progress: Progress = NO_PROGRESS,
) -> TrainResult:
    """Train from the exported version `dataset` into the new directory `out` (see the module docstring)."""
    started = time.monotonic()
    manifest = read_manifest(dataset)
    if out.exists() and any(out.iterdir()):
        raise InputError(f"{out} already exists and is not empty; give a new model directory")
    base_name = base or get_settings().model
    base_nlp = load_model(base_name)
    result = TrainResult(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{out.name}.", dir=out.parent) as tmp:
        work = Path(tmp)
        progress.stage("reading the dataset version, parsing train and validation with the base pipeline")
        cache = get_settings().home / PARSE_CACHE
        result.splits = write_docbins(dataset, base_nlp, work / "corpus", SPANS_KEY, progress.advance, cache)
        train_split, dev_split = result.splits["train"], result.splits["validation"]
        if train_split.cues == 0:
            raise InputError(f"{dataset}: its train split has no cue spans (of quotes) to learn from")
        result.chosen_on = "validation"
        if dev_split.documents == 0:
            # A small version (one story: one group, one split) has no validation documents; say so and
            # choose on train rather than refuse (the figures on validation are then missing, not faked).
            result.chosen_on = "train"
            result.warnings.append(
                f"{dataset} has an empty validation split: the epoch is chosen on the train split "
                "(export more documents, or a validation share, to choose on held-out data)"
            )
        steps_per_epoch = max(1, math.ceil(train_split.words / 2000))
        # The time budget stops the loop between evaluations and only an evaluated step can be kept:
        # evaluating once an epoch threw away up to a whole epoch (on PolNeAR under load, 4.5 of 14.5
        # minutes of training); EVALS_PER_EPOCH evaluations cost ~15 s each on its validation split.
        eval_frequency = max(1, math.ceil(steps_per_epoch / EVALS_PER_EPOCH))
        # The budget covers the whole run: what reading and parsing took is not left to the loop.
        left = max(max_minutes - (time.monotonic() - started) / 60, 0.5) if max_minutes > 0 else 0
        text = train_config.training_config(
            base_name, seed, max_epochs, eval_frequency, left, speaker_ranker=speaker_ranker
        )
        (work / "config.cfg").write_text(text, encoding="utf-8")
        progress.stage(f"training ({train_split.documents} documents, {train_split.cues} cues)")
        result.stopped = _run_spacy_training(work, result.chosen_on, on_row, result.rows, progress)
        progress.stage("assembling the pipeline")
        staged = work / "pipeline"
        assembled = assemble(base_name, work / "model" / "model-best")
        assembled.meta["name"] = model_name(manifest, seed)
        assembled.meta["version"] = curation.__version__
        assembled.to_disk(staged)
        # Scored as saved: loading links the learned component to the base pipeline's tok2vec.
        nlp = spacy.load(staged)
        progress.stage("scoring on validation and test")
        for split in ("validation", "test"):
            if result.splits[split].documents:
                result.scores[split] = figures(score_split(nlp, dataset, split))
        meta = json.loads((staged / "meta.json").read_text(encoding="utf-8"))
        meta.update(_meta(manifest, dataset, base_name, base_nlp, seed, result))
        if train_config.RANKER in nlp.pipe_names:
            meta["curation"]["learned"].append(train_config.RANKER)
        (staged / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        if out.exists():
            out.rmdir()
        shutil.move(str(staged), str(out))
    result.seconds = time.monotonic() - started
    return result


def _run_spacy_training(
    work: Path, chosen_on: str, on_row: Callable[[Row], None] | None, rows: list[Row], progress: Progress
) -> str:
    """spaCy's init_nlp + training loop on the written config; returns why it stopped early, if it did."""
    from spacy.training.initialize import init_nlp
    from spacy.training.loop import train
    from spacy.util import load_config

    def hook(row: Row) -> None:
        rows.append(row)
        progress.advance()
        if on_row is not None:
            on_row(row)

    overrides = {
        "paths.train": str(work / "corpus" / "train.spacy"),
        "paths.dev": str(work / "corpus" / f"{chosen_on}.spacy"),
        "paths.train_parsed": str(work / "corpus" / "train.parsed.spacy"),
        "paths.dev_parsed": str(work / "corpus" / f"{chosen_on}.parsed.spacy"),
    }
    config = load_config(work / "config.cfg", overrides=overrides, interpolate=False)
    nlp = init_nlp(config)
    (work / "model").mkdir(exist_ok=True)
    train_config.ROW_HOOK.append(hook)
    try:
        train(nlp, work / "model", stdout=io.StringIO(), stderr=io.StringIO())
    except train_config.TimeUp as exc:
        return str(exc)
    finally:
        train_config.ROW_HOOK.remove(hook)
    return ""


def assemble(base: str, trained_dir: Path) -> Language:
    """The base pipeline + rule components + the learned tok2vec and the cue finder and quote judge
    that listen to it, from `trained_dir`, joined to the rules by `curation_learned_quotes` before
    the speakers are resolved."""
    trained = spacy.load(trained_dir)
    nlp = add_components(load_model(base))
    before = "curation_speakers"
    nlp.add_pipe(train_config.TOK2VEC, source=trained, before=before)
    nlp.add_pipe(train_config.FINDER, source=trained, before=before)
    nlp.add_pipe(train_config.JUDGE, source=trained, before=before)
    nlp.add_pipe(train_config.COMBINER, before=before)
    if train_config.RANKER in trained.pipe_names:
        nlp.add_pipe(train_config.RANKER, source=trained, before=before)
    return nlp


def model_name(manifest: dict[str, Any], seed: int) -> str:
    """spaCy meta name: the dataset and version it learned from, and the seed (`curation_news_v0_1_0_s0`)."""
    slug = re.sub(
        r"[^a-z0-9]+", "_", f"{manifest.get('name', 'dataset')}_v{manifest.get('version', '0')}".lower()
    )
    return f"curation_{slug.strip('_')}_s{seed}"


def _meta(
    manifest: dict[str, Any],
    dataset: Path,
    base: str,
    base_nlp: Language,
    seed: int,
    result: TrainResult,
) -> dict[str, Any]:
    best = max(result.rows, key=lambda r: r.get("score") or 0.0, default={})
    return {
        "description": (
            f"curation pre-annotator: {base} with curation's rules and learned attribution cues, trained on "
            f"{manifest.get('name')} {manifest.get('version')}"
        ),
        "curation": {
            "tool_version": curation.__version__,
            "dataset": {
                "name": manifest.get("name"),
                "version": manifest.get("version"),
                "manifest_sha256": sha256_file(dataset / "manifest.json"),
                "content_hash": manifest.get("content_hash"),
                "schema_fingerprint": manifest.get("schema_fingerprint"),
                "silver": manifest.get("silver", False),
            },
            "base": {
                "name": pipeline_name(base_nlp),
                "package": base,
                "version": base_nlp.meta.get("version"),
            },
            "seed": seed,
            "learned": [train_config.FINDER, train_config.JUDGE],
            "best_epoch": best.get("epoch"),
            "epoch_chosen_on": result.chosen_on,
            "epochs_run": max((r["epoch"] for r in result.rows), default=0),
            "stopped_early": result.stopped or None,
            "splits": {
                k: {"documents": v.documents, "quotes": v.quotes, "cues": v.cues, "candidates": v.candidates}
                for k, v in result.splits.items()
            },
            "scores": result.scores,
        },
    }


def score_split(nlp: Language, dataset: Path, split: str) -> Evaluation:
    """The pipeline's predictions on one split of the version, scored by curation's evaluation."""
    golds = list(read_split(dataset, split))
    blanks = [Document(id=d.id, source=d.source, text=d.text, meta=d.meta) for d in golds]
    preds = list(annotate_documents(blanks, nlp))
    return evaluate_documents(zip(golds, preds, strict=True), system=split)


# The figures a run reports (meta.json keys -> column titles), shared by the CLI table and bench/train.py.
FIGURES: dict[str, str] = {
    "quote_p": "QUOTE P",
    "quote_r": "QUOTE R",
    "quote_f1": "QUOTE F1",
    "direct_f1": "direct F1",
    "indirect_f1": "indirect F1",
    "mixed_f1": "mixed F1",
    "speaker_acc": "speaker acc",
    "speaker_f1": "SPEAKER F1",
    "cue_f1": "CUE F1",
}


def figures(ev: Evaluation) -> dict[str, float | None]:
    """The FIGURES of one evaluation: quote P/R/F1 overall and per kind, speaker accuracy, SPEAKER and
    CUE span F1 (curation evaluate's definitions)."""
    quote = ev.row("QUOTE")
    values: dict[str, float | None] = {
        "quote_p": quote.overlap.precision,
        "quote_r": quote.overlap.recall,
        "quote_f1": quote.overlap.f1,
        "speaker_acc": quote.relations["speaker"].value if "speaker" in quote.relations else None,
        "speaker_f1": ev.row("SPEAKER").overlap.f1,
        "cue_f1": ev.row("CUE").overlap.f1,
    }
    for kind in ("direct", "indirect", "mixed"):
        values[f"{kind}_f1"] = ev.row("QUOTE", "kind", kind).overlap.f1
    return {k: round(values[k], 4) if values[k] is not None else None for k in FIGURES}  # type: ignore[arg-type]
