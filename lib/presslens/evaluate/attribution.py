"""Score the ``attribution`` layer against BRAT standoff annotation (PolNeAR layout).

A folder holds ``text/NAME.txt`` and ``attributions/NAME.ann`` (the layout of
PolNeAR, Newell, Margolin & Ruths 2018, "An Attribution Relations Corpus for
Political News", LREC). Text-bound lines of type ``Cue``, ``Source`` and
``Content`` are gold spans; a discontinuous span (``T1 Source 10 20;25 30``)
is scored as its envelope ``[10, 30)``, since the gap is usually the cue or
source interrupting a quotation ("..., he said, ...").

Each of cue, source and content is scored as a set of spans per article, both
exact and overlap match (shared characters at least half of each span, see
:func:`presslens.evaluate.overlaps`). ``content_share`` compares, per article,
the share of body characters inside attributed content, tool against gold.

>>> text = "Officials said the talks failed."
>>> ann = "T1\\tSource 0 9\\tOfficials\\nT2\\tCue 10 14\\tsaid\\nT3\\tContent 15 31;31 31\\tthe talks failed"
>>> sorted(read_brat_string(ann, text)["cue"])
[(10, 14)]
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from presslens.attribution.annotate import annotate_attributions_text
from presslens.attribution.registry import DEFAULT_MODEL, load_model
from presslens.evaluate import match_spans

if TYPE_CHECKING:
    from presslens.attribution.sequences import Seq

Span = tuple[int, int]
ROLES = ("cue", "source", "content")
_TYPES = {"Cue": "cue", "Source": "source", "Content": "content"}
_TLINE = re.compile(r"^T\d+\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t?")


def read_brat_string(ann: str, text: str) -> dict[str, set[Span]]:
    """Gold spans by role from the contents of one ``.ann`` file.

    Lines that are not text-bound annotations (events, notes, the stray text
    lines some PolNeAR files have where a covered string held a newline) are
    skipped. Spans are trimmed of outer whitespace, as presslens spans are.
    """
    out: dict[str, set[Span]] = {r: set() for r in ROLES}
    for line in ann.splitlines():
        m = _TLINE.match(line)
        if not m or m.group(1) not in _TYPES:
            continue
        frags = [tuple(map(int, f.split())) for f in m.group(2).split(";")]
        start, end = min(s for s, _ in frags), max(e for _, e in frags)
        start, end = _trim(text, start, min(end, len(text)))
        if start < end:
            out[_TYPES[m.group(1)]].add((start, end))
    return out


def read_brat(ann_path: str | Path, text: str) -> dict[str, set[Span]]:
    """Gold spans ``{"cue": {(s, e), ...}, "source": ..., "content": ...}`` of one file."""
    from presslens.document.inputs import read_text_file

    return read_brat_string(read_text_file(ann_path, what="BRAT .ann file"), text)


def _trim(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def brat_pairs(folder: str | Path) -> list[tuple[Path, Path]]:
    """``(text, ann)`` path pairs of a BRAT folder, sorted.

    ``NAME.txt`` pairs with ``NAME.ann`` and, as in PolNeAR where the file
    name carries the annotator's id, with every ``NAME_XXXX.ann``; a text
    annotated twice is scored once against each annotation.
    """
    folder = Path(folder)
    text_dir = folder / "text" if (folder / "text").is_dir() else folder
    ann_dir = folder / "attributions" if (folder / "attributions").is_dir() else folder
    by_stem: dict[str, list[Path]] = {}
    for ann in sorted(ann_dir.glob("*.ann")):
        by_stem.setdefault(ann.stem, []).append(ann)
        m = re.fullmatch(r"(.+)_[0-9a-f]{4}", ann.stem)
        if m:
            by_stem.setdefault(m.group(1), []).append(ann)
    pairs = []
    for txt in sorted(text_dir.glob("*.txt")):
        for ann in by_stem.get(txt.stem, []):
            pairs.append((txt, ann))
    return pairs


def gold_paragraphs(folder: str | Path) -> Iterator[tuple[Path, "Seq", dict[str, list[Span]]]]:
    """``(text path, paragraph, gold spans touching it by role)`` for every
    paragraph of a BRAT folder, once per annotation: what the attribution
    taggers' training scripts turn into labels (``scripts/train_attribution*.py``).

    Each text is segmented once however many annotations it has.
    """
    from presslens.attribution.sequences import doc_sequences
    from presslens.document.spans import Document
    from presslens.syntax.segment import segment

    cache: dict[Path, list] = {}
    for txt, ann in brat_pairs(folder):
        text = txt.read_text(encoding="utf-8")
        gold = read_brat(ann, text)
        if txt not in cache:
            cache[txt] = doc_sequences(segment(Document(txt.stem, text)))
        for seq in cache[txt]:
            lo, hi = seq.starts[0], seq.ends[-1]
            yield txt, seq, {r: [sp for sp in gold[r] if sp[0] < hi and sp[1] > lo] for r in gold}


def content_share(text: str, spans: Iterable[Span]) -> float:
    """Share of the text's non-space characters covered by the union of spans."""
    covered = bytearray(len(text))
    for s, e in spans:
        covered[s:e] = b"\x01" * (e - s)
    total = inside = 0
    for ch, flag in zip(text, covered):
        if not ch.isspace():
            total += 1
            inside += flag
    return inside / total if total else 0.0


