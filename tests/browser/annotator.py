"""An annotator scripted in a real browser: what one sees on opening a task, and what each fix costs.

Every click, key press and scroll the script makes goes through `Annotator`, which counts it, so the
counts are what a person would do with the mouse and keyboard (no store calls stand in for a gesture).
The editor's own state (window.Htx) is read only to find where things are and to check each result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # playwright is installed by `make test-browser` only; `make test` collects this folder
    from playwright.sync_api import Page

WINDOW = {"width": 1600, "height": 1000}

_ANNOTATION = "window.Htx.annotationStore.selected"


@dataclass
class Screen:
    """What the task shows when it opens."""

    regions: dict[str, int]  # label -> regions drawn in the text
    relations: int  # relation arrows
    relation_tags: int  # arrows that carry a label tag over the text


@dataclass
class Annotator:
    page: Page
    actions: int = 0
    log: list[str] = field(default_factory=list)

    # --- gestures (each one counted) -------------------------------------------------------------
    def click(self, x: float, y: float, why: str) -> None:
        self.actions += 1
        self.log.append(f"click: {why}")
        self.page.mouse.click(x, y)

    def press(self, key: str, why: str) -> None:
        self.actions += 1
        self.log.append(f"key {key}: {why}")
        self.page.keyboard.press(key)

    def scroll_to(self, selector_js: str, why: str) -> None:
        """Bring an element into view, counted as one scroll when it was not in view."""
        if not self._in_view(selector_js):
            self.actions += 1
            self.log.append(f"scroll: {why}")
            self.page.evaluate(f"() => ({selector_js}).scrollIntoView({{block: 'center'}})")
            self.page.wait_for_timeout(300)

    def reset(self) -> int:
        done, self.actions, self.log = self.actions, 0, []
        return done

    # --- reading the screen ----------------------------------------------------------------------
    def screen(self) -> Screen:
        got = self.page.evaluate(
            f"""() => {{
            const a = {_ANNOTATION};
            const regions = {{}};
            for (const r of a.regions) {{
                if (!r._spans || !r._spans.length) continue;
                const label = (r.labels || [])[0] || '?';
                regions[label] = (regions[label] || 0) + 1;
            }}
            const arrows = document.querySelectorAll('[class*=relationItem]').length;
            const tags = a.relationStore.relations.filter(rel => (rel.labels || []).length > 0).length;
            return {{regions, arrows, tags}};
        }}"""
        )
        return Screen(dict(got["regions"]), int(got["arrows"]), int(got["tags"]))

    def regions(self) -> list[dict[str, Any]]:
        return list(
            self.page.evaluate(
                f"""() => {_ANNOTATION}.regions.map(r => ({{
                id: r.id, label: (r.labels || [])[0], start: r.startOffset ?? r.globalOffsets?.start,
                end: r.endOffset ?? r.globalOffsets?.end, text: r.text,
                choices: Object.fromEntries(r.results.filter(x => x.type === 'choices')
                    .map(x => [x.from_name.name, (x.value.choices || [])[0]])),
            }}))"""
            )
        )

    def selected(self) -> str | None:
        return self.page.evaluate(f"() => {_ANNOTATION}.highlightedNode?.id ?? null")

    def relation_count(self) -> int:
        return int(self.page.evaluate(f"() => {_ANNOTATION}.relationStore.relations.length"))

    def _box(self, selector_js: str) -> list[float]:
        """[left, top, width, height] of an element on screen."""
        return list(
            self.page.evaluate(
                f"() => {{ const b = ({selector_js}).getBoundingClientRect();"
                " return [b.left, b.top, b.width, b.height]; }"
            )
        )

    def _in_view(self, selector_js: str) -> bool:
        return bool(
            self.page.evaluate(
                f"""() => {{ const el = {selector_js}; if (!el) return false;
                const b = el.getBoundingClientRect();
                return b.width > 0 && b.top >= 0 && b.bottom <= window.innerHeight
                    && b.left >= 0 && b.right <= window.innerWidth; }}"""
            )
        )

    def visible_without_scrolling(self, selector_js: str) -> bool:
        return self._in_view(selector_js)

    # --- tasks an annotator does -----------------------------------------------------------------
    def select_region(self, region_id: str) -> None:
        """Click the region's words; if another region takes the click, pick it in the Regions list."""
        span = f"{_ANNOTATION}.regions.find(r => r.id === {region_id!r})._spans[0]"
        self.scroll_to(span, f"bring {region_id} into view")
        box = self._box(span)
        self.click(box[0] + min(box[2] / 2, 8), box[1] + box[3] / 2, f"the words of {region_id}")
        self.page.wait_for_timeout(200)
        if self.selected() == region_id:
            return
        # Another region covers the same words: the Regions list is the only way to reach this one.
        self.press("Escape", "drop the region the click selected")
        text = self.page.evaluate(f"() => {_ANNOTATION}.regions.find(r => r.id === {region_id!r}).text")
        item = (
            "[...document.querySelectorAll('.lsf-outliner-item')]"
            f".find(el => el.textContent.includes({text[:40]!r}))"
        )
        self.scroll_to(item, "find it in the Regions list")
        box = self._box(item)
        self.click(box[0] + box[2] / 2, box[1] + box[3] / 2, f"{region_id} in the Regions list")
        self.page.wait_for_timeout(200)
        assert self.selected() == region_id, f"could not select {region_id}"

    def choice_input(self, control: str, value: str) -> str:
        """JS for the radio of `value` in the per-region Choices named `control` (the visible one)."""
        return (
            "[...document.querySelectorAll('input[type=radio]')]"
            f".find(el => el.name === {value!r} && el.offsetParent !== null)"
        )

    def set_choice(self, control: str, value: str) -> None:
        radio = self.choice_input(control, value)
        self.scroll_to(radio, f"bring the {control} control into view")
        box = self._box(radio)
        self.click(box[0] + box[2] / 2, box[1] + box[3] / 2, f"{control} = {value}")
        self.page.wait_for_timeout(200)

    def link(self, head_id: str, tail_id: str) -> None:
        """Select the head, start a relation (Alt+R), click the tail."""
        self.select_region(head_id)
        self.press("Alt+r", "start a relation from the selected region")
        span = f"{_ANNOTATION}.regions.find(r => r.id === {tail_id!r})._spans[0]"
        self.scroll_to(span, f"bring {tail_id} into view")
        box = self._box(span)
        self.click(box[0] + min(box[2] / 2, 8), box[1] + box[3] / 2, f"the words of {tail_id}")
        self.page.wait_for_timeout(300)

    def delete(self, region_id: str) -> None:
        self.select_region(region_id)
        self.press("Backspace", "delete the selected region")
        self.page.wait_for_timeout(200)

    def submit(self) -> None:
        button = "[...document.querySelectorAll('button')].find(b => b.textContent.trim() === 'Submit')"
        self.scroll_to(button, "find Submit")
        box = self._box(button)
        self.click(box[0] + box[2] / 2, box[1] + box[3] / 2, "Submit")
        self.page.wait_for_timeout(1000)


def log_in(page: Page, url: str, email: str, password: str) -> None:
    page.goto(f"{url}/user/login/")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def open_task(page: Page, url: str, project_id: int, task_id: int) -> None:
    """Open a task in the editor and wait until its regions and arrows are drawn and hold still."""
    page.goto(f"{url}/projects/{project_id}/data?task={task_id}")
    page.wait_for_function(
        f"() => window.Htx && {_ANNOTATION} && {_ANNOTATION}.type === 'annotation'", timeout=120_000
    )
    state = f"""() => {{ const a = {_ANNOTATION};
        const drawn = a.regions.filter(r => r._spans && r._spans.length).length;
        const arrows = document.querySelectorAll('[class*=relationItem]').length;
        return [a.id, a.regions.length, drawn, a.relationStore.relations.length, arrows]; }}"""
    last: list[Any] = []
    for _ in range(120):
        now = page.evaluate(state)
        if now == last and now[1] == now[2] and now[3] == now[4]:
            return
        last = now
        page.wait_for_timeout(1000)
    raise AssertionError(f"task {task_id} never settled: {last}")
