"""HTML for the story comparison: the articles side by side, who speaks where, claims and divergences.

Every string from an input (article text, outlet, title, source, party
label) is escaped here with :func:`presslens.report.display.escape`.

>>> sentence_html("Officials said <b>talks</b> may resume.", 0, [(0, 9, "source", "source"), (28, 31, "hedge", "hedge")])
'<span class="pl-src" title="source">Officials</span> said &lt;b&gt;talks&lt;/b&gt; <span class="pl-hedge" title="hedge">may</span> resume.'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from presslens.report.display import escape, excerpt
from presslens.story.measures import ARTICLE_FIGURES, PARTY_FIGURES, notable

STORY_CSS = """
<style>
.pl-story{font-family:system-ui,-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;font-size:.93em}
.pl-scroll{overflow-x:auto;max-width:100%}
table.pl-rows{border-collapse:collapse;margin:.4em 0 1em 0}
table.pl-rows td:first-child{min-width:10em}
table.pl-rows th,table.pl-rows td{border-bottom:1px solid #dde;padding:.3em .6em;text-align:right;vertical-align:top}
table.pl-rows th:first-child,table.pl-rows td:first-child{text-align:left}
table.pl-rows td.pl-text{text-align:left}
table.pl-rows thead th{background:#eef0f7;font-weight:600;vertical-align:bottom}
td.pl-hi{background:#ffe9a8;font-weight:600}
td.pl-lo{background:#d6e8ff;font-weight:600}
.pl-claim{border:1px solid #ccd;border-radius:6px;padding:.5em .9em;margin:.7em 0;background:#fbfbfe}
.pl-claim h4{margin:.1em 0 .4em 0;font-size:1em}
.pl-claim ul{margin:.2em 0;padding-left:1.1em} .pl-claim li{margin:.35em 0;line-height:1.5}
.pl-outlet{font-weight:600} .pl-meta{color:#556;font-size:.9em}
.pl-badge{display:inline-block;border-radius:3px;padding:0 .35em;font-size:.85em;margin-left:.3em}
.pl-flat{background:#c9ecc9} .pl-named{background:#dfe6f5} .pl-anonymous{background:#ffc9c9} .pl-hedged{background:#ffd59e}
.pl-src{background:#9ecbff;border-radius:2px} .pl-cue{background:#ffb3b3;border-radius:2px}
.pl-hedge{background:#ffd59e;border-radius:2px}
.pl-agent{border-bottom:2px solid #1f5fa8} .pl-patient{border-bottom:2px dashed #b3261e}
.pl-div{border-left:4px solid #b3261e;padding-left:.8em;margin:1em 0}
.pl-side{display:grid;grid-template-columns:1fr 1fr;gap:1em}
</style>
"""

STANCE_LABELS = {"flat": "stated flatly", "named": "attributed to a named source",
                 "anonymous": "attributed to an anonymous source", "hedged": "hedged"}
_PRIORITY = {"source": 0, "cue": 1, "hedge": 2, "agent": 3, "patient": 4}
_CLASSES = {"source": "pl-src", "cue": "pl-cue", "hedge": "pl-hedge", "agent": "pl-agent", "patient": "pl-patient"}


def sentence_html(text: str, offset: int, spans: Sequence[tuple[int, int, str, str]]) -> str:
    """``text`` (which starts at ``offset`` in its article) with ``spans`` ``(start, end, kind, tooltip)`` marked.

    Kinds: source, cue, hedge, agent, patient; where spans overlap, the first in that order marks the piece.
    """
    local = [(max(s - offset, 0), min(e - offset, len(text)), k, t) for s, e, k, t in spans
             if k in _CLASSES and e - offset > 0 and s - offset < len(text)]
    cuts = sorted({0, len(text), *(s for s, _, _, _ in local), *(e for _, e, _, _ in local)})
    out = []
    for a, b in zip(cuts, cuts[1:]):
        piece = escape(text[a:b])
        active = [sp for sp in local if sp[0] <= a and b <= sp[1]]
        if not active:
            out.append(piece)
            continue
        top = min(active, key=lambda sp: _PRIORITY[sp[2]])
        tip = "; ".join(sorted({sp[3] for sp in active}))
        out.append(f'<span class="{_CLASSES[top[2]]}" title="{escape(tip)}">{piece}</span>')
    return "".join(out)


def member_html(unit: Mapping[str, Any], doc_text: str, outlet: str, party_label: Mapping[str, str]) -> str:
    """One claim member: outlet, the sentence with source, cue, hedges and party roles marked, its voice and stance."""
    s, e = int(unit["start"]), int(unit["end"])
    spans: list[tuple[int, int, str, str]] = []
    if unit.get("source_span"):
        spans.append((*unit["source_span"], "source", f"source: {unit.get('source_label') or ''}"))
    if unit.get("cue_span"):
        spans.append((*unit["cue_span"], "cue", "reporting cue"))
    spans += [(hs, he, "hedge", f"hedge: {cat}") for hs, he, cat in unit.get("hedges") or []]
    spans += [(ms, me, role, f"{party_label.get(p, p)}: {role}") for ms, me, p, role in unit.get("roles") or []]
    stance = str(unit.get("stance"))
    voice = (f"attributed to <b>{escape(str(unit.get('source_label') or 'no named source'))}</b>"
             f" ({escape(str(unit.get('source_type') or 'untyped').replace('_', ' '))})"
             if unit.get("attributed") else "in the reporter's own voice")
    hedges = "; ".join(escape(f"{doc_text[hs:he]} ({cat.replace('_', ' ')})") for hs, he, cat in unit.get("hedges") or [])
    roles = ", ".join(escape(f"{party_label.get(p, p)} {'acts' if r == 'agent' else 'acted upon'}")
                      for _, _, p, r in unit.get("roles") or [])
    meta = [voice, f"hedged: {hedges}" if hedges else "not hedged"] + ([roles] if roles else [])
    return (f'<li><span class="pl-outlet">{escape(outlet)}</span>'
            f'<span class="pl-badge pl-{escape(stance)}">{escape(STANCE_LABELS.get(stance, stance))}</span><br>'
            f'{sentence_html(doc_text[s:e], s, spans)}<br><span class="pl-meta">{"; ".join(meta)}</span></li>')


def claim_html(claim: Mapping[str, Any], units: Sequence[Mapping[str, Any]], texts: Mapping[str, str],
               outlets: Mapping[str, str], party_label: Mapping[str, str]) -> str:
    """A claim card: its text and every member."""
    members = "".join(member_html(units[i], texts[units[i]["doc_id"]], outlets.get(units[i]["doc_id"], units[i]["doc_id"]),
                                  party_label) for i in claim["members"])
    n = len(claim["members"])
    return (f'<div class="pl-claim" id="{escape(claim["id"])}"><h4>{escape(claim["id"])} · {n} outlet{"s" * (n != 1)}: '
            f'{escape(excerpt(claim["text"], 200))}</h4><ul>{members}</ul></div>')


def divergence_html(div: Mapping[str, Any], units: Sequence[Mapping[str, Any]], texts: Mapping[str, str],
                    outlets: Mapping[str, str], party_label: Mapping[str, str]) -> str:
    """One divergence: what differs, and the sentences on each side with the evidence marked."""
    def side(idx: Sequence[int]) -> str:
        return "<ul>" + "".join(member_html(units[i], texts[units[i]["doc_id"]], outlets.get(units[i]["doc_id"], ""),
                                            party_label) for i in idx) + "</ul>"

    left, right = (("acts (agent)", "is acted upon (patient)") if div["kind"] == "roles"
                   else ("stated flatly", "attributed anonymously or hedged"))
    return (f'<div class="pl-div"><b>{escape(div["claim"])}</b>: {escape(div["detail"])}'
            f'<div class="pl-side"><div><i>{left}</i>{side(div["firm"])}</div>'
            f'<div><i>{right}</i>{side(div["weak"])}</div></div></div>')


def _fmt(col: str, v: Any) -> str:
    if not isinstance(v, (int, float)) or v != v:
        return "–"
    if col.endswith("share"):
        return f"{v:.0%}"
    if col.endswith("tone"):
        return f"{v:+.2f}"
    return f"{v:.2f}" if isinstance(v, float) and not float(v).is_integer() else f"{int(v)}"


def articles_table_html(rows: Sequence[Mapping[str, Any]], party_label: Mapping[str, str]) -> str:
    """One row per article; the highest (yellow) and lowest (blue) of each column that spreads are marked."""
    parties = [p for p in party_label if any((r.get(f"{p}.mentions") or 0) > 0 for r in rows)]
    cols = list(ARTICLE_FIGURES) + [f"{p}.{m}" for p in parties for m in PARTY_FIGURES]
    marked = notable(rows, [c for c in cols if c != "words"])
    head = "".join(f"<th>{escape(lab)}</th>" for lab in ARTICLE_FIGURES.values())
    head += "".join(f"<th>{escape(party_label[p])}<br>{escape(lab)}</th>" for p in parties for lab in PARTY_FIGURES.values())
    body = []
    for i, r in enumerate(rows):
        cells = []
        for c in cols:
            vals = [x.get(c) for x in rows if isinstance(x.get(c), (int, float)) and x.get(c) == x.get(c)]
            cls = ""
            if (i, c) in marked:
                cls = ' class="pl-hi"' if r.get(c) == max(vals) else ' class="pl-lo"'
            cells.append(f"<td{cls}>{_fmt(c, r.get(c))}</td>")
        title = f'<br><span class="pl-meta">{escape(excerpt(str(r.get("title") or ""), 80))}</span>' if r.get("title") else ""
        body.append(f'<tr><td class="pl-text"><b>{escape(str(r["outlet"]))}</b>{title}</td>'
                    f'<td class="pl-text" style="white-space:nowrap">{escape(str(r.get("date") or ""))}</td>{"".join(cells)}</tr>')
    return (STORY_CSS + '<div class="pl-story pl-scroll"><table class="pl-rows"><thead><tr><th>outlet</th><th>date</th>'
            f'{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>')


def who_speaks_html(sources: Sequence[Mapping[str, Any]], outlets: Mapping[str, str], limit: int = 40) -> str:
    """Which outlet quotes whom: one row per normalised source, attributions per article."""
    ids = list(outlets)
    head = "".join(f"<th>{escape(outlets[d])}</th>" for d in ids)
    rows = []
    for s in list(sources)[:limit]:
        cells = "".join(f"<td>{int(s['articles'].get(d, 0)) or ''}</td>" for d in ids)
        rows.append(f'<tr><td class="pl-text">{escape(str(s["label"]))}</td>'
                    f'<td class="pl-text">{escape(str(s["kind"]).replace("_", " "))}</td>{cells}</tr>')
    more = (f'<p class="pl-meta">{len(sources) - limit} more sources, each in one article: see metrics.json.</p>'
            if len(sources) > limit else "")
    return (STORY_CSS + '<div class="pl-story"><table class="pl-rows"><thead><tr><th>source</th><th>type</th>'
            f'{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>{more}</div>')


def legend_html() -> str:
    """What the marks in the claim cards mean."""
    return (STORY_CSS + '<div class="pl-story pl-meta">'
            '<span class="pl-src">source</span> <span class="pl-cue">reporting cue</span> '
            '<span class="pl-hedge">hedge</span> <span class="pl-agent">party acts</span> '
            '<span class="pl-patient">party acted upon</span> · stance: '
            + " ".join(f'<span class="pl-badge pl-{k}">{escape(v)}</span>' for k, v in STANCE_LABELS.items())
            + "</div>")
