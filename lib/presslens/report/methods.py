"""The shipped validation figures, as the reports' methods notes quote them.

``scripts/build_validation.py`` runs ``notebooks/05_validation.ipynb`` on the
reference corpora and writes ``VALIDATION.md`` plus
``presslens/resources/validation/figures.json``; the methods notes read the JSON, so a
figure quoted in a report is always the one in ``VALIDATION.md``.

>>> "PolNeAR" in validation_sentence("attribution")
True
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from presslens.attribution.registry import DEFAULT_MODEL, model_spec
from presslens.resources.files import FIGURES_PATH

#: Written by ``scripts/build_validation.py`` beside ``VALIDATION.md``.
WHERE = "Details and the commands that reproduce them: `VALIDATION.md`."


def load_figures(path: str | Path | None = None) -> dict[str, Any]:
    """The headline validation figures (empty when the file is absent).

    >>> sorted(load_figures())[:2]
    ['article_mentions', 'attribution']
    """
    path = Path(path) if path else FIGURES_PATH
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def validation_sentence(measure: str, path: str | Path | None = None, attribution_model: str = DEFAULT_MODEL) -> str:
    """One Markdown sentence with the validation figures of ``attribution`` or ``hedges``.

    ``attribution_model``: the tagger the report ran (its own model card holds its figures).

    >>> validation_sentence("hedges").startswith("Validation")
    True
    """
    fig = load_figures(path).get(measure)
    if not fig:
        return "Validation figures: see the project's `VALIDATION.md` (`scripts/build_validation.py`)."
    if measure == "attribution":
        if attribution_model != DEFAULT_MODEL:
            card = model_spec(attribution_model).card
            return (f"This run used the attribution model `{attribution_model}` (`--attribution-model`), not the "
                    f"default one: its validation figures are in `presslens/resources/models/{card}`. " + WHERE)
        return (f"Validation on PolNeAR dev ({fig['n_docs']} annotated articles), overlap F1: cue "
                f"**{fig['cue_f1']:.3f}**, source **{fig['source_f1']:.3f}**, content **{fig['content_f1']:.3f}** "
                f"(exact: {fig['cue_exact_f1']:.3f} / {fig['source_exact_f1']:.3f} / {fig['content_exact_f1']:.3f}); "
                f"the share of each article inside attributed content tracks the annotators' with Pearson r "
                f"{fig['content_share_r']:.3f} (mean absolute error {fig['content_share_mae']:.3f}). " + WHERE)
    if measure == "hedges":
        return (f"Validation on the news part of the Szeged uncertainty corpus (FactBank dev, {fig['n_sentences']:,} "
                f"sentences): uncertain-sentence F1 **{fig['sentence_f1']:.3f}** (precision {fig['sentence_precision']:.3f}, "
                f"recall {fig['sentence_recall']:.3f}); cue F1 {fig['cue_exact_f1']:.3f} exact, "
                f"{fig['cue_overlap_f1']:.3f} overlap. " + WHERE)
    raise ValueError(f"no validation sentence for {measure!r}: use 'attribution' or 'hedges'")



def methods_note(figures_path: str | Path | None = None) -> str:
    """The methods paragraph of the party-framing report, with the shipped validation figures (Markdown).

    Figures come from ``presslens/resources/validation/figures.json``, which
    ``scripts/build_validation.py`` writes beside ``VALIDATION.md``; without
    it the note says where to find them.

    >>> "EWT" in methods_note()
    True
    """
    from presslens.report.methods import load_figures

    fig = load_figures(figures_path)
    parts = [
        "Mentions are whole-word matches of the parties file's aliases (longest first; also inside "
        "hyphenated compounds such as \"anti-Pakistan\", whose stance is kept). Place-only uses "
        "(\"in Afghanistan\", \"Afghan soil\") are not counted as actors. Each sentence with a mention is "
        "parsed by presslens's dependency parser (trained on UD English EWT); a mention takes the role of "
        "its noun phrase's head in the parse (subject of an active verb or by-phrase of a passive: agent; "
        "object, passive subject, object of \"against\": patient; aspectual and raising verbs pass the "
        "subject on: \"is expected to reiterate\" makes the party the agent of *reiterate*). Word-order "
        "rules decide only where the parse has no answer (anti- compounds, nouns left without a relation). "
        "Verb agency and power: Sap et al. (2017) connotation frames. Tone: a target-level model trained on "
        "NewsMTSC (Hamborg & Donnay 2021). Labels and frame dimensions are counts of the cited lexicons "
        "(`lexicons/descriptors.yml`, `lexicons/frames.yml`, after Boydstun et al.'s Policy Frames "
        "Codebook) and have not been validated against human coding.",
    ]
    r, t, a = fig.get("roles"), fig.get("tone"), fig.get("article_mentions")
    if r or t or a:
        items = []
        if r:
            items.append(f"roles agree with the UD English EWT test treebank for **{r['accuracy']:.1%}** of "
                         f"{r['n']:,} subjects, objects and by-agents (dependency parser UAS {r['uas']:.1%})")
        if t:
            items.append(f"target tone on NewsMTSC devtest_mt: macro-F1 **{t['macro_f1']:.3f}** over "
                         f"{t['n']:,} targets, against {t['vader_macro_f1']:.3f} for whole-sentence VADER "
                         f"(published best, a fine-tuned RoBERTa: 0.83)")
        if a:
            items.append(f"on the hand-coded default article, {a['found']} of {a['n_gold']} party mentions are "
                         f"found with their party and {a['role_right']} of them have the coder's role")
        parts.append("Validation: " + "; ".join(items) + ". Details and the commands that reproduce them: "
                     "`VALIDATION.md`.")
    else:
        parts.append("Validation figures: see the project's `VALIDATION.md` (`scripts/build_validation.py`).")
    return "\n\n".join(parts)


__all__ = ["FIGURES_PATH", "load_figures", "validation_sentence"]
