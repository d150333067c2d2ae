"""The Typer application and what every command shares: error handling and the console.

Commands are thin: check arguments, call one library function, print. A library error
(CurationError) becomes one line on stderr and exit code 1; nothing prints a traceback for it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import enum
import functools
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import typer
from pydantic import BaseModel
from rich.console import Console, RenderableType
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
from typer.core import TyperArgument, TyperGroup, TyperOption

from curation.errors import CurationError

# Click's names for the types typer would show as <str>, <int range>, <path>...
_CLICK_NAMES = {"str": "TEXT", "int": "INTEGER", "float": "FLOAT", "path": "PATH", "datetime": "TIME"}


class _PlainArgument(TyperArgument):
    """An argument shown as Click shows it: its metavar (RECORDS, PATHS...), never a type like <path>."""

    def display_type_rich(self, ctx: Any) -> str | None:
        return None

    def _usage_display_name(self) -> str:
        name = self.display_name_raw
        if self.nargs != 1 and not name.endswith("..."):
            name += "..."
        return name if self.required else f"[{name}]"


class _PlainOption(TyperOption):
    """An option shown as Click shows it: its metavar, else TEXT, INTEGER, PATH or [a|b], never <str>."""

    def display_type_rich(self, ctx: Any) -> str | None:
        if self.metavar is not None or self.is_flag:
            return super().display_type_rich(ctx)
        label = self.display_type(ctx).strip("<>")
        if "|" in label:
            return f"[{label}]"
        base = label.removesuffix(" range")
        return _CLICK_NAMES.get(base, base.upper())


def plain_metavars(command: Any) -> None:
    """Show every parameter of `command` (and of its sub-commands) as Click does, without Python types.

    Typer 0.29 shows a parameter without a metavar by its Python type (<path>, <int range>,
    <list[Path]>); a newcomer reads FILE, INTEGER or [a|b] better. Typer builds its parameters itself
    (no hook for their class), so each one is given the plain subclass here, in one place.
    """
    for param in command.params:
        if type(param) is TyperArgument:
            param.__class__ = _PlainArgument
            param.metavar = param.metavar or (param.name or "value").upper()
        elif type(param) is TyperOption:
            param.__class__ = _PlainOption
    for sub in getattr(command, "commands", {}).values():
        plain_metavars(sub)


class _PlainGroup(TyperGroup):
    """The root command group: Click-style help throughout (see plain_metavars)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain_metavars(self)


app = typer.Typer(
    name="curation",
    cls=_PlainGroup,
    help="Turn news articles into human-verified datasets of speakers, quotes and claims.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals can hold API keys
    add_completion=False,
    rich_markup_mode=None,
)

console = Console()
err_console = Console(stderr=True)


def print_whole(renderable: RenderableType) -> None:
    """Print a table at the width it needs when the output is a file or a pipe.

    rich lays out for 80 columns there, so a table of ten figures came out as "0.…" in a log
    (`curation train > train.log`, CI): the figures were what the run was for. On a terminal it keeps the
    terminal's width.
    """
    from rich.measure import Measurement

    if console.is_terminal:
        console.print(renderable)
        return
    needed = Measurement.get(console, console.options.update_width(100_000), renderable).maximum
    # Console.print caps its width at the console's own: a console of the width needed prints it.
    Console(file=console.file, width=max(console.width, needed), no_color=console.no_color).print(renderable)


P = ParamSpec("P")
R = TypeVar("R")


class Engine(enum.StrEnum):
    """Where per-document work runs (annotate, export): this machine's processes, or a Dask cluster."""

    spacy = "spacy"
    dask = "dask"


def plain(target: Console, text: str) -> None:
    """Print a line of data as it is: paths, names and copied text may hold `[...]` that rich would read
    as markup or colour, so neither markup nor highlighting applies; long lines are not wrapped."""
    target.print(text, highlight=False, markup=False, soft_wrap=True)


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print one error line to stderr and return the Exit to raise."""
    err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


@contextlib.contextmanager
def progress_bar(
    description: str, quiet: bool = False, total: int | None = None, threaded: bool = True
) -> Iterator[ProgressBar]:
    """The progress display every long command shows on stderr, as the library's Progress.

    Transient, so it leaves only the command's own summary behind; `quiet` turns it off (results and
    errors still print). A stage without a total shows a spinner and a count.

    `threaded=False`: redrawn by the command's own stage and advance calls (at most `REDRAW` times a
    second) instead of by rich's refresh thread, for a command that starts worker processes: they are
    forked only while no other Python thread runs (curation.engines.start_method), and a spawned
    worker pays a new interpreter, its imports and its models (0.9-1.8 s of CPU each, export).
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
        auto_refresh=threaded,
    )
    with bar:
        yield ProgressBar(bar, bar.add_task(description, total=total), redraw=not threaded)


REDRAW = 10  # redraws a second at most, for a display without its own thread


class ProgressBar:
    """curation.progress.Progress drawn by rich: each stage renames the bar and starts it again.
    `redraw`: the display has no refresh thread, so these calls redraw it (a new stage at once)."""

    def __init__(self, bar: Progress, task: TaskID, redraw: bool = False) -> None:
        self.bar, self.task, self.redraw = bar, task, redraw
        self.drawn = 0.0

    def stage(self, description: str, total: int | None = None) -> None:
        self.bar.update(self.task, description=description, total=total, completed=0)
        self._redraw(force=True)

    def advance(self, n: int = 1) -> None:
        self.bar.advance(self.task, n)
        self._redraw()

    def _redraw(self, force: bool = False) -> None:
        if self.redraw and (force or time.monotonic() - self.drawn >= 1 / REDRAW):
            self.bar.refresh()
            self.drawn = time.monotonic()


def echo_json(result: Any) -> None:
    """Print a command's result as JSON on stdout (`--json`): dataclasses as objects, paths and times
    as strings, sets as sorted lists, Counters as objects."""
    typer.echo(json.dumps(_plain(result), ensure_ascii=False, indent=2))


def fields_of(result: Any) -> dict[str, Any]:
    """A dataclass result as a JSON-ready dict, to extend with what the command adds (e.g. its output)."""
    plain = _plain(result)
    assert isinstance(plain, dict)
    return plain


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        return sorted(_plain(v) for v in value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Path | datetime.datetime | enum.Enum):
        return value.value if isinstance(value, enum.Enum) else str(value)
    return value


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
