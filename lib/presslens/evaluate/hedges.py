"""Scoring the hedge layer on uncertainty corpora.

Two input formats:

* **Szeged Uncertainty Corpus XML** (the FactBank news part, also WikiWeasel
  and BioScope in that format): ``<Sentence>`` elements whose uncertainty
  cues are marked inline as ``<ccue type="...">``. A sentence is uncertain
  when it holds a cue. Scored at the sentence level (binary) and at the cue
  level (exact and overlap span match).
* **Sentence lists**: one sentence per line, the file name saying which class
  it holds (``...-uncertain.txt`` / ``...-certain.txt``, as the CoNLL-2010
  WikiWeasel files). Pass both files of a pair to score them together
  (keyed by their common stem); scored at the sentence level only.

Which hedge categories count as "uncertain" follows the annotation scheme:
the Szeged news and biomedical parts mark *semantic* uncertainty only
(epistemic, doxastic, condition, investigation: Szarvas et al. 2012), so the
``approximator`` category (vagueness of quantity or frequency, a discourse
phenomenon they did not annotate) is left out there; WikiWeasel marks weasel
words, lexical hedges and peacock terms ("legendary", "one of the finest")
but not modal auxiliaries, conditions, indirect questions or rounded numbers
(see :data:`WEASEL_CATEGORIES`), and the ``emphasis`` boosters stand for
its peacocks. Other boosters never count.

>>> r = run(["factbank-dev.xml"])  # doctest: +SKIP
>>> r["factbank-dev.xml"]["sentence"]["binary"]["f1"] > 0.8  # doctest: +SKIP
True
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from presslens.errors import InputError
from presslens.evaluate import binary_scores, match_spans
from presslens.hedging.patterns import HEDGE_CATEGORIES
from presslens.hedging.lexicon import HedgeLexicon, default_lexicon

Span = tuple[int, int]
#: Categories scored against schemes that annotate semantic uncertainty only.
SEMANTIC_CATEGORIES: tuple[str, ...] = tuple(c for c in HEDGE_CATEGORIES if c != "approximator")
#: Categories scored against WikiWeasel-style annotation: weasels, lexical
#: hedges and peacock terms (the last are the ``emphasis`` boosters). Its
#: annotators left grammatical uncertainty (modal auxiliaries, conditional
#: and indirect-question clauses) and rounded numbers unmarked: "may" stands
#: in 403 of its certain sentences and 147 uncertain ones.
WEASEL_CATEGORIES: tuple[str, ...] = (
    "anticipatory", "epistemic_verb", "epistemic_adverb", "epistemic_adjective", "approximator",
    "unverified_attribution", "emphasis",
)
#: Lexicon classes never scored against WikiWeasel-style annotation.
WEASEL_EXCLUDED_CLASSES: tuple[str, ...] = ("rounder",)
_LIST_NAME = re.compile(r"^(?P<stem>.*?)[-_.](?P<cls>uncertain|certain)(?:\.[^.]*)?$", re.IGNORECASE)


def read_szeged_xml(path: str | os.PathLike[str]) -> list[tuple[str, list[Span]]]:
    """Sentences of a Szeged-format XML file: ``(text, gold cue spans)``.

    Cue spans are character offsets into the sentence text; a cue split over
    several ``ccue`` elements gives several spans.
    """
    from presslens.document.inputs import read_text_file

    try:
        root = ET.fromstring(read_text_file(path, what="Szeged XML file"))
    except ET.ParseError as exc:
        raise InputError(f"{path}: line {exc.position[0]}", f"malformed XML ({str(exc).split(':')[0]})") from None
    out = []
    for sent in root.iter("Sentence"):
        parts: list[str] = [sent.text or ""]
        cues: list[Span] = []
        pos = len(parts[0])
        for child in sent:
            inner = "".join(child.itertext())
            if child.tag == "ccue":
                cues.append((pos, pos + len(inner)))
            parts.append(inner)
            pos += len(inner)
            parts.append(child.tail or "")
            pos += len(child.tail or "")
        text = "".join(parts)
        # trim cue spans of outer whitespace so they compare with token spans
        trimmed = []
        for s, e in cues:
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if s < e:
                trimmed.append((s, e))
        out.append((text, trimmed))
    if not out:
        raise InputError(path, "holds no <Sentence> to score (not a Szeged uncertainty XML file?)")
    return out


def read_sentence_list(path: str | os.PathLike[str]) -> list[str]:
    """Non-empty lines of a one-sentence-per-line file."""
    from presslens.document.inputs import read_text_file

    lines = [ln.strip() for ln in read_text_file(path, what="sentence list").splitlines() if ln.strip()]
    if not lines:
        raise InputError(path, "holds no sentence to score")
    return lines


def detect_cues(
    sentences: Sequence[str], lexicon: HedgeLexicon | None = None
) -> list[list[tuple[int, int, str, str, str | None]]]:
    """Cues of each sentence: ``(start, end, kind, category, lexicon class)``.

    Sentences are tokenised and tagged like article sentences (one tagger
    call for all of them), without building documents: scoring thousands of
    sentences stays fast.
    """
    from presslens.syntax.segment import default_segmenter

    lexicon = lexicon or default_lexicon()
    seg = default_segmenter()
    toks = [seg.token_spans(text, 0, len(text)) for text in sentences]
    tags = seg.tagger.tag_sents([[form for _, _, form in t] for t in toks])
    out = []
    for text, t, tg in zip(sentences, toks, tags):
        tokens = [(s, e, tag) for (s, e, _), tag in zip(t, tg)]
        out.append([(c.start, c.end, c.kind, c.category, c.cls) for c in lexicon.find(text, tokens)])
    return out


def _hedge_spans(cues: list[tuple[int, int, str, str, str | None]], categories: Iterable[str],
                 excluded_classes: Iterable[str] = ()) -> list[Span]:
    wanted, excluded = set(categories), set(excluded_classes)
    return [(s, e) for s, e, _kind, cat, cls in cues if cat in wanted and cls not in excluded]


def score_xml(path: str | os.PathLike[str], lexicon: HedgeLexicon | None = None,
              categories: Sequence[str] = SEMANTIC_CATEGORIES) -> dict[str, Any]:
    """Sentence- and cue-level scores on one Szeged-format XML file."""
    data = read_szeged_xml(path)
    detected = detect_cues([t for t, _ in data], lexicon)
    gold_flags, pred_flags = [], []
    gold_spans: list[Span] = []
    pred_spans: list[Span] = []
    offset = 0
    for (text, gold), cues in zip(data, detected):
        pred = _hedge_spans(cues, categories)
        gold_flags.append(bool(gold))
        pred_flags.append(bool(pred))
        # one coordinate space for the whole file: sentence offset + position
        gold_spans.extend((offset + s, offset + e) for s, e in gold)
        pred_spans.extend((offset + s, offset + e) for s, e in pred)
        offset += len(text) + 1
    return {
        "sentence": {"binary": binary_scores(pred_flags, gold_flags)},
        "cue": {"exact": match_spans(pred_spans, gold_spans, "exact"),
                "overlap": match_spans(pred_spans, gold_spans, "overlap")},
        "format": "szeged-xml", "categories": list(categories),
    }


def score_lists(paths: Sequence[str | os.PathLike[str]], lexicon: HedgeLexicon | None = None,
                categories: Sequence[str] = WEASEL_CATEGORIES,
                excluded_classes: Sequence[str] = WEASEL_EXCLUDED_CLASSES) -> dict[str, Any]:
    """Sentence-level scores on certain/uncertain sentence lists."""
    sentences: list[str] = []
    gold: list[bool] = []
    for path in paths:
        uncertain = _list_class(path)
        lines = read_sentence_list(path)
        sentences.extend(lines)
        gold.extend([uncertain] * len(lines))
    detected = detect_cues(sentences, lexicon)
    pred = [bool(_hedge_spans(c, categories, excluded_classes)) for c in detected]
    return {"sentence": {"binary": binary_scores(pred, gold)}, "format": "sentence-lists",
            "files": [Path(p).name for p in paths], "categories": list(categories),
            "excluded_classes": list(excluded_classes)}


def _list_class(path: str | os.PathLike[str]) -> bool:
    m = _LIST_NAME.match(Path(path).name)
    if not m:
        raise InputError(path, "cannot tell certain from uncertain sentences by the file name "
                               "(expected ...-certain.txt or ...-uncertain.txt)")
    return m.group("cls").lower() == "uncertain"


def run(files: Sequence[str | os.PathLike[str]], lexicon: HedgeLexicon | None = None) -> dict[str, dict[str, Any]]:
    """Score every file; the result is keyed by file name (or list-pair stem).

    ``*.xml`` files are read as Szeged XML; other files as sentence lists,
    paired by stem (``wikiweasel-train-certain.txt`` +
    ``wikiweasel-train-uncertain.txt`` -> ``wikiweasel-train``).

    >>> run(["wikiweasel-train-certain.txt", "wikiweasel-train-uncertain.txt"])  # doctest: +SKIP
    {'wikiweasel-train': {'sentence': {'binary': {...}}, ...}}
    """
    lexicon = lexicon or default_lexicon()
    result: dict[str, dict[str, Any]] = {}
    groups: dict[str, list[str | os.PathLike[str]]] = {}
    for f in files:
        name = Path(f).name
        if name.lower().endswith(".xml"):
            result[name] = score_xml(f, lexicon)
        else:
            _list_class(f)  # fail early on an unrecognised name
            m = _LIST_NAME.match(name)
            groups.setdefault(m.group("stem") if m else name, []).append(f)
    for stem, paths in groups.items():
        key = stem if len(paths) > 1 else Path(paths[0]).name
        result[key] = score_lists(paths, lexicon)
    return result


def format_report(result: dict[str, dict[str, Any]]) -> str:
    """A short human-readable table of :func:`run`'s result."""
    lines = []
    for name, res in result.items():
        lines.append(f"{name} ({res.get('format', '?')})")
        b = res["sentence"]["binary"]
        lines.append(
            f"  sentence  P {b['precision']:.3f}  R {b['recall']:.3f}  F1 {b['f1']:.3f}  "
            f"acc {b['accuracy']:.3f}  (gold uncertain {b['n_gold']}, predicted {b['n_pred']}, sentences {b['n_items']})"
        )
        for mode, c in res.get("cue", {}).items():
            lines.append(
                f"  cue {mode:<7} P {c['precision']:.3f}  R {c['recall']:.3f}  F1 {c['f1']:.3f}  "
                f"(gold {c['n_gold']}, predicted {c['n_pred']})"
            )
    return "\n".join(lines)


__all__ = ["run", "format_report", "score_xml", "score_lists", "read_szeged_xml", "read_sentence_list",
           "detect_cues", "SEMANTIC_CATEGORIES", "WEASEL_CATEGORIES", "WEASEL_EXCLUDED_CLASSES"]
