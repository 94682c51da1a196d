"""Linking: each cue to its source and content, by the tagger's spans and the word orders of news.

"according to X, ...", "..., said the minister", "..., he said, ..." and
passive constructions; a content interrupted by its cue and source is their
envelope (as PolNeAR's discontinuous contents are scored).
"""

from __future__ import annotations

from presslens.attribution.cues import _AUX, _BE, _NP_TAGS
from presslens.attribution.sequences import Seq, Span
from presslens.syntax.segment import is_word


def _gap(a: Span, b: Span) -> int:
    """Tokens between two token ranges (0 when they touch or overlap)."""
    return max(0, max(a[0], b[0]) - min(a[1], b[1]))


def _link(seq: Seq, cues: list[Span], sources: list[Span], contents: list[Span]) -> list[tuple[Span | None, Span | None, Span | None]]:
    """Pair each cue with its source and content (token ranges).

    A source goes to the nearest cue of its sentence; a content to the
    nearest cue, a sentence break costing as much as 30 tokens, so a quote
    continued in the next sentence still joins its cue. Several contents of
    one cue ("X," he said, "Y.") are joined into their envelope. A content
    with no cue in its paragraph is kept with cue None (an unintroduced
    continuation of a quotation).
    """
    def sent_of(sp: Span) -> int:
        return seq.sent[sp[0]]

    src_of: dict[int, list[Span]] = {i: [] for i in range(len(cues))}
    lone_sources: list[Span] = []
    for sp in sources:
        same = [i for i, c in enumerate(cues) if seq.sent[c[0]] == sent_of(sp) or seq.sent[c[1] - 1] == seq.sent[sp[1] - 1]]
        if same:
            best = min(same, key=lambda i: (_gap(cues[i], sp), i))
            src_of[best].append(sp)
        else:
            lone_sources.append(sp)
    con_of: dict[int, list[Span]] = {i: [] for i in range(len(cues))}
    orphans: list[Span] = []
    for sp in contents:
        if not cues:
            orphans.append(sp)
            continue

        def cost(i: int) -> tuple[int, int]:
            c = cues[i]
            if sp[0] <= c[0] and c[1] <= sp[1]:
                return (0, i)
            breaks = abs(seq.sent[c[0]] - sent_of(sp)) if sp[0] >= c[1] else abs(seq.sent[c[0]] - seq.sent[sp[1] - 1])
            return (_gap(c, sp) + 30 * breaks, i)

        best = min(range(len(cues)), key=cost)
        if cost(best)[0] > 120:
            orphans.append(sp)
        else:
            con_of[best].append(sp)
    out: list[tuple[Span | None, Span | None, Span | None]] = []
    for i, c in enumerate(cues):
        srcs = src_of[i]
        src = min(srcs, key=lambda sp: _gap(c, sp)) if srcs else None
        con = _join_contents(seq, c, src, con_of[i], orphans)
        out.append((c, src, con))
    # A content with no cue is kept (a quotation running on without a new
    # cue; on PolNeAR dev keeping them leaves content F1 unchanged and makes
    # the per-article content share track the gold one far better). A lone
    # source is dropped: most are false alarms.
    for sp in orphans:
        out.append((None, None, sp))
    return out


def _join_contents(seq: Seq, cue: Span, src: Span | None, cons: list[Span], rest: list[Span]) -> Span | None:
    """The content of one cue: the nearest content, joined with the others
    only where they form one quotation around the cue and source
    ("X," he said, "Y.") or continue it without a gap; the rest are kept
    apart (appended to ``rest``) as unintroduced content."""
    if not cons:
        return None
    # "It was reported last week that ...": an expletive "it" before a
    # passive cue is no content when the real one ("that ...") was found too.
    expletive = [sp for sp in cons if sp[1] - sp[0] == 1 and sp[1] == cue[0] and seq.words[sp[0]] == "it"
                 and seq.words[cue[0]] in _BE]
    if expletive and len(cons) > len(expletive):
        cons = [sp for sp in cons if sp not in expletive]
    cons = sorted(cons)
    # Nearest; on a tie the content after the cue (the usual order in news).
    primary = min(cons, key=lambda sp: (_gap(cue, sp), sp[0] < cue[0]))
    lo, hi = primary
    frame = [cue] + ([src] if src else [])
    f_lo, f_hi = min(p[0] for p in frame), max(p[1] for p in frame)
    def punct_only(a: int, b: int) -> bool:
        return b - a <= 2 and all(not is_word(seq.words[k]) for k in range(a, b))

    for sp in cons:
        if sp == primary:
            continue
        if sp[1] <= f_lo and hi >= f_hi and punct_only(sp[1], f_lo):
            lo = min(lo, sp[0])  # "X," he said, [primary]
        elif sp[0] >= f_hi and lo <= f_lo and punct_only(f_hi, sp[0]):
            hi = max(hi, sp[1])  # [primary], he said, "Y"
        elif sp[0] >= hi and sp[0] - hi <= 1:
            hi = sp[1]  # the quotation goes on
        elif sp[1] <= lo and lo - sp[1] <= 1:
            lo = sp[0]
        else:
            rest.append(sp)
    return lo, hi


