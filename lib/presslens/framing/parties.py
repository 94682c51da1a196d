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

import functools
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
    #: What the file holds that is legal but probably not meant (common words as aliases), one line each.
    warnings: list[str] = field(default_factory=list, repr=False)

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
        top = _mapping(root, fail, "the top level")
        if "parties" not in top:
            raise fail(root, "no 'parties' key")
        pnode = top["parties"]
        if not isinstance(pnode, yaml.MappingNode) or not pnode.value:
            raise fail(pnode, "'parties' must map party ids to {label, aliases}")
        parties: dict[str, Party] = {}
        alias_nodes: dict[tuple[str, str], yaml.Node] = {}
        warnings: list[str] = []
        for key, body in pnode.value:
            pid = key.value
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", str(pid)):
                raise fail(key, f"party id {pid!r} must be a plain identifier (letters, digits, _)")
            if pid in parties:
                raise fail(key, f"party {pid!r} is defined twice")
            if not isinstance(body, yaml.MappingNode):
                raise fail(body, f"party {pid!r} must be a mapping with 'label' and 'aliases'")
            fields = _mapping(body, fail, f"party {pid!r}")
            unknown = set(fields) - {"label", "aliases", "description"}
            if unknown:
                raise fail(body, f"party {pid!r} has unknown keys: {', '.join(sorted(unknown))}")
            label = _text(fields["label"], fail, f"the label of {pid!r}") if "label" in fields else pid
            if "description" in fields:
                _text(fields["description"], fail, f"the description of {pid!r}")
            anode = fields.get("aliases")
            if not isinstance(anode, yaml.SequenceNode) or not anode.value:
                raise fail(anode or body, f"party {pid!r} needs a non-empty list of 'aliases'")
            aliases = []
            for item in anode.value:
                if isinstance(item, yaml.ScalarNode):
                    aliases.append((_text(item, fail, f"an alias of {pid!r}"), False))
                elif isinstance(item, yaml.MappingNode):
                    d = _mapping(item, fail, f"an alias of {pid!r}")
                    extra = set(d) - {"text", "ignore_case"}
                    if extra:
                        raise fail(item, f"alias of {pid!r} has unknown keys: {', '.join(sorted(extra))} "
                                         "(it takes text and ignore_case)")
                    if "text" not in d:
                        raise fail(item, f"alias of {pid!r} needs 'text'")
                    icase = d.get("ignore_case")
                    if icase is not None and not (isinstance(icase, yaml.ScalarNode) and icase.tag == _BOOL):
                        raise fail(icase, f"ignore_case of an alias of {pid!r} must be true or false, "
                                          f"not {getattr(icase, 'value', '?')!r}")
                    aliases.append((_text(d["text"], fail, f"an alias of {pid!r}"),
                                    icase is not None and icase.value.lower() in ("true", "yes", "on", "y")))
                else:
                    raise fail(item, f"alias of {pid!r} must be a string or {{text, ignore_case}}")
                alias_nodes[(pid, aliases[-1][0])] = item
                warning = _common_word_warning(aliases[-1][0], aliases[-1][1])
                if warning:
                    warnings.append(f"{source}: line {item.start_mark.line + 1}: alias {aliases[-1][0]!r} of "
                                    f"{pid!r} {warning}")
            parties[pid] = Party(pid, str(label), tuple(aliases))
        cfg = cls(parties, source)
        cfg.warnings = warnings
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


_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"


def _mapping(node: yaml.MappingNode, fail, what: str) -> dict[str, yaml.Node]:
    """A mapping node's keys and values; a key given twice is an error at its second line."""
    out: dict[str, yaml.Node] = {}
    for key, value in node.value:
        name = key.value if isinstance(key, yaml.ScalarNode) else None
        if not isinstance(name, str):
            raise fail(key, f"{what}: keys must be plain names")
        if name in out:
            raise fail(key, f"{what}: key {name!r} is given twice (the first on line "
                            f"{_key_line(node, name)})")
        out[name] = value
    return out


def _key_line(node: yaml.MappingNode, name: str) -> int:
    return next(k.start_mark.line + 1 for k, _ in node.value if getattr(k, "value", None) == name)


def _text(node: yaml.Node, fail, what: str) -> str:
    """A non-empty text scalar: a list, a mapping, ``~`` or an empty value is an error naming the line."""
    if not isinstance(node, yaml.ScalarNode):
        kind = "a list" if isinstance(node, yaml.SequenceNode) else "a mapping"
        raise fail(node, f"{what} must be text, not {kind}")
    if node.tag == _NULL or not node.value.strip():
        raise fail(node, f"{what} is empty (~ or nothing); give the text")
    return node.value.strip()


@functools.lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """The common English words a party alias is warned about (``lexicons/common_words.txt``)."""
    from presslens.resources.files import lexicon_path, read_word_list

    return frozenset(read_word_list(lexicon_path("common_words.txt")))


def _common_word_warning(alias: str, ignore_case: bool) -> str | None:
    word = alias.lower()
    # Matched case-sensitively, an acronym ("US") is not the word ("us").
    if word not in common_words() or not (ignore_case or alias in (word, word.capitalize())):
        return None
    how = ", in any case," if ignore_case else (" (at a sentence start too)" if alias[:1].isupper() else "")
    return (f"is a common English word: every {alias!r}{how} in an article counts as a mention of the party; "
            "use a longer alias if that is not meant")


def load_parties(path: str | Path | None) -> PartyConfig | None:
    """Load a parties file, or None when no path is given."""
    return PartyConfig.from_file(path) if path else None
