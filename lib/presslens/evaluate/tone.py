"""Scoring target-level tone on NewsMTSC-format files, beside plain VADER.

NewsMTSC (Hamborg & Donnay 2021) is JSON lines: one sentence
(``sentence_normalized``) per line with its ``targets``, each a character
span (``from``, ``to``: end exclusive) and a ``polarity`` (2.0 negative,
4.0 neutral, 6.0 positive). Every target is scored by the shipped
:class:`~presslens.tone.ToneModel` and by sentence-level VADER (the same
label for every target of a sentence); the figure of merit is the macro-F1
over the three classes.

>>> r = run(["../shared/data/newsmtsc/devtest_mt.jsonl"])["tone"]  # doctest: +SKIP
>>> r["model"]["macro_f1"] > r["vader_sentence"]["macro_f1"]  # doctest: +SKIP
True
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import Any

from presslens.errors import InputError
from presslens.evaluate import prf
from presslens.framing.tone import LABELS, ToneModel, default_tone_model, vader_sentence_tone

#: NewsMTSC polarity codes.
POLARITY = {2.0: "negative", 4.0: "neutral", 6.0: "positive"}


def read_newsmtsc(path: str | os.PathLike[str]) -> list[tuple[str, int, int, str, int]]:
    """Targets of a NewsMTSC file: ``(sentence, start, end, gold label, sentence number)``.

    Coreferent ``further_mentions`` are not scored: annotators labelled the
    main mention only.
    """
    from presslens.document.inputs import read_text_file

    out = []
    k = -1
    for lineno, line in enumerate(read_text_file(path, what="NewsMTSC file").splitlines(), 1):
        if not line.strip():
            continue
        k += 1
        where = f"{path}: line {lineno}"
        try:
            rec = json.loads(line)
            text = rec["sentence_normalized"]
            targets = rec["targets"]
            for t in targets:
                s, e = int(t["from"]), int(t["to"])
                if text[s:e] != t["mention"]:
                    raise InputError(where, f"span ({s}, {e}) is not {t['mention']!r}")
                out.append((text, s, e, POLARITY[float(t["polarity"])], k))
        except json.JSONDecodeError as exc:
            raise InputError(where, f"not valid JSON ({exc.msg})") from None
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(where, "not a NewsMTSC record (sentence_normalized, targets with from, to, mention "
                                    f"and polarity 2.0/4.0/6.0): {type(exc).__name__} {exc}") from None
    if not out:
        raise InputError(path, "holds no NewsMTSC target to score")
    return out


def class_scores(pred: Sequence[str], gold: Sequence[str]) -> dict[str, Any]:
    """Macro-F1, accuracy and per-class P/R/F1 over :data:`~presslens.tone.LABELS`.

    >>> r = class_scores(["negative", "neutral", "neutral"], ["negative", "neutral", "positive"])
    >>> round(r["macro_f1"], 3), round(r["accuracy"], 3)
    (0.556, 0.667)
    """
    per = {}
    for lab in LABELS:
        tp = sum(p == g == lab for p, g in zip(pred, gold))
        s = prf(tp, sum(p == lab for p in pred), sum(g == lab for g in gold))
        per[lab] = {"precision": s["precision"], "recall": s["recall"], "f1": s["f1"], "n_gold": s["n_gold"]}
    return {"macro_f1": sum(v["f1"] for v in per.values()) / len(LABELS),
            "accuracy": sum(p == g for p, g in zip(pred, gold)) / len(gold) if gold else 0.0,
            "n": len(gold), "per_class": per}


def run(paths: Sequence[str | os.PathLike[str]], model: ToneModel | None = None) -> dict[str, Any]:
    """Score the tone model and sentence-level VADER on NewsMTSC files (pooled).

    Returns ``{"tone": {"model": scores, "vader_sentence": scores}, "files",
    "model_version"}``, each ``scores`` as :func:`class_scores` gives it
    (``macro_f1``, ``accuracy``, ``n`` targets, ``per_class``).

    >>> run(["../shared/data/newsmtsc/devtest_mt.jsonl"])["tone"]["model"]["macro_f1"]  # doctest: +SKIP
    0.6...
    """
    model = model or default_tone_model()
    data = []
    for p in paths:
        data.extend(read_newsmtsc(p))
    gold = [g for *_, g, _ in data]
    pred = [lab for lab, _ in model.predict_many([(t, s, e) for t, s, e, _, _ in data])]
    vader_cache: dict[str, str] = {}
    vpred = []
    for text, *_ in data:
        if text not in vader_cache:
            vader_cache[text] = vader_sentence_tone(text)[0]
        vpred.append(vader_cache[text])
    return {"tone": {"model": class_scores(pred, gold), "vader_sentence": class_scores(vpred, gold)},
            "files": [str(p) for p in paths], "model_version": model.version}


def format_report(result: dict[str, Any]) -> str:
    """A short human-readable table of :func:`run`'s result."""
    tone = result["tone"]
    lines = [f"files: {', '.join(result['files'])}  (targets {tone['model']['n']})"]
    for name, key in (("tone model", "model"), ("VADER sentence", "vader_sentence")):
        r = tone[key]
        lines.append(f"{name:<15} macro-F1 {r['macro_f1']:.3f}  acc {r['accuracy']:.3f}")
        for lab in LABELS:
            c = r["per_class"][lab]
            lines.append(f"  {lab:<9} P {c['precision']:.3f}  R {c['recall']:.3f}  F1 {c['f1']:.3f}  (gold {c['n_gold']})")
    return "\n".join(lines)


__all__ = ["run", "format_report", "read_newsmtsc", "class_scores", "POLARITY"]
