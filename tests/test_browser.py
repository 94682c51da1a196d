"""The reports in a real browser: Debian's Chromium, network off, driven by Playwright.

Screenshots of the index and every report are kept under
artefacts/browser-screenshots/ (outside reports/, not committed) as CI
artefacts.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = ROOT / "artefacts" / "browser-screenshots"
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


#: In the page: elements wider than their box that do not scroll sideways themselves (they push the page wider).
_OVERFLOWING = """() => [...document.querySelectorAll('body *')].filter(e => {
    const st = getComputedStyle(e);
    if (e.clientWidth === 0 || st.display === 'inline' || ['auto', 'scroll'].includes(st.overflowX)) return false;
    if (e.closest('.pl-scroll, .pl-details-body')) return false;  // inside a sideways-scrolling box
    return e.scrollWidth > e.clientWidth + 1;
}).map(e => `${e.tagName.toLowerCase()}.${e.className}: ${e.scrollWidth} > ${e.clientWidth}`)"""

#: In the page: each chart (an image) with the number of its coloured pixels (bars, dots, cells; not axes or text).
_CHART_INK = """async () => Promise.all([...document.querySelectorAll('.jp-OutputArea-output img')].map(async img => {
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.naturalWidth; c.height = img.naturalHeight;
    const g = c.getContext('2d'); g.drawImage(img, 0, 0);
    const d = g.getImageData(0, 0, c.width, c.height).data;
    let ink = 0;
    for (let i = 0; i < d.length; i += 4) {
        if (Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 50) ink++;
    }
    return {alt: img.alt || img.src.slice(0, 40), width: c.width, ink: ink};
}))"""


def _fits_and_charts_have_content(p: Page, name: str) -> list[dict]:
    """The page is no wider than the 1280 px window, nothing in it overflows, and every chart draws something."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    p.page.screenshot(path=str(SCREENSHOTS / name), full_page=True)
    width = p.page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], f"{name}: the page is {width[0]} px wide in a {width[1]} px window"
    assert p.page.evaluate(_OVERFLOWING) == [], f"{name}: elements wider than the page"
    charts = p.page.evaluate(_CHART_INK)
    for chart in charts:
        assert chart["width"] > 0 and chart["ink"] >= 200, f"{name}: an empty chart {chart}"
    return charts


def test_first_hour_pages_fit_1280_px_and_every_chart_has_content(browser, detected_report):
    """A report without a parties file, as a newcomer first sees it: the index and the framing page."""
    out, _ = detected_report
    p = Page(browser, (out / "index.html").as_uri())
    _fits_and_charts_have_content(p, "first-hour-index.png")
    note = p.page.locator("p.notice")
    assert note.is_visible() and "Parties detected" in note.inner_text()
    assert note.evaluate("el => el.getBoundingClientRect().top") < 900, "said in the first screen"
    assert p.page.locator("table.parties tbody tr").count() >= 2
    p.page.click('section.report h2 a[href="03_party_framing.html"]')
    p.page.wait_for_load_state("load")
    charts = _fits_and_charts_have_content(p, "first-hour-framing.png")
    assert len(charts) == 4, "one chart per question"
    notice = p.page.locator(".pl-notice")
    assert notice.is_visible() and notice.evaluate("el => el.getBoundingClientRect().top") < 900
    # The details are folded: open, a table of each; closed, the page stays short.
    details = p.page.locator("details.pl-details")
    assert details.count() >= 4 and not any(details.nth(i).get_attribute("open") for i in range(details.count()))
    assert p.page.evaluate("document.documentElement.scrollHeight") < 6000
    details.first.locator("summary").click()
    assert details.first.locator("table").first.is_visible()
    p.clean()
    p.close()


def test_corpus_page_fits_1280_px_with_readable_labels_and_no_empty_chart(browser, corpus_report_dir):
    p = Page(browser, (corpus_report_dir / "04_corpus_comparison.html").as_uri())
    charts = _fits_and_charts_have_content(p, "corpus.png")
    assert charts, "the distributions are drawn"
    text = p.page.inner_text("body")
    assert "pakistan.agent_share" not in text and "Pakistan: acts (share of its mentions)" in text
    assert "n too small" in text and " *" not in text.split("How this was made")[0]
    assert "Rule:" in text and "median absolute deviation" in text
    assert "/tmp/" not in text and str(corpus_report_dir) not in text, "no machine paths"
    p.clean()
    p.close()
