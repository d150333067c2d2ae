"""The dataset card (README.md): YAML front matter the Hub and `load_dataset` read, and a body for people.

Label meanings come from the label schema's descriptions; how the data was made comes from the
records' provenance, summarised during the export.
"""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass, field

from datasets import Features
from datasets.info import DatasetInfo, DatasetInfosDict
from datasets.splits import SplitDict, SplitInfo
from huggingface_hub import DatasetCardData

from curation.evaluate.agreement import AgreementReport
from curation.evaluate.report import fmt
from curation.export.features import tag_column, unit_configs
from curation.export.splits import SPLITS, Ratios
from curation.export.writer import DATA_DIR, data_file
from curation.gold.adjudicate import AdjudicationReport
from curation.records import Document, Provenance
from curation.schema import LabelSchema

FROM_DEFAULTS = "Values from the label schema's defaults (no annotator chose them)"


@dataclass
class ProvenanceSummary:
    """What the records say about how they were made."""

    annotators: set[str] = field(default_factory=set)
    models: Counter[str] = field(default_factory=Counter)
    projects: set[str] = field(default_factory=set)
    records: int = 0
    # `curation agreement` on the exported records (None: no document had two voting annotators)
    agreement: AgreementReport | None = None
    # "CLAIM.checkworthy" -> exported values that came from the schema's default on pull, not an annotator
    defaults: Counter[str] = field(default_factory=Counter)

    def add(self, provenance: Provenance) -> None:
        self.records += 1
        who = {provenance.annotator} if provenance.annotator else set()
        who.update(provenance.annotators or ())  # an adjudicated record: everyone who voted
        self.annotators.update(who)
        model = provenance.started_from_model_version or provenance.model_version
        if model:
            self.models[model] += 1
        if provenance.project is not None:
            self.projects.add(provenance.project)
        self.projects.update(provenance.projects or ())

    def count_defaults(self, doc: Document) -> None:
        """Count the values of an exported record that pull filled from the schema's defaults."""
        for span in doc.spans:
            for attr in span.defaults or []:
                self.defaults[f"{span.label}.{attr}"] += 1


@dataclass
class CardInfo:
    name: str
    version: str
    silver: bool
    schema: LabelSchema
    features: dict[str, Features]
    rows: dict[tuple[str, str], int]  # (config, split) -> rows
    bytes: dict[tuple[str, str], int]
    spans: dict[str, Counter[str]]  # split -> label -> spans
    provenance: ProvenanceSummary
    tokenizer: str
    ratios: Ratios
    license: str
    language: str
    dropped_unreviewed: int
    groups: int
    largest_group: int
    parent: str | None
    adjudication: AdjudicationReport | None = None


def adjudication_lines(report: AdjudicationReport | None) -> list[str]:
    """How one record per document was decided where several annotators (or a reviewer) did it."""
    if report is None or not (report.methods or report.left_out or report.excluded):
        return ["- Each document was reviewed by one annotator: nothing to adjudicate."]
    policy = report.policy
    how = policy.method + (f", at least {policy.min_agree} annotators" if policy.min_agree else "")
    if policy.prefer:
        how += f", preferring {len(policy.prefer)} named annotator(s)"  # names stay out of the card
    decided = "; ".join(f"{method} {what}" for method, what in report.per_method())
    lines = [
        f"- Several annotators per document: one record each, adjudicated ({how}; a reviewer's record from"
        " the review round beats every other method): "
        f"{decided or 'none'}. Each record's provenance.adjudication lists the method, the annotators"
        " and every conflict; the record with the latest update is never taken by default."
    ]
    counts = (
        (report.passed, "documents had one annotator and were taken as they are"),
        (len(report.excluded), "blank or skipped annotations were not counted as votes"),
        (len(report.left_out), "documents were left out (no version could be kept)"),
    )
    return lines + [f"- {n} {what}." for n, what in counts if n]


def size_category(n: int) -> str:
    for limit, name in (
        (1_000, "n<1K"),
        (10_000, "1K<n<10K"),
        (100_000, "10K<n<100K"),
        (1_000_000, "100K<n<1M"),
    ):
        if n < limit:
            return name
    return "1M<n<10M"


def splits_of(info: CardInfo) -> list[str]:
    present = {split for (config, split) in info.rows if config == "documents"}
    return [s for s in SPLITS if s in present]


def splits_with_rows(info: CardInfo, config: str) -> list[str]:
    """The splits of `config` that hold rows. datasets (5.2) cannot load a split with no rows ("corresponds
    to no data"), so a config declares only these; its empty files stay, typed, for pyarrow readers."""
    return [s for s in splits_of(info) if info.rows.get((config, s), 0)]


def empty_configs(info: CardInfo) -> list[str]:
    return [config for config in info.features if not splits_with_rows(info, config)]