def _shared_subject(seq: Seq, cue: Span, last_source: tuple[Span, int] | None) -> Span | None:
    """The source of a cue whose subject is another cue's: the subject of the clause it hangs on.

    - participle: "The ministry denied the reports, insisting in a statement
      that ...": who insists is the source of the attribution before it;
    - coordinated verb: "The authority confirmed the deal but declined to give
      details": who declines is who confirmed.

    None unless the cue starts with a present participle right after a comma,
    or a finite verb right after "and"/"but", and that source precedes it in
    the same sentence.
    """
    a = cue[0]
    if last_source is None or a == 0:
        return None
    participle = seq.tags[a] == "VBG" and seq.words[a - 1] == ","
    coordinated = seq.tags[a] in ("VBD", "VBZ", "VBP") and seq.words[a - 1] in ("and", "but")
    if not (participle or coordinated):
        return None
    src, sent = last_source
    return src if sent == seq.sent[a] and src[1] <= a else None


def _touch(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]




def _np_after(seq: Seq, i: int, limit: int = 8) -> int | None:
    """End of a short noun phrase starting at token ``i`` that closes at a
    comma or the sentence end ("said [the foreign minister]," / "."), else None."""
    n = len(seq.words)
    si = seq.sent[i] if i < n else -1
    k = i
    nouns = 0
    while k < n and seq.sent[k] == si and k - i < limit:
        t = seq.tags[k]
        if t in _NP_TAGS:
            nouns += t.startswith("NN") or t == "PRP"
        elif t in ("IN", "TO") and nouns and seq.words[k] in ("of", "for", "at", "in", "from", "to"):
            pass
        else:
            break
        k += 1
    if k == i or not nouns:
        return None
    if k >= n or seq.sent[k] != si or seq.words[k] in (",", ".", ";", "--", ")"):
        return k
    return None


def _np_before(seq: Seq, j: int, limit: int = 6) -> int | None:
    """Start of a short noun phrase ending just before token ``j`` and
    preceded by a comma or quotation mark (", [he] said", "" [the minister] said")."""
    si = seq.sent[j - 1] if j > 0 else -1
    k = j
    while k > 0 and seq.sent[k - 1] == si and j - k < limit and seq.tags[k - 1] in _NP_TAGS:
        k -= 1
    if k == j or not any(seq.tags[x].startswith("NN") or seq.tags[x] == "PRP" for x in range(k, j)):
        return None
    if k > 0 and seq.sent[k - 1] == si and seq.words[k - 1] in (",", '"'):
        return k
    return None


def _sentence_bounds(seq: Seq, i: int) -> Span:
    si = seq.sent[i]
    a = i
    while a > 0 and seq.sent[a - 1] == si:
        a -= 1
    b = i
    while b < len(seq.sent) and seq.sent[b] == si:
        b += 1
    return a, b


def _strip_end(seq: Seq, a: int, b: int) -> int:
    """Drop trailing commas and full stops from a content (keep closing quotes)."""
    while b > a and seq.words[b - 1] in (",", ".", ";", ":"):
        b -= 1
    return b


def _clause(seq: Seq, a: int, b: int) -> bool:
    """True when tokens ``[a, b)`` can be reported content: a quotation or a
    clause with a verb (not "In one tweet, he wrote")."""
    return any(seq.words[k] == '"' or seq.tags[k].startswith(("VB", "MD")) for k in range(a, b))


def _complete_content(seq: Seq, cue: Span, con: Span | None) -> Span | None:
    """Extend a content after its cue that holds no clause to the end of the sentence.

    "Sources revealed that during the talks, the ministry had issued a
    statement": a tagger trained on univocal PolNeAR may stop the content at
    the comma and start a new attribution there. A "that" fragment with no
    verb cannot be what was reported, so the content runs on to the end of
    the sentence, and the attribution inside it becomes nested.
    """
    if con is None or con[0] < cue[1] or seq.words[con[0]] != "that" or _clause(seq, con[0], con[1]):
        return con
    if con[1] >= len(seq.words) or seq.words[con[1]] != ",":
        return con
    _, b = _sentence_bounds(seq, con[0])
    end = _strip_end(seq, con[0], b)
    if end > con[1] and seq.sent[con[1] - 1] == seq.sent[con[0]] and _clause(seq, con[1], end):
        return con[0], end
    return con


