"""The attribution taggers presslens ships, in one table.

Every tagger has the same contract: ``tag(seqs)`` takes paragraph sequences
(:class:`presslens.attribution.sequences.Seq`) and returns one label list per
sequence over :data:`presslens.attribution.labels.LABELS`. Which one runs is
a value passed explicitly (``attribution_model="default"``) to the pipeline,
the report kernels and the corpus workers, and recorded in provenance; this
module is the only place that turns the name into a model. The table names
each loader by its dotted path, so that reading it (the report command does,
for the footer) loads no model code.

>>> sorted(MODELS)
['accurate', 'default']
>>> model_spec("default").card
'attribution_rnn.md'
>>> model_spec("fastest")
Traceback (most recent call last):
...
presslens.errors.ConfigError: unknown attribution model 'fastest': choose one of default, accurate
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol

from presslens.errors import ConfigError

if TYPE_CHECKING:
    from presslens.attribution.sequences import Seq

#: The model a run uses unless told otherwise.
DEFAULT_MODEL = "default"


class Tagger(Protocol):
    """What every attribution tagger does: one label list per paragraph sequence."""

    def tag(self, seqs: Sequence[Seq]) -> list[list[str]]: ...


@dataclass(frozen=True)
class ModelSpec:
    """One shipped tagger: its name, what it is, its model card and its loader."""

    name: str
    summary: str
    card: str  # file in presslens/resources/models/ with its training data and validation figures
    loader: str  # "module:function" returning the loaded tagger


MODELS: dict[str, ModelSpec] = {
    "default": ModelSpec(
        "default", "a small recurrent tagger distilled from an ensemble (fast; corpus mode's model)",
        "attribution_rnn.md", "presslens.attribution.rnn:default_tagger"),
    "accurate": ModelSpec(
        "accurate", "a fine-tuned MPNet transformer (most accurate; about 60 times slower)",
        "attribution_mpnet.md", "presslens.attribution.transformer:accurate_model"),
}


def model_spec(name: str) -> ModelSpec:
    """The table row of a model name; an unknown name is a one-line error listing the choices."""
    try:
        return MODELS[name]
    except KeyError:
        raise ConfigError(f"unknown attribution model {name!r}: choose one of {', '.join(MODELS)}") from None


@lru_cache(maxsize=len(MODELS))
def load_model(name: str = DEFAULT_MODEL) -> Tagger:
    """The loaded tagger of a name (loaded once per process; models are read-only)."""
    module, function = model_spec(name).loader.split(":")
    return getattr(importlib.import_module(module), function)()
