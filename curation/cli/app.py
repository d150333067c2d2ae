"""The Typer application and what every command shares: error handling and the console.

Commands are thin: check arguments, call one library function, print. A library error
(CurationError) becomes one line on stderr and exit code 1; nothing prints a traceback for it.
"""

from __future__ import annotations

import contextlib
import enum
import functools
from collections.abc import Callable, Iterator
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from curation.errors import CurationError

app = typer.Typer(
    name="curation",
    help="Turn news articles into human-verified datasets of speakers, quotes and claims.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals can hold API keys
    add_completion=False,
    rich_markup_mode=None,
)

console = Console()
err_console = Console(stderr=True)

P = ParamSpec("P")
R = TypeVar("R")


class Engine(enum.StrEnum):
    """Where per-document work runs (annotate, export): this machine's processes, or a Dask cluster."""

    spacy = "spacy"
    dask = "dask"


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print one error line to stderr and return the Exit to raise."""
    err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


@contextlib.contextmanager
def progress_bar(description: str, quiet: bool = False, total: int | None = None) -> Iterator[ProgressBar]:
    """The progress display every long command shows on stderr, as the library's Progress.

    Transient, so it leaves only the command's own summary behind; `quiet` turns it off (results and
    errors still print). A stage without a total shows a spinner and a count.
    """
    bar = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=quiet,
    )
    with bar:
        yield ProgressBar(bar, bar.add_task(description, total=total))


class ProgressBar:
    """curation.progress.Progress drawn by rich: each stage renames the bar and starts it again."""

    def __init__(self, bar: Progress, task: TaskID) -> None:
        self.bar, self.task = bar, task

    def stage(self, description: str, total: int | None = None) -> None:
        self.bar.update(self.task, description=description, total=total, completed=0)

    def advance(self, n: int = 1) -> None:
        self.bar.advance(self.task, n)


def user_errors(func: Callable[P, R]) -> Callable[P, R]:
    """The one error path of every command: a library error becomes one line and exit code 1.

    CurationError carries its own message (it names the file, line or URL). An OSError that a reader
    did not turn into one (a directory given as a file, a disk error mid-read, a full disk while
    writing) still names its file; a RecursionError is input nested too deeply. No traceback.
    """

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except CurationError as exc:
            raise fail(str(exc)) from None
        except OSError as exc:
            raise fail(os_error_message(exc)) from None
        except RecursionError:
            raise fail(
                "input nested too deeply to process (a JSON value thousands of levels deep?); "
                "fix or remove that record"
            ) from None
        except KeyboardInterrupt:
            raise fail("interrupted; files being written were left untouched", code=130) from None

    return wrapper


def os_error_message(exc: OSError) -> str:
    """'PATH: what went wrong (reason)' for an OSError, naming both paths of a failed rename."""
    reason = exc.strerror or type(exc).__name__
    where = " -> ".join(str(p) for p in (exc.filename, exc.filename2) if p is not None)
    return f"{where}: {reason}; check the path and its permissions" if where else f"{reason}"


def _version(value: bool) -> None:
    if value:
        from curation import __version__

        console.print(f"curation {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Turn news articles into human-verified datasets of speakers, quotes and claims."""
