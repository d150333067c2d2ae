"""CPU ms a document of export's second pass (`rows_part`) and of its steps, this checkout against another.

The records are scanned first (as export's first pass does: which lines are canonical), then cut into
partitions of export's size and given splits (8:1:1); `rows_part` runs over them once to warm up, once
timed whole, and once with a timer around each step (exclusive: a step's time leaves out the steps it
calls, so the steps add up to the pass). Next to it, spaCy's tokenizer alone over the same texts (as
bench/scale.py times it): "outside tokenizer" is the pass less that. CPU time (time.process_time), not
wall clock: on a shared two-core machine wall-clock ratios are noise. Processes alternate between the
two checkouts over the same records; the median of the rounds is printed.

Run: .venv/bin/python bench/rows_steps.py RECORDS.jsonl [--base DIR] [--records 640] [--rounds 5]
DIR holds another checkout's package (e.g. `git archive main curation schemas | tar -x -C DIR`); without
it only this one.
"""

from __future__ import annotations

import gc
import itertools
import json
import time
from collections import defaultdict
from typing import Any

# (module, attribute, step name): what rows_part calls, in main at session 7 and after; missing ones
# are skipped, so both checkouts are measured by the same script.
STEPS = (
    ("curation.export.rows", "read_record", "read_record"),
    ("curation.export.rows", "Texts", "Texts"),
    ("curation.export.rows", "sentence_bounds", "sentences"),
    ("curation.export.rows", "token_strings", "token_strings"),
    ("curation.export.rows", "bio_columns", "bio_columns"),
    ("curation.export.rows", "table_of", "table_of"),
    ("curation.export.rows", "list_array", "list_array"),
    ("curation.export.rows.SpanList", "of", "SpanList.of"),
    ("curation.export.rows.RowBuilder", "documents_table", "documents_table"),
    ("curation.export.rows.RowBuilder", "linked", "linked"),
    ("curation.export.rows.RowBuilder", "unit_table", "unit_table"),
    ("curation.export.rows.RowBuilder", "tokens_table", "tokens_table"),
    ("curation.export.rows.RowBuilder", "part", "part (rest)"),
    ("curation.export.text.TextAnalyzer", "tokenize", "tokenize (rest)"),
    # the columnar path (session 11 on)
    ("curation.export.rows", "read_columns", "read_columns"),
    ("curation.export.rows", "texts_of", "texts_of"),
    ("curation.export.rows", "first_tails", "first_tails"),
    ("curation.export.rows", "sentence_columns", "sentence_columns"),
    ("curation.export.rows", "json_column", "json_column"),
    ("curation.export.rows", "kept_in_turn", "kept_in_turn"),
    ("curation.export.rows.RowBuilder", "__init__", "RowBuilder"),
    ("curation.export.rows.RowBuilder", "columnar_documents", "columnar_documents"),
    ("curation.export.rows.RowBuilder", "columnar_units", "columnar_units"),
    ("curation.export.rows.RowBuilder", "columnar_part", "columnar_part (rest)"),
)
SPLITS = ("train",) * 8 + ("validation", "test")


def owner(path: str) -> Any:
    """The module or class a dotted path names."""
    import importlib

    module, _, name = path.rpartition(".")
    try:
        return importlib.import_module(path)
    except ModuleNotFoundError:
        return getattr(importlib.import_module(module), name, None)


def one(path: str, records: int) -> dict[str, float]:
    """In this process: the second pass over the records (warmed once), whole and per step."""
    import curation.export.rows as rows
    from curation.export.features import config_features
    from curation.export.scan import PARTITION, scan_part
    from curation.export.text import load_tokenizer
    from curation.jsonl import iter_lines
    from curation.schema import get_schema
    from curation.settings import get_settings

    lines = list(itertools.islice(iter_lines(path), records))
    schema, model = get_schema(), get_settings().model
    arrow = {config: f.arrow_schema for config, f in config_features(schema).items()}
    batches = [lines[i : i + PARTITION] for i in range(0, len(lines), PARTITION)]
    seen = [s for batch in batches for s in scan_part(batch, path, True, schema)]
    splits = [SPLITS[i % len(SPLITS)] for i in range(len(lines))]
    chosen = [(line, s.canonical, split) for line, s, split in zip(lines, seen, splits, strict=True)]
    parts = [chosen[i : i + PARTITION] for i in range(0, len(chosen), PARTITION)]
    texts = [json.loads(line.raw)["text"] for line in lines]
    nlp = load_tokenizer(model)

    def run() -> None:
        for part in parts:
            rows.rows_part(part, path, schema, model, arrow)

    run()
    start = time.process_time()
    run()
    out = {"second pass": (time.process_time() - start) / len(lines) * 1000}
    start = time.process_time()
    for text in texts:
        nlp.tokenizer(text)
    out["tokenizer alone"] = (time.process_time() - start) / len(lines) * 1000
    out["outside tokenizer"] = out["second pass"] - out["tokenizer alone"]

    spent: dict[str, float] = defaultdict(float)
    stack: list[float] = []  # time spent in the steps called by each running step

    def timed(name: str, func: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            stack.append(0.0)
            start = time.process_time()
            try:
                return func(*args, **kwargs)
            finally:
                total = time.process_time() - start
                spent[name] += total - stack.pop()
                if stack:
                    stack[-1] += total

        return wrapper

    def collecting(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            stack.append(0.0)
            collecting.start = time.process_time()  # type: ignore[attr-defined]
        else:
            total = time.process_time() - collecting.start  # type: ignore[attr-defined]
            spent["garbage collection"] += total - stack.pop()
            if stack:
                stack[-1] += total

    gc.callbacks.append(collecting)
    for where, attr, name in STEPS:
        target = owner(where)
        if target is not None and hasattr(target, attr):
            setattr(target, attr, timed(name, getattr(target, attr)))
    # the tokenizer itself, inside TextAnalyzer.tokenize (export's ChunkCache reads and sets its
    # attributes: a stand-in that times its calls and hands everything else to it)
    object.__setattr__(
        nlp, "tokenizer", TimedTokenizer(nlp.tokenizer, timed("spaCy tokenizer", nlp.tokenizer))
    )
    run()
    out.update({name: value / len(lines) * 1000 for name, value in spent.items()})
    return out


class TimedTokenizer:
    """A tokenizer whose calls go through `call` (timed); its attributes are the tokenizer's own."""

    def __init__(self, tokenizer: Any, call: Any) -> None:
        self.__dict__.update(tokenizer=tokenizer, call=call)

    def __call__(self, text: str) -> Any:
        return self.call(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.tokenizer, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self.tokenizer, name, value)


def main() -> None:
    from scan_steps import main as alternate  # bench/ is this script's folder: on sys.path

    alternate(one, __file__, ("second pass", "tokenizer alone", "outside tokenizer"), __doc__ or "")


if __name__ == "__main__":
    main()
