"""Hostile input: script and event-handler payloads through every field reach no report as live markup.

One set of hostile inputs (an article whose file name, headline and text carry
payloads, a parties file whose labels do, a corpus whose ids, outlets, titles,
addresses, dates and skip reasons do, a coding sheet and BRAT folder built
from them) goes through every report presslens writes: the article report,
the corpus report and the validation notebook. Every HTML page written must
hold no live markup (no event handler, script element or ``javascript:``
address), must show the payloads as text, and must open in Chromium without a
single dialog; every CSV written must hold no text cell that a spreadsheet
would run as a formula.

Reports are built by :data:`REPORT_BUILDERS`, name -> function(workdir,
inputs) -> folder of HTML. The comparison report (issue 20, ``presslens
compare``) is added there with one more builder; the checks below then cover
it unchanged.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from test_browser import ARGS, CHROMIUM

#: Each payload calls alert with its own number, so a dialog names its field.
ARTICLE_NAME = "talks <img src=x onerror=alert(101)>.txt"
HEADLINE = "Ruritania talks stall <img src=x onerror=alert(102)>"
ARTICLE = f"""{HEADLINE}

Officials in Ruritania said on Monday that the talks <script>alert(103)</script> could resume next week.

"We will not accept <svg onload=alert(104)> terms," the foreign minister of Borduria told reporters.

Borduria's army said its forces had crossed the river, according to a statement <b onmouseover=alert(105)>posted</b> online.

Analysts suggested the crisis may deepen if Borduria refuses `</code><img src=x onerror=alert(106)>` further talks.

A spokesman for Ruritania declined to comment on [the report](javascript:alert(107)) and said a reply was expected.
"""
PARTIES = """parties:
  ruritania:
    label: "<img src=x onerror=alert(111)>"
    aliases: [Ruritania]
  borduria:
    label: "Borduria \\"><svg onload=alert(112)>"
    aliases: [Borduria, {text: "borduria's army", ignore_case: true}]
