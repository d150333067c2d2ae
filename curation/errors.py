"""Errors a user can act on.

The library raises these; the CLI turns each into one line on stderr and a non-zero exit,
never a traceback. Anything else escaping is a bug and keeps its traceback.
"""

from __future__ import annotations


class CurationError(Exception):
    """A user-facing error: the message names the file, URL or record and says what to do."""


class InputError(CurationError):
    """Malformed or unreadable input (a file, a JSONL line, a record)."""


class ValidationError(CurationError):
    """A record that does not satisfy the label schema or its own offsets."""


class SchemaError(CurationError):
    """A label schema that lacks what the code or the data needs (a role, a label, a value)."""


class ServerError(CurationError):
    """A Label Studio server that is down, refuses the token, or answers unexpectedly."""