def front_matter(info: CardInfo) -> DatasetCardData:
    splits = splits_of(info)
    documents = sum(info.rows.get(("documents", s), 0) for s in splits)
    configs: list[dict[str, object]] = []
    infos = {}
    for config, features in info.features.items():
        filled = splits_with_rows(info, config)
        if not filled:
            continue  # nothing datasets could load: named in the card body instead
        entry: dict[str, object] = {
            "config_name": config,
            "data_files": [{"split": s, "path": f"{DATA_DIR}/{config}/{s}-*.parquet"} for s in filled],
        }
        if not configs:
            entry["default"] = True
        configs.append(entry)
        split_dict = SplitDict()
        for s in filled:
            split_dict.add(
                SplitInfo(
                    name=s,
                    num_bytes=info.bytes.get((config, s), 0),
                    num_examples=info.rows.get((config, s), 0),
                )
            )
        infos[config] = DatasetInfo(features=features, splits=split_dict, config_name=config)
    card = DatasetCardData(
        pretty_name=info.name,
        license=info.license,
        language=[info.language],
        task_categories=["token-classification", "text-classification"],
        task_ids=["named-entity-recognition"],
        annotations_creators=["machine-generated"]
        if info.silver
        else ["expert-generated", "machine-generated"],
        language_creators=["found"],
        multilinguality=["monolingual"],
        size_categories=[size_category(documents)],
        source_datasets=["original"],
        tags=["quotes", "attribution", "claims", "news", "silver" if info.silver else "gold"],
        configs=configs,
    )
    DatasetInfosDict(infos).to_dataset_card_data(card)
    return card


def inline(text: str) -> str:
    """Text copied from records or options, safe inside the card's Markdown: no HTML, no table or code
    breaks, one line. A project titled `<script>` shows as text on the Hub, never runs."""
    escaped = html.escape(" ".join(str(text).split()), quote=True)
    for char in "\\`*[]|":
        escaped = escaped.replace(char, f"\\{char}")
    return escaped


def render_card(info: CardInfo) -> str:
    return f"---\n{front_matter(info).to_yaml()}\n---\n\n{body(info)}"


def empty_config_lines(info: CardInfo) -> list[str]:
    """Say which configs and splits have no rows, since those are not declared for `load_dataset`."""
    lines = []
    empty = empty_configs(info)
    if empty:
        first = data_file(empty[0], splits_of(info)[0])
        lines.append(
            "No rows in this version: " + ", ".join(f"`{c}`" for c in empty) + " (not declared:"
            " `load_dataset` refuses a split with no rows, huggingface/datasets#8401). Each one's typed"
            f" empty split is in {DATA_DIR}/<config>/ and loads with its features as"
            f' `datasets.Dataset(pyarrow.parquet.read_table("{first}"))`.'
        )
    partial = {
        c: [s for s in splits_of(info) if s not in splits_with_rows(info, c)]
        for c in info.features
        if c not in empty
    }
    gaps = "; ".join(f"`{c}` has no {', '.join(missing)} rows" for c, missing in partial.items() if missing)
    if gaps:
        lines.append(f"Splits with no rows are not declared: {gaps}.")
    return [*lines, ""] if lines else []


