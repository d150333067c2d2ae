"""A brat corpus on disk: which .txt goes with which .ann files, read as a stream of gold records."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from curation.errors import InputError
from curation.ingest.brat.mapping import load_mapping
from curation.ingest.brat.records import build_document
from curation.ingest.brat.standoff import parse_ann
from curation.records import Document
from curation.schema import LabelSchema


def _corpus_files(root: Path) -> list[tuple[Path, list[tuple[str, Path]]]]:
    """Each text with its (annotator, .ann) files, sorted by name then annotator."""
    text_dir = root / "text" if (root / "text").is_dir() else root
    ann_dir = root / "attributions" if (root / "attributions").is_dir() else root
    if not root.is_dir():
        raise InputError(f"{root}: not a directory (expected a brat corpus with text/ and attributions/)")
    texts = {p.stem: p for p in sorted(text_dir.glob("*.txt"))}
    if not texts:
        raise InputError(
            f"{text_dir}: no .txt files; a brat corpus has text/NAME.txt and attributions/NAME_X.ann"
        )
    anns: dict[str, list[tuple[str, Path]]] = {name: [] for name in texts}
    for ann in sorted(ann_dir.glob("*.ann")):
        if ann.stem in texts:
            anns[ann.stem].append(("", ann))
            continue
        owners = [name for name in texts if ann.stem.startswith(name + "_")]
        if not owners:
            raise InputError(
                f"{ann}: no text for this annotation (expected {text_dir}/NAME.txt for NAME_X.ann)"
            )
        owner = max(owners, key=len)
        anns[owner].append((ann.stem[len(owner) + 1 :], ann))
    return [(texts[name], sorted(anns[name])) for name in sorted(texts)]


def read_brat_corpus(
    root: Path | str,
    mapping: Path | str | None = None,
    *,
    annotator: str = "first",
    errors: list[str] | None = None,
    schema: LabelSchema | None = None,
) -> Iterator[Document]:
    """Stream gold Documents from a brat corpus, in file-name order.

    annotator="first": one record per text, from its first .ann in sorted order (for scoring).
    annotator="all": one record per (text, .ann) — same id, told apart by provenance.annotator (for
    agreement). Any other value keeps only that annotator's files. Texts without an .ann are skipped:
    an unannotated text is not gold. With `errors`, an .ann file that cannot be read as gold is skipped
    and its message appended there (reading goes on); without it, the first such file raises.
    """
    rules = load_mapping(mapping, schema)
    root = Path(root)
    for txt, anns in _corpus_files(root):
        if annotator == "first":
            anns = anns[:1]
        elif annotator != "all":
            anns = [(who, path) for who, path in anns if who == annotator]
        if not anns:
            continue
        try:
            with open(txt, encoding="utf-8", newline="") as fh:
                text = fh.read()
        except OSError as exc:
            raise InputError(f"{txt}: cannot read ({exc.strerror})") from None
        except UnicodeDecodeError:
            raise InputError(f"{txt}: not UTF-8 text") from None
        for who, ann_path in anns:
            try:
                parsed = parse_ann(ann_path, text)
                record = build_document(
                    text,
                    parsed,
                    rules,
                    source=str(txt),
                    annotator=who or ann_path.stem,
                    name=txt.stem,
                    ann_file=str(ann_path),
                    schema=schema,
                )
            except InputError as exc:
                if errors is None:
                    raise
                errors.append(str(exc))
                continue
            yield record
