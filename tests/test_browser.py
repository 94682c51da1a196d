"""The reports in a real browser: Debian's Chromium, network off, driven by Playwright.

Screenshots are kept under reports/browser-screenshots/ as CI artefacts.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = ROOT / "reports" / "browser-screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (.ci/run installs it: apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


def _open(browser, url: str):
    context = browser.new_context(offline=True, viewport={"width": 1200, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    external: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.route("**/*", lambda route: (external.append(route.request.url), route.abort())
               if not route.request.url.startswith("file://") else route.continue_())
    page.goto(url)
    page.wait_for_load_state("load")
    return page, errors, external


def test_index_and_reports_render_offline(browser, report_dir):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page, errors, external = _open(browser, (report_dir / "index.html").as_uri())
    page.screenshot(path=str(SCREENSHOTS / "index.png"), full_page=True)
    links = page.locator("section.report h2 a")
    assert links.count() >= 2
    targets = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert page.locator("section.report li b").count() >= 2, "index shows headline figures"
    assert not errors and not external, (errors, external)

    for target in targets:
        page, errors, external = _open(browser, (report_dir / "index.html").as_uri())
        page.click(f'a[href="{target}"]')
        page.wait_for_load_state("load")
        assert page.url.endswith(target)
        page.screenshot(path=str(SCREENSHOTS / target.replace(".html", ".png")), full_page=True)
        cards = page.locator(".pl-card .pl-value")
        assert cards.count() >= 3 and cards.first.is_visible(), f"{target}: headline figures visible"
        images = page.locator("img")
        assert images.count() >= 1, f"{target}: charts present"
        for i in range(images.count()):
            size = images.nth(i).evaluate("img => [img.complete, img.naturalWidth, img.naturalHeight]")
            assert size[0] and size[1] > 0 and size[2] > 0, f"{target}: chart {i} did not render"
        marks = page.locator(".pl-article mark")
        assert marks.count() >= 5 and marks.first.is_visible(), f"{target}: highlighted article text"
        assert not errors and not external, (target, errors, external)
        page.click("nav.pl-nav a")
        page.wait_for_load_state("load")
        assert page.url.endswith("index.html")
