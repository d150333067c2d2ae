"""`export`: records JSONL in, an immutable, documented dataset version out (the orchestration).

Adjudicate (curation.gold.adjudicate), plan (curation.export.plan: the first pass of
curation.export.scan, groups, splits, content hash), then fill a temporary version directory
(curation.export.contents) and rename it: a failure leaves no version directory behind. One export
of a dataset at a time (a lock in the state dir); leftovers of interrupted exports are removed.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from curation.atomic import set_output_modes
from curation.engines import Run, ordered_map
from curation.errors import InputError
from curation.evaluate.agreement import measure_agreement
from curation.export.contents import write_version
from curation.export.options import ExportOptions, ExportResult
from curation.export.plan import Plan, plan_export
from curation.export.text import load_tokenizer
from curation.export.versions import Version, next_version
from curation.export.worker import prepare
from curation.gold.adjudicate import AdjudicationReport, adjudicate_file, passes_through
from curation.locks import hold, lock_path
from curation.progress import NO_PROGRESS, Progress
from curation.settings import get_settings

TMP_SUFFIX = ".tmp"
DATASET_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def export_dataset(
    path: Path | str, options: ExportOptions, progress: Progress = NO_PROGRESS
) -> ExportResult:
    """Export a records file as the next version of dataset `options.name` (or nothing if unchanged)."""
    if not DATASET_NAME.fullmatch(options.name):
        raise InputError(
            f"dataset name {options.name!r}: use letters, digits, '.', '_' or '-' "
            f"(it becomes a folder under {options.out})"
        )
    if options.version is not None:
        Version.parse(options.version)  # refuse a malformed version before reading any record
    model = options.model or get_settings().model
    dataset_dir = options.out / options.name
    home = options.home if options.home is not None else get_settings().home
    # The tokenizer first: a forked worker starts with it loaded (curation.engines); a spawned one or a
    # Dask worker loads its own (`warm`) while this process reads the first records. The lock after
    # the workers start, so that a forked one does not hold it after this process lets go. Only its
    # meta is kept here: the second pass loads it afresh when its vocabulary is full (bounded_tokenizer).
    meta = load_tokenizer(model).meta
    warm = functools.partial(prepare, model)
    with ordered_map(options.n_process, options.dask, warm) as run, export_lock(dataset_dir, home):
        cleaned = remove_leftovers(dataset_dir)
        result = _adjudicate_and_write(Path(path), options, meta, progress, run)
    result.cleaned = cleaned
    return result


def _adjudicate_and_write(
    path: Path, options: ExportOptions, meta: dict[str, Any], progress: Progress, run: Run
) -> ExportResult:
    records = passes_through(path, options.adjudication)
    if records is not None:  # nothing to decide: the file is read as it is
        report = AdjudicationReport(options.adjudication, documents=records, passed=records)
        plan = plan_export(path, options, meta, progress, run)
        plan.input_name, plan.adjudication = path.name, report
        return _write(plan, options, progress, run)
    with tempfile.TemporaryDirectory(prefix="curation-adjudicated-") as scratch:
        decided = Path(scratch) / Path(path).name
        report = adjudicate_file(Path(path), decided, options.adjudication, progress, options.schema)
        if not report.documents and report.left_out:
            raise InputError(f"{path}: adjudication kept no document ({'; '.join(report.left_out[:3])})")
        try:
            plan = plan_export(decided, options, meta, progress, run)
        except InputError as exc:  # name the user's file, not its adjudicated copy
            raise InputError(str(exc).replace(str(decided), str(path))) from None
        plan.input_name, plan.adjudication = Path(path).name, report
        if report.shared:  # the card's agreement figures are `curation agreement`'s on the same records
            plan.found.provenance.agreement = measure_agreement(
                path, schema=options.schema, required=False, progress=progress
            )
        return _write(plan, options, progress, run)


def _write(plan: Plan, options: ExportOptions, progress: Progress, run: Run) -> ExportResult:
    """Write the planned version (or nothing, when the content is the parent's)."""
    if plan.unchanged:
        assert plan.parent is not None and plan.parent_dir is not None
        return plan.result(False, str(plan.parent), plan.parent_dir, None)
    version = next_version(plan.parent, options.bump, options.version, plan.dataset_dir)
    work = Path(tempfile.mkdtemp(prefix=f".{version.dirname}.", suffix=TMP_SUFFIX, dir=plan.dataset_dir))
    final = plan.dataset_dir / version.dirname
    try:
        log = write_version(work, plan, version, progress, run)
        if final.exists():
            raise InputError(f"{final} appeared while exporting; versions are never overwritten")
        set_output_modes(work)
        os.rename(work, final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return plan.result(True, str(version), final, log)


@contextlib.contextmanager
def export_lock(dataset_dir: Path, home: Path) -> Iterator[None]:
    """One export of a dataset at a time, so leftovers found under the lock are nobody's work.

    The lock file lives in the state dir (curation.locks), so the dataset folder holds only versions."""
    dataset_dir.mkdir(parents=True, exist_ok=True)
    with hold(lock_path(home, "export", str(dataset_dir.resolve()))):
        yield


def remove_leftovers(dataset_dir: Path) -> list[Path]:
    """Temporary version folders an interrupted export left (a kill skips its clean-up): removed."""
    found = sorted(p for p in dataset_dir.glob(f".v*{TMP_SUFFIX}") if p.is_dir())
    for folder in found:
        shutil.rmtree(folder, ignore_errors=True)
    return found
