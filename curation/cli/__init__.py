"""The `curation` command line: one module per command group, each a few lines over the library."""

from curation.cli import (  # noqa: F401  (importing registers the commands)
    annotate,
    evaluate,
    export,
    gold,
    ingest,
    quotes,
    schema,
    studio,
    train,
)
from curation.cli.app import app

__all__ = ["app"]
