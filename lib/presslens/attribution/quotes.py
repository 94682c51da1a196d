"""Quotations: signed quotations ('"..." - Jane Doe') and quotations continued over paragraphs.
"""

from __future__ import annotations

import bisect

from presslens.attribution.sequences import Seq, Span, _Rel
from presslens.document.spans import Document

_DASHES = {"\u2015", "\u2014", "\u2013", "--"}


def _quote_side(seq: Seq, text: str, k: int) -> str | None:
    """"open", "close" or None (not a double quotation mark) for token ``k``.

    Decided by what the mark touches, as a reader does, and only then by
    its glyph: typists and taggers get "\u201d" and "``" wrong, but a mark
    glued to the word after it opens and one glued to the word before closes.
    """
    if seq.words[k] != '"':
        return None
    glued_before = k > 0 and seq.ends[k - 1] == seq.starts[k]
    glued_after = k + 1 < len(seq.words) and seq.starts[k + 1] == seq.ends[k]
    if glued_after != glued_before:
        return "open" if glued_after else "close"
    glyph = text[seq.starts[k]]
    if glyph in "\u201c\u201d":
        return "open" if glyph == "\u201c" else "close"
    return "open" if seq.tags[k] == "``" else "close"


def _dash_attributions(seq: Seq, text: str) -> list[tuple[Span, Span, Span]]:
    """Quotations signed with a dash and a name on their own line, the form
    of epigraphs and collected readers' voices: '"... a disgrace." ― Jane Doe'.

    The dash is the cue, the name the source, the quotation the content
    (token ranges). Only where the name ends its line, so a dash inside a
    sentence ('"a disgrace" -- Doe's word') is not taken for a signature.
    """
    out = []
    n = len(seq.words)
    for i in range(1, n - 1):
        if seq.words[i] not in _DASHES or _quote_side(seq, text, i - 1) != "close":
            continue
        j = i + 1
        while j < n and j - i <= 6 and seq.tags[j] in ("NNP", "NNPS"):
            j += 1
        if j == i + 1 or j - i > 6:
            continue
        end = j + 1 if j < n and seq.words[j] == "." else j
        if end < n and "\n" not in text[seq.ends[end - 1]:seq.starts[end]]:
            continue
        k = _opening_quote(seq, text, i - 1)
        if k is not None:
            out.append(((i, i + 1), (i + 1, j), (k, i)))
    return out


def _opening_quote(seq: Seq, text: str, close: int) -> int | None:
    """The mark opening the quotation closed at token ``close``, past any
    quotation quoted inside it; None if a dash (an earlier signature) or
    the paragraph's start comes first."""
    depth = 0
    for k in range(close - 1, -1, -1):
        if seq.words[k] in _DASHES:
            return None
        side = _quote_side(seq, text, k)
        if side == "close":
            depth += 1
        elif side == "open":
            if depth == 0:
                return k
            depth -= 1
    return None


_OPEN_QUOTES = {'"', "``", "'"}


def _open_quote_at_end(par: str) -> bool:
    """True when a paragraph leaves a quotation open (news style: it goes on in the next paragraph)."""
    if "\u201c" in par or "\u201d" in par:
        return par.rfind("\u201c") > par.rfind("\u201d")
    return par.count('"') % 2 == 1


def _continue_quotes(doc: Document, rels: list[_Rel]) -> list[_Rel]:
    """Join a quotation continued over paragraphs to the attribution that introduces or signs it.

    News leaves a quotation open at a paragraph's end and reopens it in the
    next; the speaker is named in the first paragraph or the last. An uncued
    content opening such a paragraph goes into the content of the relation
    in the paragraph before it, when that paragraph leaves its quotation open;
    an uncued content left open goes into the content of the relation whose
    quotation opens the next paragraph.
    """
    text = doc.text
    paras = doc.layer("paragraph")[["start", "end"]].to_numpy().tolist()
    if len(paras) < 2:
        return rels

    starts = [p[0] for p in paras]

    def para_of(pos: int) -> int:
        return max(0, bisect.bisect_right(starts, pos) - 1)

    def opens(k: int, pos: int) -> bool:  # the quotation opens paragraph k at pos
        return text[paras[k][0]:pos].strip() == "" and text[pos:pos + 1] in ('"', "\u201c")

    merged = True
    while merged:
        merged = False
        for o in rels:
            if o.cue is not None or o.source is not None or o.content is None:
                continue
            k = para_of(o.content[0])
            if not opens(k, o.content[0]):
                continue
            if k > 0 and _open_quote_at_end(text[paras[k - 1][0]:paras[k - 1][1]]):
                host = [r for r in rels if r is not o and r.cue and r.content and para_of(r.content[1] - 1) == k - 1]
                if host:
                    r = max(host, key=lambda r: r.content[1])
                    r.content = (r.content[0], max(r.content[1], o.content[1]))
                    rels.remove(o)
                    merged = True
                    break
            if k + 1 < len(paras) and _open_quote_at_end(text[paras[k][0]:paras[k][1]]):
                host = [r for r in rels if r is not o and r.content and para_of(r.content[0]) == k + 1
                        and opens(k + 1, r.content[0]) and (r.cue or r.source)]
                if host:
                    r = min(host, key=lambda r: r.content[0])
                    r.content = (min(r.content[0], o.content[0]), r.content[1])
                    rels.remove(o)
                    merged = True
                    break
    return rels
