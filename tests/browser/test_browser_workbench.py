"""The annotator's workbench on seed 000, in Label Studio's real editor at 1600x1000: one layer at a time,
the kind control beside the text, a QUOTE that cannot be submitted without a kind, and what each fix costs.

The counts (regions and relation tags on screen, actions per fix) are printed with the test, so the figures
in the issue's closing note come from this run: `make test-browser` (or the targeted pytest line).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from annotator import WINDOW, Annotator, open_task
from typer.testing import CliRunner

from curation.cli.app import app
from curation.jsonl import read_documents
from curation.records import Span
from curation.studio.connection import client
from curation.studio.pull import pull
from curation.studio.push import push_layers
from curation.studio.tasks import task_ids

ROOT = Path(__file__).resolve().parents[2]
SEED = next((ROOT / "seeds").glob("000_*.txt"))


@pytest.fixture(scope="module")
def seed_projects(studio: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[int, int]]:
    """Seed 000 pre-annotated by the real pipeline and pushed in every layer and as one project with
    every label: layer -> (project id, task id)."""
    work = tmp_path_factory.mktemp("workbench")
    pre = work / "pre.jsonl"
    annotated = CliRunner().invoke(app, ["annotate", str(SEED), "-o", str(pre), "--quiet"])
    assert annotated.exit_code == 0, annotated.output
    found = {}
    for report in push_layers(studio.conn, pre, "seed000", layers=["attribution", "claims", "all"]):
        (task_id,) = task_ids(studio.conn, report.project_id)
        found[report.layer] = (report.project_id, task_id)
    return found


@pytest.fixture
def annotator(browser: Any, studio: Any, admin_session: dict[str, Any]) -> Any:
    context = browser.new_context(storage_state=admin_session, viewport=WINDOW)
    context.set_default_timeout(60_000)
    try:
        yield Annotator(context.new_page())
    finally:
        context.close()


def _report(name: str, figures: dict[str, Any]) -> None:
    print(f"\nworkbench figures, {name}: {json.dumps(figures, sort_keys=True)}")


def test_attribution_layer_shows_no_claims_and_fixes_cost_few_actions(
    studio, seed_projects, annotator
) -> None:
    project_id, task_id = seed_projects["attribution"]
    open_task(annotator.page, studio.url, project_id, task_id)
    screen = annotator.screen()
    assert "CLAIM" not in screen.regions and screen.regions.get("QUOTE", 0) > 0
    assert screen.relation_tags == 0  # arrows carry no label tag over the words
    regions = annotator.regions()
    quotes = [r for r in regions if r["label"] == "QUOTE"]
    speakers = [r for r in regions if r["label"] == "SPEAKER"]

    # Fix a quote's kind: the last quote of the article (far down the text).
    quote = quotes[-1]
    annotator.select_region(quote["id"])
    radio = annotator.choice_input("quote_kind", "mixed")
    kind_in_view = annotator.visible_without_scrolling(radio)
    new_kind = "mixed" if quote["choices"].get("quote_kind") != "mixed" else "indirect"
    annotator.set_choice("quote_kind", new_kind)
    fix_kind = annotator.reset()
    assert next(r for r in annotator.regions() if r["id"] == quote["id"])["choices"]["quote_kind"] == new_kind
    assert kind_in_view  # the kind control of a selected QUOTE is in the 1600x1000 window
    annotator.press("Escape", "deselect")
    annotator.reset()

    # Link a speaker: a quote in the middle to the nearest speaker it is not linked to yet.
    middle = quotes[len(quotes) // 2]
    linked = set(
        annotator.page.evaluate(
            "() => window.Htx.annotationStore.selected.relationStore.relations"
            ".map(r => r.node1.id + '>' + r.node2.id)"
        )
    )
    speaker = min(
        (s for s in speakers if f"{middle['id']}>{s['id']}" not in linked),
        key=lambda s: abs(s["start"] - middle["start"]),
    )
    before = annotator.relation_count()
    annotator.link(middle["id"], speaker["id"])
    link = annotator.reset()
    assert annotator.relation_count() == before + 1
    annotator.press("Escape", "deselect")
    annotator.reset()

    # Delete a wrong quote.
    count = len(annotator.regions())
    annotator.delete(quotes[0]["id"])
    delete = annotator.reset()
    assert len(annotator.regions()) == count - 1

    # Accept the rest as predicted: Submit, and the annotation is stored.
    annotator.submit()
    accept = annotator.reset()
    stored = client(studio.conn).tasks.get(task_id)
    assert int(stored.total_annotations or 0) == 1
    _report(
        "attribution layer, seed 000",
        {"regions": screen.regions, "arrows": screen.relations, "relation_tags": screen.relation_tags,
         "kind_visible_without_scrolling": kind_in_view, "actions_fix_kind": fix_kind,
         "actions_link_speaker": link, "actions_delete_quote": delete, "actions_accept": accept},
    )  # fmt: skip
    # select the quote, Alt+R, click the speaker (plus one scroll when the speaker is out of view)
    assert link <= 4 and fix_kind <= 3 and delete <= 3 and accept == 1


def test_claims_layer_shows_no_attribution_arrows(studio, seed_projects, annotator) -> None:
    project_id, task_id = seed_projects["claims"]
    open_task(annotator.page, studio.url, project_id, task_id)
    screen = annotator.screen()
    assert set(screen.regions) <= {"CLAIM", "SPEAKER"} and screen.regions.get("CLAIM", 0) > 0
    ends = annotator.page.evaluate(
        "() => window.Htx.annotationStore.selected.relationStore.relations"
        ".map(r => [r.node1.labels[0], r.node2.labels[0]])"
    )
    assert all(ends_ == ["CLAIM", "SPEAKER"] for ends_ in ends)  # no quote->speaker, no quote->cue
    assert screen.relation_tags == 0
    _report(
        "claims layer, seed 000",
        {"regions": screen.regions, "arrows": screen.relations, "relation_tags": screen.relation_tags},
    )


def test_everything_in_one_project_for_comparison(studio, seed_projects, annotator) -> None:
    """The same seed as one project with every label (the shape of the single project before layers)."""
    project_id, task_id = seed_projects["all"]
    open_task(annotator.page, studio.url, project_id, task_id)
    screen = annotator.screen()
    assert {"CLAIM", "QUOTE"} <= set(screen.regions)
    _report(
        "one project with every label, seed 000",
        {"regions": screen.regions, "arrows": screen.relations, "relation_tags": screen.relation_tags},
    )


def test_a_quote_without_a_kind_cannot_be_submitted(studio, annotator, push_predicted, tmp_path) -> None:
    text = "The mayor spoke at noon. Taxes will rise next spring, she told the council on Monday."
    speaker = Span.at(text, "SPEAKER", 0, len("The mayor"), attrs={"canonical": "mayor"}, score=0.9)
    _, project_id, task_id = push_predicted(
        "kind-required", text, [speaker], model_version="kind-1", layer="attribution"
    )
    page = annotator.page
    open_task(page, studio.url, project_id, task_id)

    # Draw a QUOTE by hand: pick the label in the side column, then drag over the words.
    label = page.locator(".lsf-label", has_text="QUOTE").first
    label.click()
    words = "Taxes will rise next spring"
    box = page.evaluate(
        """(words) => {
            const root = document.querySelector('.lsf-richtext__container');
            const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
            let node;
            while ((node = walker.nextNode())) {
                const at = node.textContent.indexOf(words);
                if (at < 0) continue;
                const range = document.createRange();
                range.setStart(node, at); range.setEnd(node, at + words.length);
                const rects = range.getClientRects();
                const first = rects[0], last = rects[rects.length - 1];
                return [first.left + 1, first.top + first.height / 2,
                        last.right - 1, last.top + last.height / 2];
            }
            return null;
        }""",
        words,
    )
    assert box is not None
    page.mouse.move(box[0], box[1])
    page.mouse.down()
    page.mouse.move(box[2], box[3], steps=8)
    page.mouse.up()
    page.wait_for_timeout(500)
    drawn = [r for r in annotator.regions() if r["label"] == "QUOTE"]
    assert [r["text"] for r in drawn] == [words] and drawn[0]["choices"] == {}

    annotator.submit()
    page.get_by_text("needs a kind").first.wait_for(timeout=15_000)  # the editor says why
    assert int(client(studio.conn).tasks.get(task_id).total_annotations or 0) == 0  # nothing stored
    page.get_by_role("button", name="OK").first.click()
    page.wait_for_timeout(300)
    annotator.select_region(drawn[0]["id"])
    annotator.set_choice("quote_kind", "indirect")
    annotator.submit()
    assert int(client(studio.conn).tasks.get(task_id).total_annotations or 0) == 1
    out = tmp_path / "gold.jsonl"
    pull(studio.conn, "kind-required", out)
    [gold] = list(read_documents(out))
    assert [(s.text, s.attrs.get("kind")) for s in gold.spans if s.label == "QUOTE"] == [(words, "indirect")]
