"""Rendering evaluations: a rich table for people, JSON for machines, a self-contained HTML report.

Only rows with something to measure (gold or predictions for that label in some system) are shown;
JSON keeps every row. The HTML report has no scripts and loads nothing: an inline SVG bar chart per
row, and each system's worst documents linked to the list of their mistakes.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence

from rich import box
from rich.table import Table

from curation.evaluate.metrics import Evaluation, RowScore

COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b")


def fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}".removeprefix("0")


def shown_keys(evaluations: Sequence[Evaluation]) -> list[str]:
    """Row keys with gold: a label the gold version does not annotate cannot be scored."""
    keys = list(evaluations[0].rows) if evaluations else []
    return [k for k in keys if any(ev.rows[k].overlap.gold for ev in evaluations)]


def unscored_labels(evaluations: Sequence[Evaluation]) -> dict[str, int]:
    """Labels predicted but absent from the gold version, with how many were predicted (largest count)."""
    shown = set(shown_keys(evaluations))
    return {
        key: max(ev.rows[key].overlap.pred for ev in evaluations)
        for key, row in (evaluations[0].rows.items() if evaluations else [])
        if row.attr is None and key not in shown and any(ev.rows[key].overlap.pred for ev in evaluations)
    }


def figures(row: RowScore) -> dict[str, float | None]:
    """The headline figures of a row, in display order (used by the table and the chart)."""
    out = {
        "P": row.overlap.precision,
        "R": row.overlap.recall,
        "F1": row.overlap.f1,
        "exact F1": row.exact.f1,
        "char F1": row.chars.f1,
    }
    out.update({name: acc.value for name, acc in row.relations.items()})
    return out


def render_table(evaluations: Sequence[Evaluation]) -> Table:
    """One system: a row per label with all figures; several: a column per system."""
    if len(evaluations) == 1:
        return _single_table(evaluations[0])
    table = Table(title=f"Overlap >= {evaluations[0].threshold:g} of the gold span, one to one")
    table.add_column("row")
    table.add_column("figure")
    for ev in evaluations:
        table.add_column(ev.system, justify="right")
    for key in shown_keys(evaluations):
        names = list(figures(evaluations[0].rows[key]))
        for n, name in enumerate(names):
            values = [fmt(figures(ev.rows[key])[name]) for ev in evaluations]
            table.add_row(key if n == 0 else "", name, *values, end_section=n == len(names) - 1)
    return table


def _single_table(ev: Evaluation) -> Table:
    relation_names = list(dict.fromkeys(n for k in shown_keys([ev]) for n in ev.rows[k].relations))
    table = Table(
        title=f"{ev.system}: {ev.documents} documents; match = overlap >= {ev.threshold:g} of the gold span",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        padding=(0, 0),
    )
    table.add_column("row", no_wrap=True)
    for name in ("gold", "pred", "P", "R", "F1", "exact F1", "char F1"):
        table.add_column(name, justify="right")
    for name in relation_names:
        # "speaker.canonical" is shown as "canonical": it sits right after "speaker"
        table.add_column(name.rpartition(".")[2], justify="right")
    for key in shown_keys([ev]):
        row = ev.rows[key]
        rel = [fmt(row.relations[n].value) if n in row.relations else "" for n in relation_names]
        table.add_row(
            row.label if row.attr is None else f"  {row.value}",
            str(row.overlap.gold),
            str(row.overlap.pred),
            fmt(row.overlap.precision),
            fmt(row.overlap.recall),
            fmt(row.overlap.f1),
            fmt(row.exact.f1),
            fmt(row.chars.f1),
            *rel,
        )
    return table


def to_json(evaluations: Sequence[Evaluation]) -> str:
    return json.dumps({"evaluations": [ev.to_dict() for ev in evaluations]}, ensure_ascii=False, indent=2)


def _chart(key: str, evaluations: Sequence[Evaluation]) -> str:
    """An inline SVG bar chart of one row's figures, one bar per system for each figure."""
    names = list(figures(evaluations[0].rows[key]))
    bar, gap, height = 14, 18, 120
    group = bar * len(evaluations) + gap
    width = 40 + group * len(names)
    parts = [f'<svg width="{width}" height="{height + 40}" role="img" aria-label="{html.escape(key)}">']
    parts.append(f'<line x1="30" y1="{height}" x2="{width}" y2="{height}" stroke="#999"/>')
    for tick in (0.0, 0.5, 1.0):
        y = height - tick * (height - 10)
        parts.append(f'<text x="0" y="{y + 4:.0f}" font-size="10">{tick:g}</text>')
    for i, name in enumerate(names):
        x0 = 40 + i * group
        for s, ev in enumerate(evaluations):
            value = figures(ev.rows[key])[name]
            h = 0.0 if value is None else value * (height - 10)
            label = f"{ev.system} {name}: {fmt(value)}"
            parts.append(
                f'<rect x="{x0 + s * bar}" y="{height - h:.1f}" width="{bar - 2}" height="{h:.1f}" '
                f'fill="{COLORS[s % len(COLORS)]}"><title>{html.escape(label)}</title></rect>'
            )
        parts.append(
            f'<text x="{x0}" y="{height + 14}" font-size="10" transform="rotate(20 {x0} {height + 14})">'
            f"{html.escape(name)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _anchor(ev_index: int, doc_id: str) -> str:
    return f"s{ev_index}-{html.escape(doc_id)}"


def render_html(evaluations: Sequence[Evaluation], title: str = "curation evaluate") -> str:
    """A self-contained page: legend, a chart and a figures table per row, the worst documents."""
    esc = html.escape
    out: list[str] = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>{esc(title)}</title><style>",
        "body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}"
        "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:2px 6px;"
        "font-size:13px;text-align:right}td:first-child,th:first-child{text-align:left}"
        ".missed{color:#b00}.spurious{color:#a60}.wrong{color:#06c}.swatch{display:inline-block;width:12px;"
        "height:12px;margin:0 4px 0 12px}",
        "</style></head><body>",
        f"<h1>{esc(title)}</h1>",
        f"<p>Overlap match: a prediction covers at least {evaluations[0].threshold:g} of the gold span, "
        "one to one. Labels the gold does not annotate are left out. Systems: "
        + "".join(
            f"<span class='swatch' style='background:{COLORS[i % len(COLORS)]}'></span>{esc(ev.system)} "
            f"({ev.documents} documents)"
            for i, ev in enumerate(evaluations)
        )
        + "</p>",
    ]
    for key in shown_keys(evaluations):
        out.append(f"<h2>{esc(key)}</h2>{_chart(key, evaluations)}")
        names = list(figures(evaluations[0].rows[key]))
        out.append("<table><tr><th>system</th><th>gold</th><th>pred</th>")
        out.append("".join(f"<th>{esc(n)}</th>" for n in names) + "</tr>")
        for ev in evaluations:
            row = ev.rows[key]
            cells = "".join(f"<td>{fmt(v)}</td>" for v in figures(row).values())
            out.append(
                f"<tr><td>{esc(ev.system)}</td><td>{row.overlap.gold}</td><td>{row.overlap.pred}</td>{cells}</tr>"
            )
        out.append("</table>")
    for i, ev in enumerate(evaluations):
        out.append(f"<h2>Worst documents: {esc(ev.system)}</h2><ol>")
        for doc in ev.worst:
            out.append(
                f"<li><a href='#{_anchor(i, doc.id)}'>{esc(doc.name)}</a>: F1 {fmt(doc.counts.f1)}, "
                f"{len(doc.mistakes)} mistakes</li>"
            )
        out.append("</ol>")
        for doc in ev.worst:
            out.append(f"<h3 id='{_anchor(i, doc.id)}'>{esc(doc.name)} <small>({esc(doc.id)})</small></h3>")
            out.append("<table><tr><th>mistake</th><th>label</th><th>offsets</th><th>text</th></tr>")
            for m in doc.mistakes:
                css = m.what.split()[0]
                text = esc(m.text if len(m.text) < 200 else m.text[:200] + "…")
                detail = f"<br><small>{esc(m.detail)}</small>" if m.detail else ""
                out.append(
                    f"<tr class='{css}'><td>{esc(m.what)}</td><td>{esc(m.label)}</td>"
                    f"<td>{m.start}-{m.end}</td><td style='text-align:left'>{text}{detail}</td></tr>"
                )
            out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out)
