"""Party configuration: who the parties to a conflict are and how texts name them.

A YAML file maps party ids to a label and aliases::

    parties:
      pakistan:
        label: Pakistan
        aliases: [Pakistan, Pakistani, Islamabad]
      mediators:
        label: Mediators
        aliases: [Qatar, {text: turkish, ignore_case: true}]

Aliases match whole words, case-sensitively unless marked ``ignore_case``,
longest first, also inside hyphenated compounds ("anti-Pakistan",
"pro-Afghan Taliban"), where the prefix gives the compound's stance.

>>> cfg = PartyConfig.from_dict({"parties": {"pk": {"label": "Pakistan", "aliases": ["Pakistan", "Pakistani"]}}})
>>> [(m.start, m.end, m.party, m.stance) for m in cfg.find("Pakistani officials and anti-Pakistan groups")]
[(0, 9, 'pk', None), (24, 37, 'pk', 'anti')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from presslens.errors import ConfigError
from presslens.resources.files import read_config_text

#: Hyphenated prefixes whose compound expresses a stance towards the party.
STANCE_PREFIXES = ("anti", "pro")


@dataclass(frozen=True)
class Party:
    id: str
    label: str
    aliases: tuple[tuple[str, bool], ...]  # (alias, ignore_case)


@dataclass(frozen=True)
class AliasMatch:
    """One alias occurrence: ``[start, end)`` covers the prefix of a compound too."""

    start: int
    end: int
    party: str
    alias: str
    stance: str | None = None
    alias_start: int = 0


@dataclass
class PartyConfig:
    parties: dict[str, Party]
    source: str = "<dict>"
    _pattern: re.Pattern[str] | None = field(default=None, repr=False)
    _lookup: dict[str, tuple[str, str]] = field(default_factory=dict, repr=False)

    @classmethod
    def from_file(cls, path: str | Path) -> "PartyConfig":
        """Read and validate a parties file; errors name the file and line."""
        path = Path(path)
        text = read_config_text(path, "parties file")
        try:
            node = yaml.compose(text)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark
            line = f"line {mark.line + 1}" if mark else "unknown line"
            where = ""
            ctx = exc.context_mark
            if exc.context and ctx is not None and (mark is None or ctx.line != mark.line):
                where = f"; {exc.context} that starts on line {ctx.line + 1}"
            raise ConfigError(f"{path}: {line}: malformed YAML ({exc.problem}{where})") from None
        return cls._from_node(node, str(path))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "PartyConfig":
        return cls._from_node(yaml.compose(yaml.safe_dump(data, allow_unicode=True)), "<dict>")

    @classmethod
    def _from_node(cls, root: yaml.Node | None, source: str) -> "PartyConfig":
        def fail(node: yaml.Node | None, problem: str) -> ConfigError:
            line = f"line {node.start_mark.line + 1}: " if node is not None else ""
            return ConfigError(f"{source}: {line}{problem}")

        if not isinstance(root, yaml.MappingNode):
            raise fail(root, "expected a mapping with a 'parties' key")
        top = {k.value: v for k, v in root.value}
        if "parties" not in top:
            raise fail(root, "no 'parties' key")
        pnode = top["parties"]
        if not isinstance(pnode, yaml.MappingNode) or not pnode.value:
            raise fail(pnode, "'parties' must map party ids to {label, aliases}")
        parties: dict[str, Party] = {}
        alias_nodes: dict[tuple[str, str], yaml.Node] = {}
        for key, body in pnode.value:
            pid = key.value
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", str(pid)):
                raise fail(key, f"party id {pid!r} must be a plain identifier (letters, digits, _)")
            if pid in parties:
                raise fail(key, f"party {pid!r} is defined twice")
            if not isinstance(body, yaml.MappingNode):
                raise fail(body, f"party {pid!r} must be a mapping with 'label' and 'aliases'")
            fields = {k.value: v for k, v in body.value}
            unknown = set(fields) - {"label", "aliases", "description"}
            if unknown:
                raise fail(body, f"party {pid!r} has unknown keys: {', '.join(sorted(unknown))}")
            label_node = fields.get("label")
            label = label_node.value if isinstance(label_node, yaml.ScalarNode) else pid
            anode = fields.get("aliases")
            if not isinstance(anode, yaml.SequenceNode) or not anode.value:
                raise fail(anode or body, f"party {pid!r} needs a non-empty list of 'aliases'")
            aliases = []
            for item in anode.value:
                if isinstance(item, yaml.ScalarNode) and item.value.strip():
                    aliases.append((item.value.strip(), False))
                elif isinstance(item, yaml.MappingNode):
                    d = {k.value: v.value for k, v in item.value}
                    if not str(d.get("text", "")).strip():
                        raise fail(item, f"alias of {pid!r} needs 'text'")
                    aliases.append((str(d["text"]).strip(), str(d.get("ignore_case", "false")).lower() == "true"))
                else:
                    raise fail(item, f"alias of {pid!r} must be a string or {{text, ignore_case}}")
                alias_nodes[(pid, aliases[-1][0])] = item
            parties[pid] = Party(pid, str(label), tuple(aliases))
        cfg = cls(parties, source)
        cfg._compile(fail, pnode, alias_nodes)
        return cfg

    def _compile(self, fail, node, alias_nodes: dict | None = None) -> None:
        entries: list[tuple[str, str, bool]] = []
        seen: dict[str, str] = {}
        for party in self.parties.values():
            for alias, icase in party.aliases:
                key = alias.lower() if icase else alias
                if key in seen and seen[key] != party.id:
                    where = (alias_nodes or {}).get((party.id, alias), node)
                    raise fail(where, f"alias {alias!r} belongs to both {seen[key]!r} and {party.id!r}")
                seen[key] = party.id
                entries.append((alias, party.id, icase))
        # Longest first, so "Afghan Taliban government" wins over "Taliban".
        entries.sort(key=lambda e: (-len(e[0]), e[0]))
        alts = []
        for alias, pid, icase in entries:
            body = r"\s+".join(re.escape(w) for w in alias.split())
            alts.append(f"(?i:{body})" if icase else body)
            self._lookup[alias.lower() if icase else alias] = (pid, alias)
        stance = "|".join(STANCE_PREFIXES)
        self._pattern = re.compile(
            rf"(?<!\w)(?:(?P<stance>(?i:{stance}))-)?(?P<alias>{'|'.join(alts)})(?!\w)"
            if alts else r"(?!x)x"
        )

    @property
    def ids(self) -> list[str]:
        return list(self.parties)

    def label(self, party_id: str) -> str:
        return self.parties[party_id].label

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[AliasMatch]:
        """Every alias occurrence in ``text[start:end]`` (offsets into ``text``)."""
        assert self._pattern is not None
        out = []
        for m in self._pattern.finditer(text, start, len(text) if end is None else end):
            alias_text = " ".join(m.group("alias").split())
            pid, alias = self._lookup.get(alias_text) or self._lookup[alias_text.lower()]
            stance = m.group("stance").lower() if m.group("stance") else None
            out.append(AliasMatch(m.start(), m.end(), pid, alias, stance, m.start("alias")))
        return out

    def party_of(self, phrase: str) -> str | None:
        """The single party a phrase names, or None when it names none or several."""
        found = {m.party for m in self.find(phrase) if m.stance is None}
        return found.pop() if len(found) == 1 else None


def load_parties(path: str | Path | None) -> PartyConfig | None:
    """Load a parties file, or None when no path is given."""
    return PartyConfig.from_file(path) if path else None