"""
OUTLET_A = "<img src=x onerror=alert(201)>"
OUTLET_B = "=HYPERLINK(\"http://example.invalid\",\"<svg onload=alert(202)>\")"
CORPUS = [
    {"id": "<img src=x onerror=alert(211)>", "outlet": OUTLET_A, "title": "@SUM(1+1) <script>alert(212)</script>",
     "url": "javascript:alert(213)", "date": "+2024 <b onclick=alert(214)>",
     "text": "Officials in Ruritania said the talks could resume. Borduria rejected the offer, a minister told reporters."},
    {"id": "+cmd|' /C calc'!A0", "outlet": OUTLET_B, "title": "-1+1",
     "text": "Ruritania said it may send envoys. According to diplomats, Borduria is expected to respond."},
    {"id": "a`</code><svg onload=alert(215)>", "outlet": OUTLET_A, "title": "\"><img src=x onerror=alert(216)>",
     "text": "Borduria's army said it had withdrawn. Ruritania confirmed the withdrawal, officials said."},
    {"id": "-2+3", "outlet": OUTLET_B,
     "text": "Analysts suggested that Ruritania could lose ground. Borduria said the claim was false."},
    {"id": "<b onmouseover=alert(217)>empty</b>", "outlet": OUTLET_A, "text": ""},
    {"id": "<img src=x onerror=alert(218)> without text", "outlet": OUTLET_B},
]
BAD_LINE = "not JSON <img src=x onerror=alert(219)>"
#: Strings that must be visible, as text, somewhere in the reports.
SHOWN = ["onerror=alert(101)", "onerror=alert(102)", "<script>alert(103)</script>", "onerror=alert(111)",
         "onload=alert(113)", "onerror=alert(201)", "onerror=alert(211)", "onload=alert(215)", "onerror=alert(218)",
         "onerror=alert(220)"]


def write_inputs(root: Path) -> dict[str, Path]:
    root.mkdir(parents=True, exist_ok=True)
    article = root / ARTICLE_NAME
    article.write_text(ARTICLE, encoding="utf-8")
    parties = root / "parties <svg onload=alert(113)>.yml"
    parties.write_text(PARTIES, encoding="utf-8")
    corpus = root / "corpus <img src=x onerror=alert(220)>.jsonl"
    lines = [json.dumps(r, ensure_ascii=False) for r in CORPUS]
    corpus.write_text("\n".join([*lines[:3], BAD_LINE, *lines[3:]]) + "\n", encoding="utf-8")
    return {"article": article, "parties": parties, "corpus": corpus}


def article_report(work: Path, inputs: dict[str, Path]) -> Path:
    from presslens.report.article import run_report

    out = work / "article"
    run_report(inputs["article"], out, inputs["parties"], progress=False)
    return out


def corpus_report(work: Path, inputs: dict[str, Path]) -> Path:
    from presslens.report.corpus_report import run_corpus_report

    out = work / "corpus"
    run_corpus_report(inputs["corpus"], out, inputs["parties"], progress=False)
    return out


def validation_report(work: Path, inputs: dict[str, Path]) -> Path:
    """Notebook 05 on a coding folder exported from the hostile corpus, coded with payloads."""
    import papermill

    from presslens.document.spans import Document
    from presslens.evaluate.coding import export_coding
    from presslens.framing.parties import load_parties
    from presslens.report.runner import KERNEL_NAME, to_html
    from presslens.resources.files import NOTEBOOK_DIR

    out = work / "validation"
    out.mkdir()
    docs = [Document(r["id"], r["text"], {"outlet": r["outlet"]}) for r in CORPUS if r.get("text")]
    coding = work / "coding"
    export_coding(docs, 2, 0, coding, parties=load_parties(inputs["parties"]))
    sheet = coding / "coding_sheet.csv"
    with open(sheet, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        row.update({"has_attribution": "yes", "hedged": "no", "parties": "<img src=x onerror=alert(301)>",
                    "notes": "=cmd() <script>alert(302)</script>"})
    with open(sheet, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    for ann in (coding / "attributions").glob("*.ann"):  # coded in BRAT too (an untouched export is refused)
        ann.write_text(ann.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    executed = out / "05_validation.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOK_DIR / "05_validation.ipynb"), str(executed), kernel_name=KERNEL_NAME, progress_bar=False,
        cwd=str(NOTEBOOK_DIR),
        parameters={"input_path": str(inputs["article"]), "parties_path": str(inputs["parties"]), "gold_path": "",
                    "coding_sheet": str(sheet), "brat_dir": str(coding), "output_dir": str(out)})
    (out / "05_validation.html").write_text(to_html(executed, resources={"title": f"Validation · {ARTICLE_NAME}"}),
                                            encoding="utf-8")
    return out


def comparison_report(work: Path, inputs: dict[str, Path]) -> Path:
    """`presslens compare` on the hostile corpus's readable articles (comparison refuses a malformed line)."""
    from presslens.report.story_report import run_story_report

    readable = work / "story <svg onload=alert(221)>.jsonl"
    readable.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in CORPUS if r.get("text")),
                        encoding="utf-8")
    out = work / "comparison"
    run_story_report([readable], out, inputs["parties"], progress=False)
    return out


