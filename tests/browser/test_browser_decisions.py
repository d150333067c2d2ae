"""Decisions mode in Label Studio's real editor: what the annotator sees, and the keys a decision takes.

The annotator works in the label stream ("Label All Tasks"): each task shows one predicted quote in its
paragraph, coloured from the schema; a key chooses the answer and Ctrl+Enter submits it, and the stream
opens the next task by itself. The counts of keys and clicks per decision are asserted and printed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from curation.jsonl import write_documents
from curation.schema import get_schema
from curation.studio.connection import client
from curation.studio.decision_units import CHOICES, UNIT
from curation.studio.decisions import pull_decisions, push_decisions

TEXT = (
    "Ada said: “The vote passed.” Later Bob told reporters: “We counted twice.”\n"
    "Cy warned: “Rivers are rising.”"
)
QUOTES = [  # (quote, speaker, cue, score): pushed most doubtful first
    ("We counted twice.", "Bob", "told reporters", 0.3),
    ("The vote passed.", "Ada", "said", 0.5),
    ("Rivers are rising.", "Cy", "warned", 0.7),
]


class Actions:
    """The annotator's keys and clicks, counted as they are done."""

    def __init__(self, page: Any) -> None:
        self.page, self.count = page, 0

    def key(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.count += 1

    def click(self, locator: Any) -> None:
        locator.click()
        self.count += 1


def _shown_quote(page: Any) -> str:
    """The quote of the task on screen (the one marked with the QUOTE colour's underline)."""
    colour = get_schema().spans["QUOTE"].color
    return str(page.locator(f"span[style*='border-bottom:2px solid {colour}']").first.text_content())


def _answer(page: Any, value: str) -> Any:
    """The radio button of one answer, as shown (its label and its key hint)."""
    return page.locator("label.lsf-choice__checkbox", has=page.locator(f"input[name='{value}']"))


def _next_task(page: Any, previous: str) -> None:
    """Wait until the stream shows another quote than `previous` (the submit went through)."""
    page.wait_for_function(
        """(prev) => { const el = document.querySelector("span[style*='border-bottom:2px solid']");
                       return el && el.textContent !== prev; }""",
        arg=previous,
    )


def test_browser_decisions_accept_is_two_keys_and_pull_makes_gold(
    studio, editor, make_quotes_record, tmp_path: Path
) -> None:
    doc = make_quotes_record(TEXT, QUOTES, "browser-decisions", "browser-1")
    source = tmp_path / "pre.jsonl"
    write_documents(source, [doc])
    report = push_decisions(studio.conn, source, "browser-dec", labels=["QUOTE"])
    assert report.created == 3
    page = editor.page
    page.set_viewport_size({"width": 1600, "height": 1000})
    page.goto(f"{studio.url}/projects/{report.project_id}/data?labeling=1")  # "Label All Tasks"
    page.get_by_text(CHOICES[-1].value).first.wait_for()
    instructions = page.get_by_text("Labeling Instructions")
    if instructions.count() and instructions.first.is_visible():
        page.keyboard.press("Escape")  # shown once when the stream starts, not per decision
        instructions.first.wait_for(state="hidden")

    # What the annotator sees: the most doubtful quote first, its speaker and cue marked in the schema's
    # colours, every answer with its key.
    assert _shown_quote(page) == QUOTES[0][0]
    schema = get_schema()
    for label, fragment in (("SPEAKER", "Bob"), ("CUE", "told reporters")):
        marked = page.locator(f"span[style*='background:{schema.spans[label].color}']", has_text=fragment)
        assert marked.count() >= 1, f"{label} {fragment!r} is not marked"
    for choice in CHOICES:
        answer = _answer(page, choice.value)
        assert (
            answer.is_visible()
            and answer.inner_text().replace("\n", "") == f"{choice.value}[{choice.hotkey}]"
        )

    actions = Actions(page)
    # Accept: one key for the answer, Ctrl+Enter to submit; the stream moves on by itself.
    actions.key("a")
    assert page.locator("input[name='accept']").is_checked()
    actions.key("Control+Enter")
    _next_task(page, QUOTES[0][0])
    accept_actions, actions.count = actions.count, 0
    assert _shown_quote(page) == QUOTES[1][0]

    # Submitting without an answer is refused with the config's message (the answer is required).
    page.keyboard.press("Control+Enter")
    warning = page.locator(".ant-modal-wrap", has_text="before submitting")
    warning.wait_for()
    assert "Choose accept, reject, wrong speaker or wrong span" in warning.inner_text()
    page.keyboard.press("Escape")
    warning.wait_for(state="hidden")
    # Reject with the mouse: click the answer, click Submit.
    actions.click(_answer(page, "reject"))
    actions.click(page.get_by_test_id("bottombar-submit-button"))
    _next_task(page, QUOTES[1][0])
    reject_clicks, actions.count = actions.count, 0

    actions.key("s")  # wrong speaker
    # Wait for the server to store the last answer: the quote's underline goes away while the submit is
    # still in flight (waiting on that raced in CI), then the stream shows its end page.
    with page.expect_response(lambda r: "/annotations" in r.url and r.request.method == "POST") as saved:
        actions.key("Control+Enter")
    assert saved.value.ok, f"submitting failed: HTTP {saved.value.status}"
    page.get_by_text("No More Tasks Left in Queue").wait_for()
    assert not page.locator("span[style*='border-bottom:2px solid']").count()
    print(f"\nactions per decision: accept {accept_actions} (a, Ctrl+Enter); reject by mouse {reject_clicks}")
    assert (accept_actions, reject_clicks) == (2, 2)

    ls = client(studio.conn)
    answers: dict[str, list[Any]] = {}
    for task in (t.model_dump() for t in ls.tasks.list(project=report.project_id, fields="all")):
        answers[str(task["data"][UNIT]).split(":", 1)[1]] = [
            a["result"][0]["value"]["choices"][0] for a in task.get("annotations") or []
        ]
    quote_ids = {q.text: q.id for q in doc.spans if q.label == "QUOTE"}
    assert answers == {
        quote_ids["We counted twice."]: ["accept"],
        quote_ids["The vote passed."]: ["reject"],  # one annotation: the empty submit stored nothing
        quote_ids["Rivers are rising."]: ["wrong speaker"],
    }

    pulled = pull_decisions(
        studio.conn, "browser-dec", tmp_path / "gold.jsonl", to_editor=tmp_path / "fix.jsonl"
    )
    assert pulled.records == 0 and pulled.editor_records == 1
    [row] = pulled.documents
    assert (row.status, dict(row.answers)) == ("editor", {"accept": 1, "reject": 1, "wrong speaker": 1})