def body(info: CardInfo) -> str:
    kind = (
        "silver (model pre-annotations, not reviewed by people)" if info.silver else "gold (human-reviewed)"
    )
    splits = splits_of(info)
    lines = [
        f"# {info.name} {info.version}",
        "",
        f"Speakers, quotes, cues and claims in news articles: a **{kind}** dataset exported by `curation`"
        f" (label schema {info.schema.name} {info.schema.version}, fingerprint {info.schema.fingerprint()}).",
        "",
        "## Load it",
        "",
        "```python",
        "from datasets import load_dataset",
        f'quotes = load_dataset("path/to/{info.name}/v{info.version}", "quotes")  # or the Hub repo, '
        f'revision="v{info.version}"',
        "```",
        "",
        "Configs: " + ", ".join(f"`{c}`" for c in info.features) + ".",
        "",
        *empty_config_lines(info),
        "## Labels",
        "",
        "| label | meaning | attributes |",
        "|---|---|---|",
    ]
    for label, spec in info.schema.spans.items():
        attrs = "; ".join(
            f"{name}: {', '.join(a.values) if a.type == 'choice' else 'text'} ({a.description})"
            for name, a in spec.attrs.items()
        )
        lines.append(f"| {label} | {spec.description} | {attrs or '-'} |")
    lines += ["", "Relations:", ""]
    for name, rel in info.schema.relations.items():
        lines.append(f"- `{name}` ({', '.join(rel.from_)} -> {', '.join(rel.to)}): {rel.description}")
    lines += ["", "## Configs", ""]
    lines += [
        "- `documents`: one row per document: text, spans (label and attributes as ClassLabel, offsets"
        " int32), relations, `reviewed`, and `meta`/`provenance` as JSON strings (their keys vary by"
        " source).",
    ]
    for config, label in unit_configs(info.schema).items():
        lines.append(
            f"- `{config}`: one row per {label} span: its text, offsets and attributes, the mention each"
            " relation links it to (the first by offset if several; empty when none: a claim with no speaker"
            " is in the"
            " author's voice), and the sentence(s) around it."
        )
    lines += [
        f"- `tokens`: tokens of the pre-annotator's tokenizer ({inline(info.tokenizer)}), whitespace tokens"
        " left out,"
        " with their character offsets (`starts`). `tags` is one BIO column over all labels: where spans of"
        " different labels overlap (a CLAIM inside a QUOTE), the label listed first in the schema keeps the"
        " tokens. "
        + ", ".join(f"`{tag_column(label)}`" for label in info.schema.span_labels)
        + " are one BIO"
        " column per label, so overlapping labels are all kept. A span boundary inside a token extends to the"
        " whole token.",
        "- Sentences (the `sentence` columns) come from a simple rule, not a parser: a line break ends one,"
        " and so does . ! or ? (with closing quotes) before a space and a capital, digit or opening quote.",
        "",
        "## How it was made",
        "",
    ]
    prov = info.provenance
    if prov.models:
        models = ", ".join(f"{inline(m)} ({n} records)" for m, n in sorted(prov.models.items()))
        lines.append(f"- Pre-annotator: {models}.")
    if info.silver:
        lines.append("- Silver: the spans are model predictions that no person reviewed.")
    else:
        lines.append(
            f"- Gold: only human-reviewed records (provenance.reviewed true) are included; "
            f"{info.dropped_unreviewed} unreviewed documents were left out."
        )
    if prov.projects:
        lines.append(f"- Label Studio project(s): {', '.join(inline(p) for p in sorted(prov.projects))}.")
    lines.append(f"- Annotators: {len(prov.annotators)}; input records: {prov.records}.")
    if prov.defaults:
        filled = ", ".join(f"{name} {n}" for name, n in sorted(prov.defaults.items()))
        total = sum(prov.defaults.values())
        lines.append(f"- {FROM_DEFAULTS}: {total} ({filled}).")
    elif not info.silver:
        lines.append(f"- {FROM_DEFAULTS}: none.")
    lines += adjudication_lines(info.adjudication)
    if prov.agreement is not None and prov.agreement.documents:
        lines += agreement_lines(prov.agreement)
    else:
        lines.append("- Agreement: not known (no document was reviewed by more than one annotator).")
    lines += [
        f"- Splits: near-duplicate documents (one story from several outlets) are grouped by the names"
        " they share (MinHash LSH over capitalised words inside sentences;"
        f" {info.groups} groups, the largest has {info.largest_group} documents); a group's"
        f" split comes from a hash of its smallest document id into train {info.ratios.train} / validation"
        f" {info.ratios.validation} / test {info.ratios.test}. Documents never change split between"
        " versions.",
        f"- Parent version: {info.parent or 'none (first version)'}; see CHANGELOG.md and manifest.json.",
        "",
        "## Counts",
        "",
        "| split | " + " | ".join(info.features) + " | " + " | ".join(info.schema.span_labels) + " |",
        "|---|" + "---:|" * (len(info.features) + len(info.schema.span_labels)),
    ]
    for split in splits:
        rows = " | ".join(str(info.rows.get((config, split), 0)) for config in info.features)
        spans = " | ".join(str(info.spans.get(split, Counter())[label]) for label in info.schema.span_labels)
        lines.append(f"| {split} | {rows} | {spans} |")
    lines += [
        "",
        "## Licence",
        "",
        f"Declared licence: {inline(info.license)}. The articles' copyright stays with"
        " their publishers; check it before redistributing the texts.",
        "",
    ]
    return "\n".join(lines)


def agreement_lines(report: AgreementReport) -> list[str]:
    """The figures `curation agreement` prints for the same records, per label, as card lines."""
    lines = [
        f"- Agreement between annotators (as `curation agreement` computes it): {report.documents}"
        f" documents done by {len(report.annotators)} annotators; Krippendorff's alpha over all labels"
        f" {fmt(report.alpha_all)}. Per label, exact span F1 / overlap span F1 / Cohen's kappa /"
        " Krippendorff's alpha:"
    ]
    for label in report.labels:
        figures = " / ".join(fmt(x) for x in (label.exact_f1, label.overlap_f1, label.kappa, label.alpha))
        lines.append(f"  - {label.label}: {figures}")
    return lines
