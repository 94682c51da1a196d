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


def validation_sentence(measure: str, path: str | Path | None = None) -> str:
    """One Markdown sentence with the validation figures of ``attribution`` or ``hedges``.

    >>> validation_sentence("hedges").startswith("Validation")
    True
    """
    fig = load_figures(path).get(measure)
    if not fig:
        return "Validation figures: see the project's `VALIDATION.md` (`scripts/build_validation.py`)."
    if measure == "attribution":
        from presslens.attribution.rnn import MODEL_CARDS, model_choice

        model = model_choice()
        if model != "default":
            card = MODEL_CARDS.get(model)
            where = (f"its validation figures are in `lib/presslens/models/{card}`" if card else
                     "measure its accuracy with `presslens evaluate attribution`")
            return (f"This run used the attribution model `{model}` (`PRESSLENS_ATTRIBUTION_MODEL`), not the default "
                    f"one: {where}. " + WHERE)
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


__all__ = ["FIGURES_PATH", "load_figures", "validation_sentence"]
