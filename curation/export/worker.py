"""What an export's worker process loads once, as soon as it starts (`curation.engines.ordered_map`'s
`warm`): the modules of both passes and the tokenizer, while the main process does its own start,
instead of at the worker's first partition of each pass."""

from __future__ import annotations

import contextlib


def prepare(model: str) -> None:
    """Import the first pass's and the second pass's modules and load `model`'s tokenizer.

    Nothing is raised: a model that cannot load is reported by the main process, which loads it too
    (a worker's start-up failure would print a traceback and break the pool)."""
    import curation.export.scan  # noqa: F401  (imported for their cost, now rather than later)
    import curation.export.shipping  # noqa: F401  (the second pass: rows, features)
    from curation.export.text import load_tokenizer

    with contextlib.suppress(Exception):  # see above
        load_tokenizer(model)
