"""The README's picture of a report: the first screen of a framing page, taken with headless Chromium.

Run: .venv/bin/python scripts/readme_screenshot.py [REPORT_DIR]

REPORT_DIR defaults to reports/pakistan-afghan-istanbul-talks (written by
`python3 tasks.py report`). Writes docs/report-framing.png (1280 px wide,
the first 1000 px of the page: what a reader sees before scrolling).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    from playwright.sync_api import sync_playwright

    report = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "reports" / "pakistan-afghan-istanbul-talks"
    page_file = report / "03_party_framing.html"
    if not page_file.exists():
        sys.exit(f"{page_file}: no such report (run python3 tasks.py report first)")
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_context(offline=True, viewport={"width": 1280, "height": 1000}).new_page()
        page.goto(page_file.as_uri())
        page.wait_for_load_state("load")
        out = ROOT / "docs" / "report-framing.png"
        page.screenshot(path=str(out))
        browser.close()
    print(f"{out.relative_to(ROOT)} written")


if __name__ == "__main__":
    main()
