"""The reports in a real browser: Debian's Chromium, network off, driven by Playwright.

Screenshots of the index and every report are kept under
reports/browser-screenshots/ as CI artefacts.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = ROOT / "reports" / "browser-screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
REPORTS = ["01_sourcing_density.html", "02_hedged_claims.html", "03_party_framing.html"]


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (.ci/run installs it: apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


class Page:
    """A page opened offline that records console errors and every request leaving file://."""

    def __init__(self, browser, url: str) -> None:
        self.context = browser.new_context(offline=True, viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.external: list[str] = []
        self.page.on("console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("requestfailed", lambda req: self.errors.append(f"failed: {req.url}")
                     if req.url.startswith("file://") else None)
        self.page.route("**/*", self._route)
        self.goto(url)

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(("file://", "data:")):
            route.continue_()
        else:
            self.external.append(url)
            route.abort()

    def goto(self, url: str) -> None:
        self.page.goto(url)
        self.page.wait_for_load_state("load")

    def clean(self) -> None:
        assert not self.errors, f"{self.page.url}: console errors {self.errors}"
        assert not self.external, f"{self.page.url}: tried to fetch {self.external}"

    def close(self) -> None:
        self.context.close()


def _page_box(locator) -> dict:
    """Rendered size and position in the document (not the viewport); both sizes must be non-zero."""
    box = locator.evaluate("el => { const r = el.getBoundingClientRect();"
                           " return {y: r.top + window.scrollY, width: r.width, height: r.height}; }")
    assert box["width"] > 0 and box["height"] > 0, "element has no rendered size"
    return box


def test_index_shows_the_three_measures_and_links_to_each_report(browser, report_dir):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    p = Page(browser, (report_dir / "index.html").as_uri())
    p.page.screenshot(path=str(SCREENSHOTS / "index.png"), full_page=True)
    sections = p.page.locator("section.report")
    assert sections.count() == 3
    for i in range(3):
        figures = sections.nth(i).locator("li b")
        assert figures.count() >= 1 and figures.first.is_visible(), "headline figures visible on the index"
        assert figures.first.inner_text().strip()
    links = p.page.locator("section.report h2 a")
    assert sorted(links.nth(i).get_attribute("href") for i in range(links.count())) == REPORTS
    assert p.page.locator("table.parties tbody tr").count() >= 2, "the per-party table across measures"
    assert p.page.locator("footer.pl-provenance").is_visible()
    p.clean()
    p.close()


@pytest.mark.parametrize("target", REPORTS)
def test_report_renders_offline_with_figures_charts_and_highlighted_text(browser, report_dir, target):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    p = Page(browser, (report_dir / "index.html").as_uri())
    p.page.click(f'section.report h2 a[href="{target}"]')
    p.page.wait_for_load_state("load")
    assert p.page.url.endswith(target), "the index links to the report"
    p.page.screenshot(path=str(SCREENSHOTS / target.replace(".html", ".png")), full_page=True)

    cards = p.page.locator(".pl-card .pl-value")
    assert cards.count() >= 3 and cards.first.is_visible(), "headline figures visible"
    assert all(cards.nth(i).inner_text().strip() for i in range(cards.count()))
    first_card = _page_box(cards.first)
    first_chart = None
    images = p.page.locator(".jp-OutputArea-output img")
    assert images.count() >= 1, "charts present"
    for i in range(images.count()):
        img = images.nth(i)
        complete, width, height = img.evaluate("el => [el.complete, el.naturalWidth, el.naturalHeight]")
        assert complete and width > 0 and height > 0, f"chart {i} did not load"
        box = _page_box(img)
        img.scroll_into_view_if_needed()
        assert img.is_visible(), f"chart {i} is hidden"
        first_chart = first_chart or box
    assert first_card["y"] < first_chart["y"], "headline figures come before the charts"
    marks = p.page.locator(".pl-article mark")
    assert marks.count() >= 5 and marks.first.is_visible(), "highlighted article text"
    assert marks.first.get_attribute("title"), "highlights explain themselves on hover"
    assert p.page.locator(".pl-legend span").first.is_visible(), "a legend for the highlight colours"
    tables = p.page.locator(".jp-OutputArea-output table")
    assert tables.count() >= 1 and tables.first.is_visible(), "an evidence table"
    assert p.page.locator("footer.pl-provenance").is_visible(), "the provenance footer"
    assert not p.page.locator(".jp-InputArea-editor").count(), "code hidden"
    p.clean()

    siblings = [r for r in REPORTS if r != target]
    p.page.click(f'nav.pl-nav a[href="{siblings[0]}"]')
    p.page.wait_for_load_state("load")
    assert p.page.url.endswith(siblings[0]), "reports link to each other"
    p.page.click('nav.pl-nav a[href="index.html"]')
    p.page.wait_for_load_state("load")
    assert p.page.url.endswith("index.html"), "reports link back to the index"
    p.clean()
    p.close()