#: Every report presslens writes from hostile inputs.
REPORT_BUILDERS: dict[str, Callable[[Path, dict[str, Path]], Path]] = {
    "article": article_report,
    "corpus": corpus_report,
    "validation": validation_report,
    "comparison": comparison_report,
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> dict[str, Path]:
    work = tmp_path_factory.mktemp("hostile")
    inputs = write_inputs(work / "inputs")
    return {name: build(work, inputs) for name, build in REPORT_BUILDERS.items()}


def pages(hostile: dict[str, Path]) -> list[Path]:
    found = sorted(p for folder in hostile.values() for p in folder.rglob("*.html"))
    assert len(found) >= 6, found
    return found


def test_every_report_was_written(hostile):
    assert {p.name for p in hostile["article"].glob("*.html")} >= {"index.html", "01_sourcing_density.html",
                                                                  "02_hedged_claims.html", "03_party_framing.html"}
    assert (hostile["corpus"] / "04_corpus_comparison.html").is_file()
    assert (hostile["validation"] / "05_validation.html").is_file()
    assert (hostile["comparison"] / "06_story_comparison.html").is_file()


def test_no_html_written_holds_live_markup(hostile):
    from presslens.report.runner import _NEUTRALISED, live_markup

    for page in pages(hostile):
        html = page.read_text(encoding="utf-8")
        assert live_markup(html) == [], f"{page.name}: live markup"
        # Escaped where written, not caught by the runner's guard.
        assert _NEUTRALISED.strip()[:40] not in html, f"{page.name}: an output had to be neutralised"


def test_payloads_are_shown_as_text(hostile):
    import html as html_lib

    text = "\n".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", p.read_text(encoding="utf-8"))) for p in pages(hostile))
    missing = [s for s in SHOWN if s not in text]
    assert not missing, f"payloads not shown (the test would prove nothing): {missing}"


def test_no_dialog_and_no_live_element_in_chromium(hostile):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (.ci/run installs it: apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    dialogs: list[str] = []
    live: dict[str, int] = {}
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        context = browser.new_context(offline=True)
        for page_path in pages(hostile):
            page = context.new_page()
            page.on("dialog", lambda d, name=page_path.name: (dialogs.append(f"{name}: {d.message}"), d.dismiss()))
            page.goto(page_path.as_uri())
            page.wait_for_load_state("load")
            # Hovering, clicking and focusing every element would fire what a reader might: count
            # instead every element that could run something.
            count = page.evaluate("""() => [...document.querySelectorAll('*')].filter(el =>
                el.tagName === 'SCRIPT' || el.tagName === 'IFRAME' || el.tagName === 'OBJECT' || el.tagName === 'EMBED'
                || [...el.attributes].some(a => a.name.startsWith('on')
                   || /^\\s*javascript:/i.test(a.value) && ['href', 'src', 'action', 'formaction'].includes(a.name))
            ).length""")
            page.wait_for_timeout(200)  # an onerror of a broken image fires after load
            if count:
                live[page_path.name] = count
            page.close()
        browser.close()
    assert not dialogs, dialogs
    assert not live, live


def test_no_csv_cell_is_a_formula(hostile):
    files = sorted({*(p for folder in hostile.values() for p in folder.rglob("*.csv")),
                    *(hostile["validation"].parent / "coding").rglob("*.csv")})
    names = {p.name for p in files}
    assert {"ranked_articles.csv", "skipped.csv"} <= names, names
    checked = 0
    for path in files:
        if path.parent.name == "coding":
            continue  # the sheet the test itself filled in as a coder would
        with open(path, encoding="utf-8", newline="") as fh:
            for row in csv.reader(fh):
                for cell in row:
                    try:
                        float(cell)
                        continue  # a number ("-0.5") is a number, not a formula
                    except ValueError:
                        pass
                    assert not cell.startswith(("=", "+", "-", "@")), f"{path.name}: {cell!r}"
                    checked += 1
    assert checked


def test_the_coding_sheet_as_exported_is_inert(tmp_path):
    from presslens.document.spans import Document
    from presslens.evaluate.coding import export_coding, read_coding_sheet

    docs = [Document("=1+1", "=SUM(A1) said the minister. @Officials said talks resume.")]
    export_coding(docs, 1, 0, tmp_path / "coding")
    with open(tmp_path / "coding" / "coding_sheet.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[1][0] == "'=1+1" and rows[1][4].startswith("'=SUM(A1)")
    sheet = read_coding_sheet(tmp_path / "coding" / "coding_sheet.csv")
    assert sheet["doc_id"].tolist() == ["=1+1", "=1+1"] and sheet["sentence"].iloc[0].startswith("=SUM(A1)")