def predict_spans(text: str, doc_id: str = "doc", nested: bool = False,
                  attribution_model: str = DEFAULT_MODEL) -> dict[str, set[Span]]:
    """Predicted cue/source/content spans of a raw text (presslens annotation).

    PolNeAR is univocal: a token belongs to at most one attribution, so an
    attribution reported inside another's content is never annotated there
    (the outer content covers it). Attributions the tool marks ``nested``
    are therefore left out unless ``nested`` is true; scoring them would
    count, as false alarms, relations the gold scheme cannot contain.
    """
    doc = annotate_attributions_text(text, doc_id, model=load_model(attribution_model))
    out: dict[str, set[Span]] = {r: set() for r in ROLES}
    for rec in doc.layer("attribution").to_dict("records"):
        if rec.get("nested") and not nested:
            continue
        for role in ROLES:
            span = rec.get(role)
            if isinstance(span, dict):
                out[role].add((int(span["start"]), int(span["end"])))
    return out


def score(pairs: list[tuple[dict[str, set[Span]], dict[str, set[Span]], str]]) -> dict:
    """Micro-averaged scores over ``(pred, gold, text)`` triples of articles."""
    result: dict = {}
    for role in ROLES:
        result[role] = {}
        for mode in ("exact", "overlap"):
            tot = {"tp_p": 0, "tp_g": 0, "n_pred": 0, "n_gold": 0}
            for pred, gold, _ in pairs:
                p, g = sorted(pred[role]), sorted(gold[role])
                r = match_spans(p, g, mode)
                tot["n_pred"] += len(p)
                tot["n_gold"] += len(g)
                tot["tp_p"] += round(r["precision"] * len(p))
                tot["tp_g"] += round(r["recall"] * len(g))
            prec = tot["tp_p"] / tot["n_pred"] if tot["n_pred"] else 0.0
            rec = tot["tp_g"] / tot["n_gold"] if tot["n_gold"] else 0.0
            f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
            result[role][mode] = {"precision": prec, "recall": rec, "f1": f1,
                                  "n_gold": tot["n_gold"], "n_pred": tot["n_pred"]}
    tool = [content_share(t, p["content"]) for p, _, t in pairs]
    gold = [content_share(t, g["content"]) for _, g, t in pairs]
    r = _pearson(tool, gold)
    result["content_share"] = {
        # None, not NaN, where undefined (one article, or no variation): the
        # result is printed as JSON, which has no NaN.
        "pearson_r": None if math.isnan(r) else r,
        "mae": sum(abs(a - b) for a, b in zip(tool, gold)) / len(tool) if tool else 0.0,
        "mean_tool": sum(tool) / len(tool) if tool else 0.0,
        "mean_gold": sum(gold) / len(gold) if gold else 0.0,
        "n_docs": len(tool),
    }
    return result


def _pearson(a: list[float], b: list[float]) -> float:
    n = len(a)
    if n < 2:
        return float("nan")
    ma, mb = sum(a) / n, sum(b) / n
    cov = sum((x - ma) * (y - mb) for x, y in zip(a, b))
    va = sum((x - ma) ** 2 for x in a)
    vb = sum((y - mb) ** 2 for y in b)
    return cov / math.sqrt(va * vb) if va and vb else float("nan")


def run(paths: list[str], attribution_model: str = DEFAULT_MODEL) -> dict:
    """Annotate every article of the BRAT folders in ``paths`` and score it.

    Returns ``{"cue": {"exact": {...}, "overlap": {...}}, "source": ...,
    "content": ..., "content_share": {"pearson_r", "mae", "n_docs"}}``.
    """
    triples = []
    from presslens.document.inputs import read_text_file
    from presslens.errors import InputError

    for folder in paths:
        if not Path(folder).is_dir():
            raise InputError(folder, "is not a folder (a BRAT folder holds text/*.txt and attributions/*.ann)")
        pairs = brat_pairs(folder)
        if not pairs:
            raise InputError(folder, "no text/*.txt with attributions/*.ann found")
        cache: dict[Path, dict[str, set[Span]]] = {}
        for txt, ann in pairs:
            text = read_text_file(txt, what="text file")
            gold = read_brat(ann, text)
            if txt not in cache:
                cache[txt] = predict_spans(text, txt.stem, attribution_model=attribution_model)
            triples.append((cache[txt], gold, text))
    result = score(triples)
    if not any(result[role]["exact"]["n_gold"] for role in ROLES):
        raise InputError(", ".join(map(str, paths)), "no gold cue, source or content span to score "
                                                     "(are the .ann files PolNeAR attributions?)")
    return result


