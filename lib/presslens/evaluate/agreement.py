"""Agreement between the tool and human coders, and the errors behind the figures.

Annotations of one document are compared in a common shape, a dict from layer
(``cue``, ``source``, ``content``, ``hedge``, ``mention``, ``tone``) to a list
of ``(start, end, label)`` spans with character offsets into the raw text; the
label carries what the confusion tables compare (source type, hedge category,
``party:role`` for mentions, ``party:tone`` for the tone of each mention). :func:`tool_spans` builds it from an annotated document,
:func:`gold_json_spans` from a presslens gold JSON file and
:func:`brat_spans` from PolNeAR-style BRAT standoff.

Sentence-level codings (one row per sentence, the coding sheet's variables)
come from :func:`sentence_coding`; :func:`krippendorff_alpha` measures
agreement on any of its columns.

>>> krippendorff_alpha([["a", "a", "b"], ["a", "a", "a"]]) < 0.5
True
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from itertools import permutations
from pathlib import Path
from typing import Any

import pandas as pd

from presslens.errors import InputError
from presslens.evaluate import match_spans, overlaps, prf

SpanL = tuple[int, int, Any]
LAYERS = ("cue", "source", "content", "hedge", "mention", "tone")
#: Layers whose labels are scored too (``labelled`` match: overlap and same label).
LABELLED = ("cue", "hedge", "mention", "tone")
# Variables of the coding sheet that alpha is computed on (nominal values).
CODED = ("has_attribution", "source_type", "hedged", "hedge_category", "parties", "roles")


def _missing(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, float) and value != value)


def krippendorff_alpha(data: Sequence[Sequence[Hashable]]) -> float:
    """Krippendorff's alpha for nominal data; ``None``/NaN/"" are missing values.

    ``data`` holds one row per coder, one column per unit. Built from the
    coincidence matrix: units coded by fewer than two coders are not pairable
    and drop out; alpha = 1 - D_o / D_e. Returns NaN when no disagreement is
    possible (a single value in all pairable data).

    Krippendorff (2011), "Computing Krippendorff's alpha-reliability", the
    nominal example (4 coders, 12 units) gives 0.743:

    >>> n = None
    >>> round(krippendorff_alpha([
    ...     [1, 2, 3, 3, 2, 1, 4, 1, 2, n, n, n],
    ...     [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, n, 3],
    ...     [n, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, n],
    ...     [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, n]]), 3)
    0.743
    """
    if not data:
        return float("nan")
    n_units = len(data[0])
    if any(len(row) != n_units for row in data):
        raise ValueError("every coder needs a value (or a missing value) for every unit")
    coincidence: Counter = Counter()
    for u in range(n_units):
        values = [row[u] for row in data if not _missing(row[u])]
        m = len(values)
        if m < 2:
            continue
        for a, b in permutations(range(m), 2):
            coincidence[(values[a], values[b])] += 1.0 / (m - 1)
    n_c: Counter = Counter()
    for (c, _), w in coincidence.items():
        n_c[c] += w
    n = sum(n_c.values())
    if n <= 1:
        return float("nan")
    observed = sum(w for (c, k), w in coincidence.items() if c != k)
    expected = (n * n - sum(v * v for v in n_c.values())) / (n - 1)
    if expected == 0:
        return float("nan")
    return 1.0 - observed / expected


# --- annotations in the common shape -------------------------------------------------

def _empty() -> dict[str, list[SpanL]]:
    return {layer: [] for layer in LAYERS}


def tool_spans(doc) -> dict[str, list[SpanL]]:
    """The tool's spans of an annotated :class:`~presslens.Document` in the common shape.

    >>> import presslens
    >>> doc = presslens.annotate_text("Officials said the talks could resume.")  # doctest: +SKIP
    >>> tool_spans(doc)["cue"]  # doctest: +SKIP
    [(10, 14, 'anonymous')]
    """
    out = _empty()
    for rec in doc.layer("attribution").to_dict("records"):
        stype = None if _missing(rec.get("source_type")) else rec.get("source_type")
        for role in ("cue", "source", "content"):
            span = rec.get(role)
            if isinstance(span, dict):
                out[role].append((int(span["start"]), int(span["end"]), stype))
    for rec in doc.layer("hedge").to_dict("records"):
        out["hedge"].append((int(rec["start"]), int(rec["end"]), rec["label"]))
    for rec in doc.layer("mention").to_dict("records"):
        if rec.get("place_only") is True:
            continue
        s, e = mention_span(rec)
        out["mention"].append((s, e, f"{rec['label']}:{rec.get('role') or 'other'}"))
        if isinstance(rec.get("tone"), str):
            out["tone"].append((s, e, f"{rec['label']}:{rec['tone']}"))
    return out


def mention_span(rec: Mapping[str, Any]) -> tuple[int, int]:
    """The span a coder marks for a mention: its noun phrase ("the Pakistani delegation"),
    except for an anti-/pro- compound modifying another noun, where the party is only
    the compound ("anti-Pakistan" in "anti-Pakistan attacks").

    >>> mention_span({"start": 4, "end": 13, "np_start": 0, "np_end": 24, "stance": None})
    (0, 24)
    >>> mention_span({"start": 0, "end": 13, "np_start": 0, "np_end": 21, "stance": "anti"})
    (0, 13)
    """
    s, e = int(rec["start"]), int(rec["end"])
    if rec.get("stance") == "anti" or _missing(rec.get("np_start")) or _missing(rec.get("np_end")):
        return s, e
    return min(s, int(rec["np_start"])), max(e, int(rec["np_end"]))


def gold_json_spans(path: str | Path) -> tuple[dict[str, list[SpanL]], dict[str, list[SpanL]]]:
    """Gold spans and the *optional* ones (scored neither way) of a presslens gold JSON file.

    The format is the one of ``tests/fixtures/*.gold.json``: ``attributions``
    (cue/source/content ``[start, end, text]``, ``source_type``), ``hedges``
    (``span``, ``category``, ``optional``) and ``mentions`` (``span``,
    ``party``, ``role``, optional ``tone``).
    """
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    gold, optional = _empty(), _empty()
    for att in data.get("attributions", []):
        for role in ("cue", "source", "content"):
            span = att.get(role)
            if span:
                (optional if att.get("optional") else gold)[role].append((span[0], span[1], att.get("source_type")))
    for h in data.get("hedges", []):
        (optional if h.get("optional") else gold)["hedge"].append((h["span"][0], h["span"][1], h["category"]))
    for m in data.get("mentions", []):
        (optional if m.get("optional") else gold)["mention"].append(
            (m["span"][0], m["span"][1], f"{m['party']}:{m.get('role') or 'other'}"))
        if m.get("tone"):
            (optional if m.get("optional") else gold)["tone"].append(
                (m["span"][0], m["span"][1], f"{m['party']}:{m['tone']}"))
    return gold, optional


def brat_spans(ann_path: str | Path, text: str) -> dict[str, list[SpanL]]:
    """Cue/source/content spans of one BRAT ``.ann`` file (labels ``None``)."""
    from presslens.evaluate.attribution import read_brat

    spans = read_brat(ann_path, text)
    out = _empty()
    for role in ("cue", "source", "content"):
        out[role] = [(s, e, None) for s, e in sorted(spans[role])]
    return out


def standoff_spans(ann: str, text: str) -> dict[str, list[SpanL]]:
    r"""All coded spans of a BRAT ``.ann`` text written by ``export_coding`` and edited by a coder.

    Cue/Source/Content (labelled with the ``SourceType`` attribute of the
    attribution's source, carried over to its cue and content through the
    ``Attribution`` event), ``Hedge`` (``HedgeCategory``) and ``Mention``
    (``Party:Role``). A discontinuous span counts as its envelope, as in
    :func:`presslens.evaluate.attribution.read_brat_string`.

    >>> ann = "T1\tSource 0 3\tThe\nT2\tCue 4 8\tsaid\nT3\tAttribution 4 8\tsaid\nE1\tAttribution:T3 Cue:T2 Source:T1\nA1\tSourceType T1 media"
    >>> standoff_spans(ann, "The said")["cue"]
    [(4, 8, 'media')]
    """
    from presslens.evaluate.attribution import _trim, read_standoff

    parsed = read_standoff(ann)
    attrs: dict[str, dict[str, Any]] = {}
    for a in parsed["attributes"].values():
        attrs.setdefault(a["target"], {})[a["name"]] = a["value"]
    stype: dict[str, Any] = {}
    for ev in parsed["events"].values():
        src = ev["args"].get("Source")
        value = attrs.get(src, {}).get("SourceType") if src else None
        for arg in ev["args"].values():
            stype[arg] = value
    out = _empty()
    kinds = {"Cue": "cue", "Source": "source", "Content": "content", "Hedge": "hedge", "Mention": "mention"}
    for ident, ent in parsed["entities"].items():
        layer = kinds.get(ent["type"])
        if layer is None:
            continue
        start, end = _trim(text, min(f[0] for f in ent["fragments"]), min(max(f[1] for f in ent["fragments"]), len(text)))
        if start >= end:
            continue
        if layer == "hedge":
            label = attrs.get(ident, {}).get("HedgeCategory")
        elif layer == "mention":
            a = attrs.get(ident, {})
            label = f"{a.get('Party')}:{a.get('Role') or 'other'}"
            if a.get("Tone"):
                out["tone"].append((start, end, f"{a.get('Party')}:{a['Tone']}"))
        else:
            label = stype.get(ident)
        out[layer].append((start, end, label))
    for layer in out:
        out[layer].sort()
    return out


def drop_optional(pred: dict[str, list[SpanL]], optional: Mapping[str, list[SpanL]]) -> dict[str, list[SpanL]]:
    """Predictions minus those overlapping an optional gold item (neither hit nor false alarm)."""
    out = {}
    for layer, spans in pred.items():
        opt = optional.get(layer, [])
        out[layer] = [p for p in spans if not any(overlaps(p[:2], o[:2]) for o in opt)]
    return out


# --- span scores, confusion, errors --------------------------------------------------

def _scored_layers(pred: Mapping[str, list[SpanL]], gold: Mapping[str, list[SpanL]]) -> list[str]:
    return [x for x in LAYERS if (x in gold or x in pred) and (x != "tone" or gold.get("tone"))]


def labelled_scores(pred: list[SpanL], gold: list[SpanL]) -> dict[str, float | int]:
    """P/R/F1 where a match needs overlapping spans *and* the same label (role, tone, category).

    >>> labelled_scores([(0, 4, "pk:agent")], [(0, 4, "pk:patient")])["f1"]
    0.0
    """
    matched_pred = sum(any(p[2] == g[2] and overlaps(p[:2], g[:2]) for g in gold) for p in pred)
    matched_gold = sum(any(p[2] == g[2] and overlaps(p[:2], g[:2]) for p in pred) for g in gold)
    return prf(matched_pred, len(pred), len(gold), matched_gold)


def span_scores(pred: Mapping[str, list[SpanL]], gold: Mapping[str, list[SpanL]]) -> pd.DataFrame:
    """Precision, recall and F1 per layer: exact and overlap match, and for the layers
    with labels (:data:`LABELLED`) also ``labelled`` (overlap and the same label).

    ``tone`` is scored only when the gold side holds tone labels (coders
    often leave it uncoded).

    >>> gold = {"hedge": [(0, 5, "modal")]}
    >>> span_scores({"hedge": [(0, 5, "modal")]}, gold)[["layer", "match", "f1"]].values.tolist()
    [['hedge', 'exact', 1.0], ['hedge', 'overlap', 1.0], ['hedge', 'labelled', 1.0]]
    """
    rows = []
    for layer in _scored_layers(pred, gold):
        p = sorted({s[:2] for s in pred.get(layer, [])})
        g = sorted({s[:2] for s in gold.get(layer, [])})
        for mode in ("exact", "overlap"):
            rows.append({"layer": layer, "match": mode, **match_spans(p, g, mode)})
        if layer in LABELLED:
            rows.append({"layer": layer, "match": "labelled",
                         **labelled_scores(sorted(set(pred.get(layer, [])), key=str),
                                           sorted(set(gold.get(layer, [])), key=str))})
    return pd.DataFrame(rows)


def confusion(pred: list[SpanL], gold: list[SpanL], missing: str = "(none)") -> pd.DataFrame:
    """Gold label (rows) against tool label (columns) over overlapping span pairs.

    A gold span without a matching prediction counts under the column
    ``missing``; a prediction matching no gold span under the row ``missing``.

    >>> confusion([(0, 4, "modal")], [(0, 4, "modal"), (9, 12, "conditional")]).loc["conditional", "(none)"]
    np.int64(1)
    """
    pairs = []
    used = set()
    for g in gold:
        hit = next((i for i, p in enumerate(pred) if i not in used and overlaps(p[:2], g[:2])), None)
        if hit is None:
            pairs.append((g[2] or missing, missing))
        else:
            used.add(hit)
            pairs.append((g[2] or missing, pred[hit][2] or missing))
    pairs += [(missing, p[2] or missing) for i, p in enumerate(pred) if i not in used]
    if not pairs:
        return pd.DataFrame()
    frame = pd.DataFrame(pairs, columns=["gold", "tool"])
    return pd.crosstab(frame["gold"], frame["tool"])


def confusion_tables(pred: Mapping[str, list[SpanL]], gold: Mapping[str, list[SpanL]]) -> dict[str, pd.DataFrame]:
    """The three confusion tables of the validation notebook: source type (on cues), hedge category, mention role.

    >>> t = confusion_tables({"mention": [(0, 4, "pk:agent")]}, {"mention": [(0, 4, "pk:patient")]})
    >>> int(t["mention role"].loc["patient", "agent"])
    1
    """
    def role_only(spans: list[SpanL]) -> list[SpanL]:
        return [(s, e, str(lab).split(":")[-1]) for s, e, lab in spans]

    return {"source type (by cue)": confusion(pred.get("cue", []), gold.get("cue", [])),
            "hedge category": confusion(pred.get("hedge", []), gold.get("hedge", [])),
            "mention role": confusion(role_only(pred.get("mention", [])), role_only(gold.get("mention", [])))}


def mention_recall(pred: Mapping[str, list[SpanL]], gold: Mapping[str, list[SpanL]]) -> dict[str, float | int]:
    """Gold mentions found with their party (overlapping span), and of those the share with the right role.

    >>> mention_recall({"mention": [(0, 4, "pk:agent")]}, {"mention": [(0, 4, "pk:agent"), (9, 12, "af:other")]})
    {'n_gold': 2, 'found': 1, 'coverage': 0.5, 'role_right': 1, 'role_accuracy': 1.0}
    """
    found = right = 0
    golds = gold.get("mention", [])
    for gs, ge, glab in golds:
        party, _, role = str(glab).partition(":")
        hits = [p for p in pred.get("mention", []) if overlaps((p[0], p[1]), (gs, ge), 1e-9)
                and str(p[2]).partition(":")[0] == party]
        if hits:
            found += 1
            right += str(hits[0][2]).partition(":")[2] == role
    return {"n_gold": len(golds), "found": found, "coverage": found / len(golds) if golds else 0.0,
            "role_right": right, "role_accuracy": right / found if found else 0.0}


def _sentence_of(sentences: Sequence[tuple[int, int]], start: int) -> int | None:
    for i, (s, e) in enumerate(sentences):
        if s <= start < e:
            return i
    return None


def error_table(text: str, sentences: Sequence[tuple[int, int]], pred: Mapping[str, list[SpanL]],
                gold: Mapping[str, list[SpanL]], doc_id: str = "doc") -> pd.DataFrame:
    """The error browser: every false positive and miss (overlap match) with its sentence.

    Columns: ``doc_id, layer, error`` (``false positive`` / ``miss``), ``span``
    (covered text), ``tool_label``, ``gold_label``, ``start, end, sentence``.
    A prediction overlapping a gold span with another label is listed as a
    ``label`` error (source types once, on the cue).

    >>> t = "He said it could rain."
    >>> error_table(t, [(0, len(t))], {"hedge": []}, {"hedge": [(11, 16, "modal")]})["error"].tolist()
    ['miss']
    """
    rows = []
    for layer in _scored_layers(pred, gold):
        p_spans, g_spans = pred.get(layer, []), gold.get(layer, [])
        for kind, mine, other in (("false positive", p_spans, g_spans), ("miss", g_spans, p_spans)):
            for s, e, label in mine:
                match = next((o for o in other if overlaps((s, e), o[:2])), None)
                if match is not None and (kind == "miss" or match[2] == label or layer in ("source", "content")):
                    continue
                if match is not None:
                    kind_ = "label"
                    tool_label, gold_label = label, match[2]
                else:
                    kind_ = kind
                    tool_label, gold_label = (label, None) if kind == "false positive" else (None, label)
                si = _sentence_of(sentences, s)
                rows.append({"doc_id": doc_id, "layer": layer, "error": kind_, "span": text[s:e],
                             "tool_label": tool_label, "gold_label": gold_label, "start": s, "end": e,
                             "sentence": text[sentences[si][0]:sentences[si][1]] if si is not None else ""})
    cols = ["doc_id", "layer", "error", "span", "tool_label", "gold_label", "start", "end", "sentence"]
    return pd.DataFrame(rows, columns=cols).sort_values(["doc_id", "start", "layer"], kind="stable").reset_index(drop=True)


# --- sentence-level coding -----------------------------------------------------------

def _join(values) -> str:
    return ";".join(sorted({str(v) for v in values if not _missing(v)}))


def sentence_coding(spans: Mapping[str, list[SpanL]], sentences: Sequence[tuple[int, int]],
                    tone: Mapping[int, str] | None = None) -> pd.DataFrame:
    """One row per sentence with the coding-sheet variables, from spans.

    An attribution belongs to the sentence holding its cue; ``parties`` and
    ``roles`` are ``;``-joined sorted sets (``roles`` as ``party:role``).

    >>> sentence_coding({"cue": [(3, 7, "media")], "hedge": []}, [(0, 10), (11, 20)])["has_attribution"].tolist()
    ['yes', 'no']
    """
    rows = []
    for i, (s, e) in enumerate(sentences):
        inside = {layer: [x for x in spans.get(layer, []) if s <= x[0] < e] for layer in LAYERS}
        mentions = inside["mention"]
        rows.append({
            "sentence_index": i, "start": s, "end": e,
            "has_attribution": "yes" if inside["cue"] else "no",
            "source_type": _join(x[2] for x in inside["cue"]),
            "hedged": "yes" if inside["hedge"] else "no",
            "hedge_category": _join(x[2] for x in inside["hedge"]),
            "parties": _join(str(x[2]).split(":")[0] for x in mentions),
            "roles": _join(x[2] for x in mentions),
            "tone": (tone or {}).get(i, ""),
        })
    return pd.DataFrame(rows)


def alpha_table(codings: Mapping[str, pd.DataFrame], variables: Sequence[str] = CODED) -> pd.DataFrame:
    """Krippendorff's alpha per variable: all coders together and each pair.

    ``codings`` maps a coder name (``"tool"`` for presslens) to a sentence
    table with the same rows (aligned on ``doc_id`` + ``sentence_index`` when
    present, otherwise by position). Returns rows ``variable, coders, alpha, units``.
    """
    names = list(codings)
    keyed = {}
    for name, table in codings.items():
        key = [c for c in ("doc_id", "sentence_index") if c in table.columns]
        keyed[name] = table.set_index(key) if key else table
    index = keyed[names[0]].index
    for t in keyed.values():
        index = index.union(t.index)
    rows = []
    groups = [tuple(names)] if len(names) > 2 else []
    groups += [(a, b) for i, a in enumerate(names) for b in names[i + 1:]]
    for var in variables:
        cols = {n: _values(keyed[n].reindex(index), var) for n in names}
        for group in groups:
            data = [cols[n] for n in group]
            units = sum(sum(not _missing(row[u]) for row in data) >= 2 for u in range(len(index)))
            rows.append({"variable": var, "coders": " vs ".join(group) if len(group) == 2 else "all",
                         "alpha": krippendorff_alpha(data), "units": units})
    return pd.DataFrame(rows)


def _values(table: pd.DataFrame, var: str) -> list:
    """Values of one variable, with "nothing" told apart from "not coded".

    An empty cell in a coded row (the coder answered has_attribution or
    hedged) means none, a value of its own; source type only counts where
    the coder saw an attribution.
    """
    if var not in table.columns:
        return [None] * len(table)
    out = []
    for _, row in table.iterrows():
        coded = any(c in table.columns and not _missing(row[c]) for c in ("has_attribution", "hedged"))
        value = row[var]
        if var == "source_type":
            value = value if row.get("has_attribution") == "yes" and not _missing(value) else None
        elif _missing(value):
            value = "(none)" if coded and var not in ("has_attribution", "hedged", "tone") else None
        out.append(value)
    return out


def brat_sentence_agreement(folder: str | Path, max_texts: int | None = None) -> dict[str, pd.DataFrame]:
    """Sentence-level agreement on a BRAT folder (PolNeAR layout): tool and human annotators.

    Every text is segmented and annotated by presslens; a sentence *has an
    attribution* for a coder when it holds one of the coder's cues. Returns
    ``{"tool_vs_gold": alpha table (tool against the first annotation of
    every text), "coders": alpha table over the texts annotated more than
    once (all annotators together, each pair, and the tool against each
    annotator), "codings": the sentence table of every coder}``.

    >>> brat_sentence_agreement("../shared/data/polnear/dev")["tool_vs_gold"]  # doctest: +SKIP
    """
    from presslens.pipeline import annotate
    from presslens.document.spans import Document
    from presslens.evaluate.attribution import annotations_by_text

    texts = sorted(annotations_by_text(folder).items())
    if max_texts is not None:
        texts = texts[:max_texts]
    first: list[pd.DataFrame] = []
    tool_all: list[pd.DataFrame] = []
    multi: dict[str, list[pd.DataFrame]] = {}
    tool_multi: list[pd.DataFrame] = []
    for txt, coders in texts:
        text = txt.read_text(encoding="utf-8")
        doc = annotate(Document(txt.stem, text))
        sents = [(int(s), int(e)) for s, e in doc.layer("sentence")[["start", "end"]].itertuples(index=False)]
        tool = sentence_coding(tool_spans(doc), sents).assign(doc_id=txt.stem)
        tool_all.append(tool)
        human = {name: sentence_coding(brat_spans(ann, text), sents).assign(doc_id=txt.stem)
                 for name, ann in coders.items()}
        first.append(next(iter(human.values())))
        if len(human) > 1:
            tool_multi.append(tool)
            for name, table in human.items():
                multi.setdefault(name, []).append(table)
    cat = lambda ts: pd.concat(ts, ignore_index=True)  # noqa: E731
    result = {"tool_vs_gold": alpha_table({"tool": cat(tool_all), "gold": cat(first)}, ["has_attribution"])}
    if multi:
        codings = {name: cat(ts) for name, ts in multi.items()}
        humans = alpha_table(codings, ["has_attribution"])
        pairs = pd.concat([alpha_table({"tool": cat(tool_multi), name: table}, ["has_attribution"])
                           for name, table in codings.items()], ignore_index=True)
        result["coders"] = pd.concat([humans, pairs], ignore_index=True)
        result["codings"] = {"tool": cat(tool_multi), **codings}
    else:
        result["coders"] = pd.DataFrame(columns=["variable", "coders", "alpha", "units"])
        result["codings"] = {}
    return result


#: Written by ``export_coding`` beside the BRAT files: the SHA-256 of each pre-annotated ``.ann`` as exported.
PREANNOTATIONS = "preannotations.sha256"


def _sha256(path: str | Path) -> str:
    import hashlib

    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def preannotation_hashes(folder: str | Path) -> set[str]:
    """The SHA-256 of every ``.ann`` file an export wrote (none for a folder that is not an export)."""
    path = Path(folder) / PREANNOTATIONS
    if not path.is_file():
        return set()
    return {line.split()[0] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}


#: The map from document id to exported files that ``export-coding`` writes beside them.
ID_MAP = "ids.json"


def exported_ids(folder: str | Path) -> dict[str, str]:
    """File stem -> document id of an ``export-coding`` folder (``ids.json``); empty for other BRAT folders.

    File names are made safe for any id (``a/b`` and ``a_b`` get different
    files), so the id is read from the map, not from the file name.
    """
    path = Path(folder) / ID_MAP
    if not path.is_file():
        return {}
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))["files"]
        return {Path(e["text"]).stem: str(e["doc_id"]) for e in entries}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(path, f"not the id map export-coding writes ({type(exc).__name__})") from None


def brat_coding_report(folder: str | Path, parties=None) -> dict[str, pd.DataFrame]:
    """Score the tool against a coded BRAT folder (an ``export_coding`` folder after coding).

    Every text is annotated afresh (``parties``: a PartyConfig or None); each
    coder's ``.ann`` (``NAME.ann``, or ``NAME_XXXX.ann`` per annotator) is
    read with :func:`standoff_spans`; a file still as ``export_coding``
    wrote it (its hash in ``preannotations.sha256``) is the tool's
    pre-annotation, not a coder, and is left out. Returns ``{"scores"`` (P/R/F1 per layer,
    pooled over texts and coders), ``"confusion"`` (:func:`confusion_tables`),
    ``"alpha"`` (sentence-level, tool and coders), ``"errors"`` (the error
    browser)``}``.

    >>> brat_coding_report("coding/")["scores"]  # doctest: +SKIP
    """
    from presslens.document.inputs import read_text_file
    from presslens.pipeline import annotate
    from presslens.document.spans import Document
    from presslens.evaluate.attribution import annotations_by_text

    pooled_pred: dict[str, list[SpanL]] = _empty()
    pooled_gold: dict[str, list[SpanL]] = _empty()
    codings: dict[str, list[pd.DataFrame]] = {}
    errors = []
    shift = 0
    found = annotations_by_text(folder)
    if not found:
        raise InputError(folder, "no text/*.txt with attributions/*.ann found")
    # The tool's own pre-annotations, left as exported, are not a coder.
    untouched = preannotation_hashes(folder)
    coded = {txt: {name: ann for name, ann in coders.items() if _sha256(ann) not in untouched}
             for txt, coders in found.items()}
    coded = {txt: coders for txt, coders in coded.items() if coders}
    if not coded:
        raise InputError(folder, "holds no coder's answers: every .ann file is the tool's pre-annotation as "
                                 "exported (code them in BRAT first; see CODING.md)")
    ids = exported_ids(folder)
    for txt, coders in sorted(coded.items()):
        text = read_text_file(txt, what="text file")
        doc_id = ids.get(txt.stem, txt.stem)
        doc = annotate(Document(doc_id, text), parties)
        sents = [(int(s), int(e)) for s, e, lab in doc.layer("sentence")[["start", "end", "label"]].itertuples(index=False)
                 if lab != "boilerplate"]
        pred = tool_spans(doc)
        codings.setdefault("tool", []).append(sentence_coding(pred, sents).assign(doc_id=doc_id))
        for name, ann in coders.items():
            gold = standoff_spans(read_text_file(ann, what="BRAT .ann file"), text)
            codings.setdefault(name, []).append(sentence_coding(gold, sents).assign(doc_id=doc_id))
            errors.append(error_table(text, sents, pred, gold, doc_id).assign(coder=name))
            # Pool texts by shifting offsets past each other, so spans of
            # different texts never match.
            for layer in LAYERS:
                pooled_pred[layer] += [(s + shift, e + shift, lab) for s, e, lab in pred[layer]]
                pooled_gold[layer] += [(s + shift, e + shift, lab) for s, e, lab in gold[layer]]
            shift += len(text) + 1
    if not codings:
        raise InputError(folder, "no text/*.txt with attributions/*.ann found")
    tables = {name: pd.concat(ts, ignore_index=True) for name, ts in codings.items()}
    return {"scores": span_scores(pooled_pred, pooled_gold),
            "confusion": confusion_tables(pooled_pred, pooled_gold),
            "alpha": alpha_table(tables, ["has_attribution", "source_type", "hedged", "hedge_category",
                                          "parties", "roles"]),
            "errors": pd.concat(errors, ignore_index=True) if errors else pd.DataFrame()}