def _constructions(seq: Seq, cue: Span, src: Span | None, con: Span | None,
                   fill: bool = False) -> tuple[Span | None, Span | None]:
    """Fix source and content for the constructions news uses most, where
    the word order alone decides them:

    - "according to [source], [content]" / "[content], according to [source]";
    - inverted "[content], said [the minister]";
    - parenthetical "[content], [he] said, [content continued]" and final
      "[content], [he] said." (the content is the envelope around the frame).

    With ``fill`` (cues found by the lexicon rule, which the tagger did not
    label around) a missing source is the noun phrase before the verb and a
    missing content the "that" clause after it.
    """
    a, b = cue
    s0, s1 = _sentence_bounds(seq, a)
    words = seq.words
    if words[a] == "according" and b - a >= 1:
        b2 = b if b - a >= 2 else (b + 1 if b < len(words) and words[b] == "to" else b)
        end = _np_after(seq, b2, limit=10)
        comma = next((k for k in range(b2 + 1, s1) if words[k] == ","), None)
        if a > s0 and words[a - 1] == ",":
            # "[content], according to [source][, an appositive]": what follows the
            # source describes it; the content is before.
            if end is not None:
                src = (b2, end)
            con = (s0, a - 1)
        elif a == s0 and comma is not None and _strip_end(seq, comma + 1, s1) > comma + 1:
            # "According to [source, however long], [content]"
            src, con = (b2, comma), (comma + 1, _strip_end(seq, comma + 1, s1))
        elif end is not None:
            src = (b2, end)
            if end < s1 and words[end] == "," and _strip_end(seq, end + 1, s1) > end + 1:
                con = (end + 1, _strip_end(seq, end + 1, s1))
        return src, con
    if not seq.tags[a].startswith("VB"):
        return src, con
    orig = con
    src, con = _word_order(seq, cue, src, con, s0, s1)
    passive = seq.tags[b - 1] == "VBN" and words[a] in _BE
    if passive and src and src[1] - src[0] == 1 and words[src[0]] == "it":
        return None, con  # "it was reported that ...": agentless, "it" is no source
    if passive and a > s0 and words[a - 1] == "it" and (con is None or con == (a - 1, a)):
        fill = True  # nor is it the content: that is the "that" clause after the verb
        con = None
    if orig and con and orig != con and _touch(orig, con):
        # The model saw the quotation start earlier or go on: keep the envelope.
        con = (min(con[0], orig[0]), max(con[1], orig[1]))
    # Still missing: subject before the verb, "that" clause after it.
    if src is None and not passive and fill:
        k = a
        while k > s0 and (words[k - 1] in _AUX or seq.tags[k - 1] in ("RB", "MD")):
            k -= 1
        j = k
        while j > s0 and seq.tags[j - 1] in _NP_TAGS and k - j < 6:
            j -= 1
        if j < k and any(seq.tags[x].startswith("NN") or seq.tags[x] == "PRP" for x in range(j, k)):
            src = (j, k)
    if con is None and fill:
        k = b
        while k < s1 and k - b < 4 and seq.tags[k] in _NP_TAGS:
            k += 1
        if k < s1 and words[k] in ("that", ":") and _strip_end(seq, k + 1, s1) > k + 1:
            con = (k if words[k] == "that" else k + 1, _strip_end(seq, k + 1, s1))
    return src, con


def _word_order(seq: Seq, cue: Span, src: Span | None, con: Span | None, s0: int, s1: int) -> tuple[Span | None, Span | None]:
    """Inverted, parenthetical and final frames (see :func:`_constructions`)."""
    a, b = cue
    words = seq.words
    _src, _con = src, con
    before_is_break = a > s0 and words[a - 1] in (",", '"')
    # Inverted: "..., said the minister" (source after the verb).
    if before_is_break and (src is None or src[1] <= a):
        end = _np_after(seq, b)
        if end is not None and _clause(seq, s0, a):
            src = (b, end)
            stop = a - 1 if words[a - 1] == "," else a
            if stop > s0 and words[stop - 1] == ",":
                stop -= 1
            con = (s0, stop) if stop > s0 else con
            return src, con
    # Parenthetical or final: "X, he said, Y." / "X, he said."
    start = _np_before(seq, a)
    if start is not None and start - 1 > s0:
        src = (start, a)
        left_end = start if words[start - 1] == '"' else start - 1
        if left_end > s0 and words[left_end - 1] == ",":
            left_end -= 1
        if b + 1 < s1 and words[b] == "," and _strip_end(seq, b + 1, s1) > b + 2 and seq.tags[b + 1] != "VBG" \
                and seq.tags[s0] not in ("IN", "RB", "CC", "WRB"):
            con = (s0, _strip_end(seq, b + 1, s1))
        elif (b >= s1 or words[b] in (".", "!", "?", '"', ",")) and _clause(seq, s0, left_end):
            con = (s0, left_end)
        else:
            return _src, _con  # "In 2015, Trump said ...": not a frame
    return src, con