def format_report(result: dict) -> str:
    """A plain-text table of :func:`run`'s result."""
    lines = [f"{'span':<8} {'match':<8} {'P':>6} {'R':>6} {'F1':>6} {'gold':>6} {'pred':>6}"]
    for role in ROLES:
        for mode in ("exact", "overlap"):
            r = result[role][mode]
            lines.append(f"{role:<8} {mode:<8} {r['precision']:6.3f} {r['recall']:6.3f} {r['f1']:6.3f} "
                         f"{r['n_gold']:6d} {r['n_pred']:6d}")
    cs = result["content_share"]
    r = "n/a" if cs["pearson_r"] is None else f"{cs['pearson_r']:.3f}"
    lines.append(f"content share per article: pearson r {r}, MAE {cs['mae']:.3f} "
                 f"(tool mean {cs['mean_tool']:.3f}, gold mean {cs['mean_gold']:.3f}, {cs['n_docs']} articles)")
    return "\n".join(lines)


def annotator_agreement(paths: list[str]) -> dict:
    """Agreement between human annotators, in :func:`score`'s shape.

    For every text annotated more than once (PolNeAR has 18 such texts in
    train and dev, five or six annotators each), each pair of annotations is
    scored, one as prediction and one as gold; F1 is symmetric, so this is
    the pairwise agreement a tool's scores can be read against.
    """
    triples = []
    for folder in paths:
        by_text: dict[Path, list[Path]] = {}
        for txt, ann in brat_pairs(folder):
            by_text.setdefault(txt, []).append(ann)
        for txt, anns in by_text.items():
            if len(anns) < 2:
                continue
            text = txt.read_text(encoding="utf-8")
            spans = [read_brat(a, text) for a in anns]
            for i in range(len(spans)):
                for j in range(i + 1, len(spans)):
                    triples.append((spans[i], spans[j], text))
    return score(triples)


# --- full standoff reading (export/import of human coding) ---------------------------

_ANN_ID = re.compile(r"^([TEARMN#*])(\d*)\t")


def read_standoff(ann: str) -> dict:
    r"""Every annotation of one ``.ann`` text, not only attribution spans.

    Returns ``{"entities": {id: {"type", "fragments": [(s, e), ...], "text"}},
    "events": {id: {"type", "trigger", "args": {role: id}}},
    "relations": {id: {"type", "args": {...}}}, "attributes": {id: {"name",
    "target", "value"}}, "notes": [...]}``. Discontinuous spans keep their
    fragments (``T2\tSource 3 8;12 20\t...``); lines PolNeAR leaves behind
    when a covered string held a newline are skipped.

    >>> ann = "T1\tSource 0 3;5 9\tThe men\nT2\tCue 10 14\tsaid\nE1\tAttribution:T2 Source:T1\nA1\tSourceType T1 anonymous"
    >>> s = read_standoff(ann)
    >>> s["entities"]["T1"]["fragments"], s["events"]["E1"]["args"], s["attributes"]["A1"]["value"]
    ([(0, 3), (5, 9)], {'Source': 'T1'}, 'anonymous')
    """
    out: dict = {"entities": {}, "events": {}, "relations": {}, "attributes": {}, "notes": []}
    for line in ann.splitlines():
        m = _ANN_ID.match(line)
        if not m:
            continue
        ident, _, rest = line.partition("\t")
        kind = m.group(1)
        if kind == "T":
            t = _TLINE.match(line)
            if not t:
                continue
            frags = [tuple(map(int, f.split())) for f in t.group(2).split(";")]
            covered = line.split("\t", 2)[2] if line.count("\t") >= 2 else ""
            out["entities"][ident] = {"type": t.group(1), "fragments": frags, "text": covered}
        elif kind == "E":
            parts = rest.split()
            if not parts or ":" not in parts[0]:
                continue
            etype, trigger = parts[0].split(":", 1)
            args = dict(p.split(":", 1) for p in parts[1:] if ":" in p)
            out["events"][ident] = {"type": etype, "trigger": trigger, "args": args}
        elif kind == "R":
            parts = rest.split()
            if parts:
                out["relations"][ident] = {"type": parts[0],
                                           "args": dict(p.split(":", 1) for p in parts[1:] if ":" in p)}
        elif kind in "AM":
            parts = rest.split()
            if len(parts) >= 2:
                out["attributes"][ident] = {"name": parts[0], "target": parts[1],
                                            "value": parts[2] if len(parts) > 2 else True}
        else:
            out["notes"].append(rest)
    return out


def annotator_id(ann_path: str | Path) -> str:
    """The annotator of a PolNeAR file (``NAME_ef2d.ann`` -> ``ef2d``), else ``"coder"``."""
    m = re.fullmatch(r".+_([0-9a-f]{4})", Path(ann_path).stem)
    return m.group(1) if m else "coder"


def annotations_by_text(folder: str | Path) -> dict[Path, dict[str, Path]]:
    """Each text of a BRAT folder with its annotation files keyed by annotator id.

    A text annotated by several people (PolNeAR's multi-annotator files)
    has several entries; annotator ids are made unique per text.
    """
    out: dict[Path, dict[str, Path]] = {}
    for txt, ann in brat_pairs(folder):
        coders = out.setdefault(txt, {})
        name = annotator_id(ann)
        key, k = name, 2
        while key in coders:
            key, k = f"{name}-{k}", k + 1
        coders[key] = ann
    return out
