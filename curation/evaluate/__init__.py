"""Evaluating extractors and annotators against a gold version.

The stable API (the bench scripts import it, so their figures and `curation evaluate`'s are the same):
- `evaluate_documents(pairs, system=..., threshold=0.3) -> Evaluation`: score (gold, prediction)
  Document pairs; `Evaluation.row("QUOTE")`, `.row("QUOTE", "kind", "direct")` give a RowScore with
  `.overlap` / `.exact` / `.chars` Counts (precision, recall, f1) and `.relations["speaker"]` Accuracy.
- `Scorer`: the same, one document at a time.
- `units`, `match_overlap`, `match_exact`: what counts as one annotation and what matches it.
Definitions are in curation.evaluate.matching and curation.evaluate.metrics (module docstrings).
Agreement between annotators (`curation agreement`, and the figures on every export's card) is
curation.evaluate.agreement.measure_agreement, built on the same units and matching.
"""

from curation.evaluate.matching import Unit, match_exact, match_overlap, units
from curation.evaluate.metrics import (
    DEFAULT_THRESHOLD,
    Accuracy,
    Counts,
    DocumentScore,
    Evaluation,
    RowScore,
    Scorer,
    evaluate_documents,
)

__all__ = [
    "DEFAULT_THRESHOLD",
    "Accuracy",
    "Counts",
    "DocumentScore",
    "Evaluation",
    "RowScore",
    "Scorer",
    "Unit",
    "evaluate_documents",
    "match_exact",
    "match_overlap",
    "units",
]
