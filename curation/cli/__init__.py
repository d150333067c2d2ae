"""The `curation` command line: one module per command group, each a few lines over the library.

Modules are imported in workflow order, so `curation --help` lists the commands in the order they are
used: ingest, annotate, summary, push, pull, adjudicate, export, diff, quotes, evaluate, agreement,
train, schema (Click lists the `studio` and `review` groups after the commands).
"""

from curation.cli import ingest  # noqa: F401, I001  (importing registers the commands, in this order)
from curation.cli import annotate  # noqa: F401
from curation.cli import studio  # noqa: F401
from curation.cli import gold  # noqa: F401  (adjudicate, review push/pull)
from curation.cli import export  # noqa: F401
from curation.cli import quotes  # noqa: F401
from curation.cli import evaluate  # noqa: F401
from curation.cli import train  # noqa: F401
from curation.cli import schema  # noqa: F401
from curation.cli.app import app

__all__ = ["app"]
