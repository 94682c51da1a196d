"""The index page of a report set: each report's headline figures side by side, linking to it, and the provenance.

Each notebook records the figures it wants on the index (``headline``: a list
of ``[label, value]``) with :func:`presslens.report.kernel.record_metrics`; the
index shows what was recorded and knows no metric names.
"""

from __future__ import annotations


from collections.abc import Mapping, Sequence
from typing import Any

from presslens.report.runner import Job, Outcome, run_notebooks, to_html, warm_up  # noqa: F401 - to_html is part of the API
from presslens.report.provenance import provenance_html
from presslens.report.runner import Outcome as NotebookResult

_INDEX_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;max-width:72em;margin:1.5em auto;padding:0 1.2em;color:#222;line-height:1.45}
header .kicker{color:#667;font-size:.9em;margin:0}
h1{font-size:1.6em;margin:.2em 0 .3em 0} h2{font-size:1.2em;margin:1.4em 0 .5em 0}
.overview{display:grid;grid-template-columns:repeat(auto-fit,minmax(17em,1fr));gap:1em}
section.report{border:1px solid #ccd;border-radius:8px;padding:.4em 1.1em 1em 1.1em;background:#f7f8fc}
section.report h2{margin:.5em 0 .6em 0;font-size:1.15em}
section.report ul{list-style:none;padding:0;margin:0}
section.report li{margin:.4em 0;font-size:.95em;display:flex;gap:.7em;align-items:baseline}
section.report li b{flex:0 0 auto;min-width:3.4em;font-size:1.25em;color:#223}
a{color:#1f5fa8} .more{display:inline-block;margin-top:.6em;font-size:.9em}
table.parties{border-collapse:collapse;font-size:.92em;margin:.3em 0}
table.parties th,table.parties td{border-bottom:1px solid #dde;padding:.35em .8em;text-align:right}
table.parties th:first-child,table.parties td:first-child{text-align:left}
table.parties thead th{background:#eef0f7;font-weight:600;vertical-align:bottom}
.note{color:#667;font-size:.85em;max-width:60em}
.notice{border-left:4px solid #d9a400;background:#fff8e0;padding:.6em 1em;border-radius:4px;max-width:60em}
footer{margin-top:2em;border-top:1px solid #dde;padding-top:.6em;color:#556;font-size:.85em}
footer table{border-collapse:collapse} footer td{padding:.1em .8em .1em 0;vertical-align:top}
footer code{font-size:.95em}
"""


def index_html(results: Sequence[NotebookResult], metrics: Mapping[str, Any], headline: str,
               titles: Mapping[str, str] | None = None, when: str = "", parties: Any = None) -> str:
    """The offline index page: the three measures side by side, each linking to its report, and the provenance.

    The figures, word count and per-party rows come from what the notebooks
    recorded (``metrics["notebooks"]``).
    """
    from html import escape

    titles = titles or {}
    figures = metrics["notebooks"]
    sections = []
    for r in results:
        figs = figures.get(r.name, {})
        items = [f"<li><b>{escape(value)}</b> {escape(label)}</li>" for label, value in _overview_items(r.name, figs)]
        title = titles.get(r.name) or figs.get("title") or r.name
        sections.append(
            f'<section class="report" id="{escape(r.name)}"><h2><a href="{escape(r.name)}.html">{escape(str(title))}</a></h2>'
            f'<ul>{"".join(items)}</ul><a class="more" href="{escape(r.name)}.html">the full report, with the evidence &rarr;</a></section>')
    # A notebook may record a line about the input itself ("405 words in 16 body sentences").
    facts = [str(figs["facts"]) for r in results if (figs := figures.get(r.name, {})).get("facts")]
    name = metrics["provenance"]["input"]["name"]
    party_table = _party_table(figures, parties)
    notice = _parties_notice(metrics["provenance"], name)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>presslens: {escape(name)}</title><style>{_INDEX_CSS}</style></head><body>
<header><p class="kicker">presslens report · <code>{escape(name)}</code>{' · ' + escape(facts[0]) if facts else ''}</p>
<h1>{escape(headline)}</h1></header>
{notice}
<h2>At a glance</h2>
<div class="overview">{''.join(sections)}</div>
{party_table}
<p class="note">Headline and page boilerplate are excluded from every figure. Each report shows the evidence behind its
figures (tables and the article with the counted passages highlighted) and how they were measured.
Every figure is also in <a href="metrics.json">metrics.json</a>.</p>
{provenance_html(metrics["provenance"], when)}
</body></html>
"""


def _parties_notice(prov: Mapping[str, Any], input_name: str) -> str:
    """Said first when presslens chose the parties itself: that it did, and how to give a file instead."""
    from html import escape

    par = prov.get("parties") or {}
    if not par.get("detected"):
        return ""
    return (f'<p class="notice"><b>Parties detected, not chosen.</b> No parties file was given, so presslens '
            f'found the parties itself and wrote them to <a href="{escape(str(par.get("name")))}">'
            f'<code>{escape(str(par.get("name")))}</code></a> in this folder. Check them, edit the file, and run '
            f'<code>presslens report {escape(input_name)} --parties {escape(str(par.get("name")))}</code> '
            "to give your own (how to write one: <code>docs/parties.md</code>).</p>")


def _overview_items(name: str, figs: Mapping[str, Any]) -> list[tuple[str, str]]:
    items: list[tuple[str, str]] = []
    head = figs.get("headline")
    if isinstance(head, Mapping):
        head = list(head.items())
    for label, value in head or []:
        if all(label != shown for shown, _ in items):
            items.append((str(label), str(value)))
    return items


def _party_table(figures: Mapping[str, Any], parties: Any) -> str:
    """One row per party mentioned: the three measures side by side."""
    from html import escape

    framing = figures.get("03_party_framing", {})
    sourcing = figures.get("01_sourcing_density", {})
    hedging = figures.get("02_hedged_claims", {}).get("hedged_share_party", {}) or {}
    ids = [p for p in (parties.ids if parties is not None else []) if (framing.get(f"{p}.mentions") or 0) > 0]
    if not ids:
        return ""

    def pct(v: Any) -> str:
        return f"{v:.0%}" if isinstance(v, (int, float)) and v == v else "–"

    def signed(v: Any) -> str:
        return f"{v:+.2f}" if isinstance(v, (int, float)) and v == v else "–"

    rows = []
    for p in sorted(ids, key=lambda p: -(framing.get(f"{p}.mentions") or 0)):
        hedged = hedging.get(p, {}) if isinstance(hedging, Mapping) else {}
        rows.append(
            f"<tr><td>{escape(parties.label(p))}</td><td>{int(framing.get(f'{p}.mentions') or 0)}</td>"
            f"<td>{pct(framing.get(f'{p}.agent_share'))}</td><td>{pct(framing.get(f'{p}.patient_share'))}</td>"
            f"<td>{signed(framing.get(f'{p}.mean_tone'))}</td>"
            f"<td>{pct(sourcing.get(f'voice_share_{p}', 0.0))}</td>"
            f"<td>{pct(hedged.get('share'))}{' of ' + str(int(hedged['n'])) if hedged.get('n') else ''}</td></tr>")
    return ("<h2>Each party across the three measures</h2>"
            '<table class="parties"><thead><tr><th>party</th><th>mentions</th><th>acts</th><th>acted upon</th>'
            "<th>mean tone<br>(−1…+1)</th><th>attributions it voices</th><th>claims naming it hedged</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def _nav_html(current: str, titles: Mapping[str, str], back: str = "all reports for this article") -> str:
    """Links from a report to the index and to its sibling reports."""
    from html import escape

    links = [f'<a href="index.html">&larr; {escape(back)}</a>']
    for name, title in titles.items():
        links.append(f"<b>{escape(title)}</b>" if name == current else f'<a href="{escape(name)}.html">{escape(title)}</a>')
    return '<nav class="pl-nav">' + " · ".join(links) + "</nav>"
