"""Verb lexicons: Sap et al.'s (2017) connotation frames of agency and power.

``lexicons/agency_power.csv`` (cited in ``lexicons/agency_power.md``) gives
each verb the agency and power it grants its subject; its verbs are also
the vocabulary the lemmatiser checks its guesses against.
"""

from __future__ import annotations

import csv
from functools import lru_cache

from presslens.resources.files import lexicon_path


@lru_cache(maxsize=1)
def agency_power_lexicon() -> dict[str, tuple[int | None, int | None]]:
    """Verb lemma -> (agency, power) scores: +1 pos/agent, -1 neg/theme, 0 equal, None unlabelled.

    >>> agency_power_lexicon()["attack"]
    (1, 1)
    """
    score = {"pos": 1, "agent": 1, "neg": -1, "theme": -1, "equal": 0, "": None}
    out: dict[str, tuple[int | None, int | None]] = {}
    with open(lexicon_path("agency_power.csv"), encoding="utf-8") as fh:
        rows = csv.reader(ln for ln in fh if not ln.startswith("#"))
        next(rows)
        for row in rows:
            if len(row) == 3 and row[0]:
                out[row[0].strip()] = (score.get(row[1].strip()), score.get(row[2].strip()))
    return out


@lru_cache(maxsize=1)
def known_verbs() -> frozenset[str]:
    """The verbs of the agency/power lexicon.

    >>> "attack" in known_verbs()
    True
    """
    return frozenset(agency_power_lexicon())
