"""Claim alignment against hand-aligned sets: pair precision and recall.

A set is a folder with ``articles.jsonl`` (``id``, ``outlet``, ``date``,
``title``, ``text``: several articles about one event), ``claims.yml`` (the
claim groups marked by hand: each member an article id and a quote that lies
in one body sentence of it) and optionally ``parties.yml``. Every body
sentence not in a marked group is a claim of its own article. A *pair* is two
sentences (of different articles) in one claim; precision is the share of
the aligner's pairs that the hand alignment has, recall the share of the hand
alignment's pairs that the aligner found. The figures are given at the
shipped threshold and over a sweep of thresholds, per set and pooled.

>>> r = run(["data/validation/story/oslo-dam-talks"])  # doctest: +SKIP
>>> sorted(r["pooled"])  # doctest: +SKIP
['correct_pairs', 'f1', 'gold_pairs', 'precision', 'predicted_pairs', 'recall']
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from presslens.errors import InputError
from presslens.story.align import THRESHOLD, pair_scores

#: Thresholds of the sweep (the shipped one is among them).
SWEEP = (0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8)


def gold_groups(units: Sequence[dict[str, Any]], docs_text: dict[str, str], claims: Sequence[dict[str, Any]],
                where: str = "claims.yml") -> list[list[int]]:
    """The hand groups as lists of unit indices (each quote located in its article's body sentences)."""
    groups = []
    for claim in claims:
        group = []
        for m in claim.get("members") or []:
            doc_id, quote = str(m["doc_id"]), str(m["quote"])
            text = docs_text.get(doc_id)
            if text is None:
                raise InputError(where, f"claim {claim.get('id')!r}: no article {doc_id!r}")
            at = text.find(quote)
            hit = [i for i, u in enumerate(units) if u["doc_id"] == doc_id and u["start"] <= at < u["end"]]
            if at < 0 or not hit:
                raise InputError(where, f"claim {claim.get('id')!r}: {quote!r} is not in a body sentence of {doc_id!r}")
            group.append(hit[0])
        groups.append(sorted(set(group)))
    return groups


def evaluate_set(folder: str | os.PathLike[str], thresholds: Sequence[float] = SWEEP) -> dict[str, Any]:
    """Scores of one hand-aligned set at the shipped threshold and over ``thresholds``."""
    from presslens.document.inputs import read_documents
    from presslens.framing.parties import load_parties
    from presslens.pipeline import annotate_documents
    from presslens.resources.files import load_yaml
    from presslens.story.claims import claim_units
    from presslens.story.compare import align_units, unit_vectors
    from presslens.story.embed import default_encoder

    folder = Path(folder)
    parties_file = folder / "parties.yml"
    parties = load_parties(parties_file) if parties_file.exists() else None
    docs = annotate_documents(read_documents([folder / "articles.jsonl"]), parties, progress=False)
    gold = load_yaml(folder / "claims.yml") or {}
    units = [u for d in docs for u in claim_units(d, parties)]
    groups = gold_groups(units, {d.doc_id: d.text for d in docs}, gold.get("claims") or [], str(folder / "claims.yml"))
    keep, vectors = unit_vectors(units, default_encoder())
    sweep = {}
    for t in sorted({*thresholds, THRESHOLD}):
        sweep[f"{t:.2f}"] = pair_scores(align_units(units, keep, vectors, t), groups)
    return {"set": folder.name, "articles": len(docs), "sentences": len(units), "claims": len(groups),
            "role": gold.get("role", ""), "threshold": THRESHOLD, "scores": sweep[f"{THRESHOLD:.2f}"], "sweep": sweep}


def _pool(results: Sequence[dict[str, Any]], key: str) -> dict[str, Any]:
    hit = sum(r["sweep"][key]["correct_pairs"] for r in results)
    pred = sum(r["sweep"][key]["predicted_pairs"] for r in results)
    gold = sum(r["sweep"][key]["gold_pairs"] for r in results)
    p, rc = (hit / pred if pred else float("nan")), (hit / gold if gold else float("nan"))
    return {"precision": round(p, 6), "recall": round(rc, 6), "f1": round(2 * p * rc / (p + rc), 6) if p + rc else 0.0,
            "predicted_pairs": pred, "gold_pairs": gold, "correct_pairs": hit}


def run(paths: Sequence[str | os.PathLike[str]]) -> dict[str, Any]:
    """Every set in ``paths`` (folders), and the pooled pair scores at the shipped threshold."""
    results = [evaluate_set(p) for p in paths]
    key = f"{THRESHOLD:.2f}"
    return {"threshold": THRESHOLD, "sets": results, "pooled": _pool(results, key),
            "pooled_sweep": {k: _pool(results, k) for k in results[0]["sweep"]} if results else {}}


def format_report(result: dict[str, Any]) -> str:
    """The scores as a short text table."""
    lines = [f"claim alignment, threshold {result['threshold']:.2f} (pair precision / recall / F1)"]
    for r in result["sets"]:
        s = r["scores"]
        lines.append(f"  {r['set']}: {r['articles']} articles, {r['sentences']} sentences, {r['claims']} marked claims: "
                     f"P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}  "
                     f"({s['correct_pairs']}/{s['predicted_pairs']} predicted, {s['gold_pairs']} gold pairs)")
    p = result["pooled"]
    lines.append(f"  pooled: P {p['precision']:.3f}  R {p['recall']:.3f}  F1 {p['f1']:.3f}")
    lines.append("  sweep (pooled): " + "  ".join(f"{k}: P {v['precision']:.2f} R {v['recall']:.2f}"
                                                  for k, v in result["pooled_sweep"].items()))
    return "\n".join(lines)
