"""The shipped gazetteer: countries, their other names, capitals and demonyms.

Read from ``lexicons/countries.tsv`` (written for presslens, cited in its
header). Every variant of a country points to it, except variants two
countries share ("Dominican"), which point to neither.

>>> gaz = default_gazetteer()
>>> gaz.country_of("Islamabad"), gaz.country_of("Pakistanis"), gaz.country_of("Turkey")
('pakistan', 'pakistan', 'turkiye')
>>> gaz.countries["afghanistan"].variants
('Afghanistan', 'Kabul', 'Afghan', 'Afghans')
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from presslens.errors import ConfigError
from presslens.resources.files import lexicon_path

GAZETTEER = "countries.tsv"


@dataclass(frozen=True)
class Country:
    """One country: ``id``, the short ``name``, ``other_names``, ``capitals`` (and seats), ``demonyms``."""

    id: str
    name: str
    other_names: tuple[str, ...]
    capitals: tuple[str, ...]
    demonyms: tuple[str, ...]

    @property
    def variants(self) -> tuple[str, ...]:
        """Every way the gazetteer knows of naming the country, its name first."""
        return tuple(dict.fromkeys((self.name, *self.other_names, *self.capitals, *self.demonyms)))


@dataclass(frozen=True, eq=False)  # hashed by identity: its lookup table is cached per gazetteer
class Gazetteer:
    countries: dict[str, Country]
    source: str

    @property
    def lookup(self) -> dict[str, str]:
        """Variant -> country id, for the variants only one country has."""
        return _lookup(self)

    def country_of(self, phrase: str) -> str | None:
        """The country a phrase names ("Kabul" -> ``afghanistan``), or None."""
        return self.lookup.get(" ".join(phrase.split()))

    def is_demonym(self, word: str) -> bool:
        """True for a demonym of exactly one country ("Afghan", "Pakistani").

        >>> default_gazetteer().is_demonym("Afghan"), default_gazetteer().is_demonym("Kabul")
        (True, False)
        """
        cid = self.lookup.get(word)
        return cid is not None and word in self.countries[cid].demonyms


@lru_cache(maxsize=8)
def _lookup(gaz: Gazetteer) -> dict[str, str]:
    owners: dict[str, set[str]] = {}
    for c in gaz.countries.values():
        for v in c.variants:
            owners.setdefault(v, set()).add(c.id)
    return {v: ids.pop() for v, ids in owners.items() if len(ids) == 1}


def load_gazetteer(path: str | os.PathLike[str] | None = None) -> Gazetteer:
    """Read a gazetteer file of the shape of ``lexicons/countries.tsv``; errors name the file and line."""
    path = Path(path) if path else lexicon_path(GAZETTEER)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the gazetteer ({exc})") from None
    countries: dict[str, Country] = {}
    for n, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) < 2 or not cells[0].strip() or not cells[1].strip():
            raise ConfigError(f"{path}: line {n}: expected id, country, other names, capitals, demonyms "
                              "separated by tabs")
        cells += [""] * (5 - len(cells))

        def parts(cell: str) -> tuple[str, ...]:
            return tuple(v.strip() for v in cell.split("|") if v.strip())

        cid = cells[0].strip()
        if cid in countries:
            raise ConfigError(f"{path}: line {n}: country id {cid!r} appears twice")
        countries[cid] = Country(cid, cells[1].strip(), parts(cells[2]), parts(cells[3]), parts(cells[4]))
    return Gazetteer(countries, str(path))


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The shipped gazetteer (read once per process)."""
    return load_gazetteer()
