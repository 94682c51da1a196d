"""The story comparison in a real browser: Debian's Chromium, network off, driven by Playwright.

Runs on the invented, hand-aligned Oslo articles (data/validation/story);
the same checks on real articles from ../shared are in
``test_real_articles_compare_in_the_browser`` (marked validation).
"""

from __future__ import annotations

import pytest

from conftest import ROOT, shared_path
from test_browser import SCREENSHOTS, Page, browser  # noqa: F401 - browser is a fixture

PAGE = "06_story_comparison.html"


def _check_page(p, n_articles: int, min_outlets: int = 3) -> None:
    rows = p.page.locator("table.pl-rows").first.locator("tbody tr")
    assert rows.count() == n_articles, "one row per article"
    assert rows.first.is_visible()
    claims = p.page.locator(".pl-claim")
    assert claims.count() >= 1, "claims aligned across articles"
    sizes = [claims.nth(i).locator("li").count() for i in range(claims.count())]
    assert max(sizes) >= min_outlets, f"a claim carried by {min_outlets}+ outlets (sizes {sizes})"
    members = p.page.locator(".pl-claim li")
    for i in range(members.count()):
        li = members.nth(i)
        meta = li.locator(".pl-meta").inner_text()
        assert ("attributed to" in meta or "reporter's own voice" in meta), f"member {i} names its source: {meta}"
        assert "hedged" in meta, f"member {i} says whether it is hedged: {meta}"
        assert li.locator(".pl-outlet").inner_text().strip(), "member names its outlet"
        assert li.locator(".pl-badge").inner_text().strip(), "member shows its stance"
    big = claims.nth(sizes.index(max(sizes)))
    big.scroll_into_view_if_needed()
    assert big.is_visible()
    assert p.page.locator("footer.pl-provenance").is_visible(), "the provenance footer"


def test_story_page_renders_offline_with_rows_claims_and_divergences(browser, story_dir):  # noqa: F811 - browser
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    p = Page(browser, (story_dir / "index.html").as_uri())
    assert p.page.locator("section.report li b").first.is_visible(), "headline figures on the index"
    p.page.click(f'section.report h2 a[href="{PAGE}"]')
    p.page.wait_for_load_state("load")
    assert p.page.url.endswith(PAGE)
    p.page.screenshot(path=str(SCREENSHOTS / "story_comparison.png"), full_page=True)
    _check_page(p, 6)
    assert p.page.locator(".pl-card .pl-value").first.is_visible(), "headline figures first"
    div = p.page.locator(".pl-div")
    assert div.count() >= 1, "divergences shown"
    assert div.first.locator(".pl-src, .pl-hedge, .pl-agent, .pl-patient").count() >= 1, "evidence highlighted"
    assert p.page.locator("td.pl-hi").count() >= 1, "differences that matter are marked in the rows"
    assert p.page.locator(".pl-claim .pl-src").first.get_attribute("title"), "marks explain themselves on hover"
    assert not p.page.locator(".jp-InputArea-editor").count(), "code hidden"
    p.clean()
    p.page.click('nav.pl-nav a[href="index.html"]')
    p.page.wait_for_load_state("load")
    assert p.page.url.endswith("index.html"), "the page links back to the index"
    p.clean()
    p.close()


@pytest.mark.validation
def test_real_articles_compare_in_the_browser(browser, tmp_path):  # noqa: F811
    """Real articles of several outlets about the Pakistan–Afghanistan border (../shared, read at run time only)."""
    from presslens.report.story_report import run_story_report

    real = shared_path("dev-real")
    files = [real / n for n in ("03-almayadeen-border-clashes.txt", "05-kabulnow-torkham-closure.txt",
                                "04-rediff-orakzai-operation.txt")]
    files.append(shared_path("seed", "pakistan-afghan-istanbul-talks.txt"))
    files += [real / "01-kashmirenglish-ceasefire-extended.txt", real / "02-xinhua-pakistan-retaliates.txt"]
    run_story_report(files, tmp_path, ROOT / "data" / "parties" / "pakistan-afghanistan.yml", progress=False)
    p = Page(browser, (tmp_path / PAGE).as_uri())
    p.page.screenshot(path=str(SCREENSHOTS / "story_comparison_real.png"), full_page=True)
    _check_page(p, len(files))
    p.clean()
    p.close()
