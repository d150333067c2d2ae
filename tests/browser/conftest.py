"""Browser tests: Label Studio's real editor in the system Chromium, driven by Python playwright.

What annotators see cannot be proven through the API (the HTTP API stores whatever numbers it is given;
only the editor decides where a region is drawn and what offsets a hand-drawn region gets). These tests log
in as the admin of the real server (`studio`, tests/conftest.py) and work in the editor as a person would.

Run with `make test-browser` (it installs playwright from tests/browser/requirements.lock into .venv);
`make test` deselects them (marker `browser`, added here to every test in this folder). Chromium is the
system one, /usr/bin/chromium (or $CURATION_CHROMIUM): playwright never downloads a browser here. playwright
is imported inside the fixtures so that `make test` collects this folder without it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from curation.jsonl import write_documents
from curation.records import Document, Relation, Span, content_id
from curation.studio.push import push, push_layers
from curation.studio.tasks import task_ids

HERE = Path(__file__).resolve().parent
# Chromium here has no network but loopback: without these, it tries Google's hosts at every start.
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


class EditorPage:
    """One page of Label Studio's editor, with what the tests read from it and do in it."""

    def __init__(self, page: Any, url: str) -> None:
        self.page, self.url = page, url

    def open_task(self, project_id: int, task_id: int) -> None:
        """Open the task in the labeling screen and wait until its text is drawn."""
        self.page.goto(f"{self.url}/projects/{project_id}/data?task={task_id}")
        self.page.locator(".lsf-richtext__line").first.wait_for()

    def text(self) -> str:
        """The task text as the editor shows it."""
        return str(self.page.locator(".lsf-richtext__container").first.text_content())

    def highlights(self) -> dict[str, str]:
        """Region id -> the text its highlight covers in the page (what the annotator sees marked).

        A region is drawn as one or more `span.htx-highlight-<region id>-<n>` (split where another
        region starts or ends inside it); nested highlights of other regions add their text to it.
        """
        found: dict[str, str] = self.page.evaluate(HIGHLIGHTS_JS)
        return {re.sub(r"^htx-highlight-|-\d+$", "", token): text for token, text in found.items()}

    def draw(self, label: str, fragment: str) -> None:
        """Mark `fragment` (its first occurrence) as `label` as a person does: pick the label, then drag
        the mouse from its first character to its last."""
        self.page.locator(".lsf-labels .lsf-label", has_text=label).first.click()
        box = self.page.evaluate(FRAGMENT_BOX_JS, fragment)
        assert box is not None, f"{fragment!r} is not in the editor's text"
        self.page.mouse.move(box["x1"], box["y1"])
        self.page.mouse.down()
        self.page.mouse.move(box["x2"], box["y2"], steps=5)
        self.page.mouse.up()
        self.highlight(fragment).wait_for()

    def highlight(self, fragment: str) -> Any:
        return self.page.locator(".htx-highlight", has_text=fragment).last

    def choose(self, fragment: str, value: str) -> None:
        """Select the region over `fragment` and pick `value` in its per-region choices."""
        choice = self.page.locator(
            "label.lsf-choice__checkbox", has=self.page.locator(f"input[name={value}]")
        )
        if not choice.is_visible():
            self.select(fragment)
        choice.click()

    def select(self, fragment: str) -> None:
        """Make the region over `fragment` the selected one (a click on a selected region unselects it)."""
        self.highlight(fragment).click()
        if not self.page.get_by_label("Create Relation").is_visible():
            self.highlight(fragment).click()

    def relate(self, head: str, tail: str, label: str | None) -> None:
        """Draw a relation from the region over `head` to the one over `tail` and give it `label` (None
        when the config offers no relation labels: the ends decide it)."""
        self.select(head)
        self.page.get_by_label("Create Relation").click()
        self.highlight(tail).click()
        if label is None:
            return
        self.page.locator(".lsf-panel-tabs__tab", has_text="Relations").filter(visible=True).first.click()
        item = self.page.locator(".lsf-relations__item").last  # the newest relation
        item.hover()
        item.get_by_label("Show Relation Labels").click()
        self.page.get_by_text("Select labels").last.click()
        self.page.get_by_role("option", name=label, exact=True).click()
        self.page.keyboard.press("Escape")

    def submit(self) -> None:
        """Submit the annotation and wait until the server has stored it."""
        with self.page.expect_response(
            lambda r: "/annotations" in r.url and r.request.method == "POST"
        ) as response:
            self.page.get_by_label("Submit current annotation").click()
        assert response.value.ok, f"submitting failed: HTTP {response.value.status}"


