"""The hedge lexicon: ``lexicons/hedges.yml`` read into patterns indexed by their first token.

Each entry is a token pattern, a category and a source citation;
researchers extend it with a file of their own of the same shape
(:meth:`HedgeLexicon.load`).
"""

from __future__ import annotations


import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from presslens.errors import ConfigError
from presslens.resources.files import SafeLoader, lexicon_path, load_yaml
from presslens.resources.hashing import file_sha256
from presslens.hedging.checks import CHECKS
from presslens.hedging.patterns import BLOCK, BOOSTER_CATEGORIES, Cue, Entry, HEDGE_CATEGORIES, MAX_GAP, _Sentence, _match_at, _negated, compile_pattern

class _LineLoader(SafeLoader):  # type: ignore[misc,valid-type]
    """A YAML loader that remembers the line of every mapping (for error messages)."""


def _construct_mapping_with_line(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping_with_line)


def _read_entries(path: Path) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Raw entries (with ``__line__``) and header of one lexicon file, validated."""
    data = load_yaml(path, _LineLoader)  # syntax errors -> ConfigError with file, line and column
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise ConfigError(f"{path}: line 1: a hedge lexicon needs a list `entries:`")
    valid = set(HEDGE_CATEGORIES) | set(BOOSTER_CATEGORIES) | {BLOCK}
    entries = []
    for item in data["entries"]:
        line = item.get("__line__", "?") if isinstance(item, dict) else "?"
        if not isinstance(item, dict):
            raise ConfigError(f"{path}: an entry is not a mapping: {item!r}")
        cue = item.get("cue")
        if not isinstance(cue, str) or not cue.split():
            raise ConfigError(f"{path}: line {line}: entry without a `cue` pattern")
        if item.get("disable"):
            entries.append(item)
            continue
        if item.get("category") not in valid:
            raise ConfigError(
                f"{path}: line {line}: cue {cue!r} has unknown category {item.get('category')!r} "
                f"(one of: {', '.join(sorted(valid))})"
            )
        if not item.get("source"):
            raise ConfigError(f"{path}: line {line}: cue {cue!r} needs a `source` (citation)")
        if item.get("check") and item["check"] not in CHECKS:
            raise ConfigError(f"{path}: line {line}: cue {cue!r} names unknown check {item['check']!r}")
        pos = item.get("pos", [])
        if isinstance(pos, str):
            pos = [pos]
        if not isinstance(pos, list) or not all(isinstance(p, str) for p in pos):
            raise ConfigError(f"{path}: line {line}: `pos` of {cue!r} must be a list of tag prefixes")
        item["pos"] = pos
        entries.append(item)
    header = {k: v for k, v in data.items() if k != "entries"}
    return entries, header


@dataclass
class HedgeLexicon:
    """The compiled cue lexicon, indexed by first token.

    >>> lex = HedgeLexicon.load()
    >>> lex.version
    '1.0'
    >>> any(e.category == "anticipatory" for e in lex.candidates("is"))
    True
    """

    entries: list[Entry]
    version: str = "?"
    files: list[str] = field(default_factory=list)
    sha256: list[str] = field(default_factory=list)
    _index: dict[str, list[Entry]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        index: dict[str, list[Entry]] = {}
        for entry in self.entries:
            for form in entry.tokens[0]:
                index.setdefault(form, []).append(entry)
        # longest patterns first, so the first full match at a position is the best one
        for cands in index.values():
            cands.sort(key=lambda e: -len(e.tokens))
        self._index = index

    @classmethod
    def load(cls, extra: str | os.PathLike[str] | None = None) -> "HedgeLexicon":
        """The shipped lexicon, merged with a user file of the same shape.

        A user entry with the same ``cue`` as a shipped one replaces it;
        ``disable: true`` removes it. Malformed files raise
        :class:`~presslens.errors.ConfigError` naming the file and line.

        >>> HedgeLexicon.load().describe()["entries"] > 100
        True
        """
        paths = [lexicon_path("hedges.yml")] + ([Path(extra)] if extra else [])
        merged: dict[str, dict[str, Any]] = {}
        version = "?"
        for i, path in enumerate(paths):
            raw, header = _read_entries(path)
            if i == 0:
                version = str(header.get("version", "?"))
            for item in raw:
                key = " ".join(item["cue"].split())
                if item.get("disable"):
                    merged.pop(key, None)
                    continue
                merged[key] = {**item, "__file__": str(path)}
        entries = []
        for key, item in merged.items():
            try:
                tokens = compile_pattern(key)
            except ValueError as exc:
                raise ConfigError(f"{item['__file__']}: line {item.get('__line__', '?')}: {exc}") from None
            entries.append(Entry(
                pattern=key, category=item["category"], source=str(item["source"]), tokens=tokens,
                pos=tuple(item.get("pos") or ()), check=item.get("check"), gaps=bool(item.get("gaps", True)),
                cls=item.get("class"),
            ))
        return cls(entries, version, [str(p) for p in paths], [file_sha256(p) for p in paths])

    def candidates(self, form: str) -> list[Entry]:
        """Entries whose pattern can start with this (lower-cased) token."""
        return self._index.get(form, [])

    def describe(self) -> dict[str, Any]:
        """Version, files and checksums, for a report's methods note."""
        return {"version": self.version, "files": self.files, "sha256": self.sha256, "entries": len(self.entries)}

    # ----------------------------------------------------------- matching

    def find(self, text: str, tokens: Sequence[tuple[int, int, str | None]]) -> list[Cue]:
        """Cues in one sentence given its tokens ``(start, end, Penn tag)``.

        Longer cues win over shorter ones they overlap ("is not expected to"
        over "expected"); blocking entries (category ``none``) hide what they
        cover.
        """
        sent = _Sentence(text, tokens)
        found: list[tuple[int, int, Entry, str, list[int], str | None]] = []
        forms = sent.forms
        for i, form in enumerate(forms):
            window: list[str] | None = None
            for entry in self.candidates(form):
                if len(entry.tokens) > 1:
                    # Quick rejection (a "be" form starts 25 patterns): the
                    # second token must lie within the gap window of _match_at.
                    want = entry.tokens[1]
                    if entry.gaps:
                        if window is None:
                            window = forms[i + 1 : i + 2 + MAX_GAP]
                        if want.isdisjoint(window):
                            continue
                    elif i + 1 >= len(forms) or forms[i + 1] not in want:
                        continue
                positions = _match_at(sent, i, entry)
                if positions is None:
                    continue
                category, cls = entry.category, entry.cls
                if entry.check:
                    verdict = CHECKS[entry.check](sent, positions, entry)
                    if verdict is False:
                        continue
                    if isinstance(verdict, str):
                        category = verdict
                    elif isinstance(verdict, tuple):  # (category, class)
                        category, cls = verdict
                found.append((positions[0], positions[-1], entry, category, positions, cls))
        # Resolve overlaps: longest span first, then leftmost.
        found.sort(key=lambda f: (-(f[1] - f[0]), f[0]))
        taken: set[int] = set()
        cues = []
        for first, last, entry, category, _positions, cls in found:
            if any(k in taken for k in range(first, last + 1)):
                continue
            taken.update(range(first, last + 1))
            if entry.kind == BLOCK or category == BLOCK:
                continue
            start, end = sent.tokens[first][0], sent.tokens[last][1]
            cues.append(Cue(start, end, entry.kind, category, _negated(sent, first, last), entry.pattern, cls))
        cues.sort(key=lambda c: (c.start, c.end))
        return cues


@lru_cache(maxsize=1)
def default_lexicon() -> HedgeLexicon:
    """The shipped lexicon, loaded once."""
    return HedgeLexicon.load()