# The text of each region's highlight elements, in document order, by its htx-highlight-<id> class.
HIGHLIGHTS_JS = """() => {
  const out = {};
  for (const el of document.querySelectorAll('.lsf-richtext__container .htx-highlight')) {
    const token = [...el.classList].find(c => c.startsWith('htx-highlight-'));
    if (!token) continue;
    const parent = el.parentElement && el.parentElement.closest('.' + CSS.escape(token));
    if (parent) continue;  // a piece nested in its own region: counted with the outer one
    out[token] = (out[token] || '') + el.textContent;
  }
  return out;
}"""


# Screen coordinates of a fragment of the editor's text: its first and last character's middles.
FRAGMENT_BOX_JS = """(fragment) => {
  const root = document.querySelector('.lsf-richtext__container');
  const at = root.textContent.indexOf(fragment);
  if (at < 0) return null;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let pos = 0, start = null, end = null, node;
  while ((node = walker.nextNode())) {
    const len = node.textContent.length;
    if (start === null && at < pos + len) start = [node, at - pos];
    if (at + fragment.length <= pos + len) { end = [node, at + fragment.length - pos]; break; }
    pos += len;
  }
  const range = document.createRange();
  range.setStart(start[0], start[1]);
  range.setEnd(end[0], end[1]);
  const rects = [...range.getClientRects()];
  const a = rects[0], b = rects[rects.length - 1];
  return {x1: a.left + 1, y1: a.top + a.height / 2, x2: b.right - 1, y2: b.top + b.height / 2};
}"""


def chromium_path() -> Path:
    path = Path(os.environ.get("CURATION_CHROMIUM") or "/usr/bin/chromium")
    if not path.exists():
        pytest.fail(
            f"no Chromium at {path}: install it with 'apt-get install chromium' (Debian) or set "
            "CURATION_CHROMIUM to a Chromium binary; the browser tests never download one",
            pytrace=False,
        )
    return path


PushPredicted = Callable[..., tuple[Document, int, int]]


@pytest.fixture
def push_predicted(studio: Any, tmp_path: Path) -> PushPredicted:
    """Push one pre-annotated document to a project, as `curation push` would; returns (the document,
    project id, task id). `layer` pushes that layer only (to "PROJECT · LAYER")."""

    def push_one(
        project: str,
        text: str,
        spans: list[Span],
        relations: Sequence[Relation] = (),
        source: str = "browser-test",
        model_version: str = "browser-1",
        layer: str | None = None,
    ) -> tuple[Document, int, int]:
        doc = Document(
            id=content_id(text),
            source=source,
            text=text,
            spans=spans,
            relations=list(relations),
            provenance={"model": "test", "model_version": model_version, "reviewed": False},
        )
        path = tmp_path / f"{project}.jsonl"
        write_documents(path, [doc])
        if layer is None:
            report = push(studio.conn, path, project)
        else:
            [report] = push_layers(studio.conn, path, project, layers=[layer])
        (task_id,) = task_ids(studio.conn, report.project_id)
        return doc, report.project_id, task_id

    return push_one


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder is a browser test (so `-m "not browser"` leaves them all out)."""
    for item in items:
        if HERE in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """The system Chromium, headless, one per test session."""
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def admin_session(browser: Any, studio: Any) -> dict[str, Any]:
    """Cookies of the admin logged in through Label Studio's own login form (done once per session)."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{studio.url}/user/login/")
        page.fill("input[name=email]", studio.username)
        page.fill("input[name=password]", studio.password)
        page.locator("button[type=submit], input[type=submit]").first.click()
        page.wait_for_url(re.compile(r"^(?!.*/user/login).*$"))
        state: dict[str, Any] = context.storage_state()
        return state
    finally:
        context.close()


@pytest.fixture
def editor(browser: Any, studio: Any, admin_session: dict[str, Any]) -> Iterator[EditorPage]:
    """A fresh logged-in page (own context) wrapped in the editor helpers."""
    context = browser.new_context(storage_state=admin_session, viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(30_000)
    try:
        yield EditorPage(context.new_page(), studio.url)
    finally:
        context.close()
