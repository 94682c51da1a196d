"""Frame dimensions: which aspects of the conflict each sentence talks about.

A documented cue lexicon (``lexicons/frames.yml``, after Boydstun et al.'s
Policy Frames Codebook) assigns every content sentence to zero or more
dimensions (security and defence, diplomacy and negotiation, law and
legitimacy, terrorism and crime, sovereignty and territory, economy,
humanitarian, public opinion and media). The ``frame`` layer holds one span
per matched cue, so every figure can be traced to the words behind it.

>>> from presslens import annotate_text
>>> doc = add_frames(annotate_text("Militants attacked a border post during the talks."))
>>> sorted(set(doc.layer("frame")["label"]))
['diplomacy_negotiation', 'security_defence', 'terrorism_crime']
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from presslens.errors import ConfigError
from presslens.hedging.hedging import inflections
from presslens.resources.files import SafeLoader, lexicon_path
from presslens.document.spans import Document


@dataclass(frozen=True)
class FrameLexicon:
    """Dimensions (id -> label) and cues (tuple of lower-case words -> dimension ids)."""

    labels: dict[str, str]
    cues: dict[tuple[str, ...], tuple[str, ...]]
    max_len: int
    version: str

    @property
    def ids(self) -> list[str]:
        return list(self.labels)


def _read(path: Path) -> dict:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=SafeLoader)  # noqa: S506
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{path}:{where} not valid YAML ({getattr(exc, 'problem', exc)})") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror})") from None
    if not isinstance(data, dict) or not isinstance(data.get("dimensions"), dict):
        raise ConfigError(f"{path}: expected a mapping with a 'dimensions' key")
    return data


def load_frame_lexicon(extra: str | os.PathLike[str] | None = None) -> FrameLexicon:
    """The shipped frame lexicon, extended by a user YAML of the same shape.

    >>> lex = load_frame_lexicon()
    >>> lex.labels["economy"]
    'Economy'
    >>> lex.cues[("talks",)]
    ('diplomacy_negotiation',)
    """
    paths = [lexicon_path("frames.yml")] + ([Path(extra)] if extra else [])
    labels: dict[str, str] = {}
    cues: dict[tuple[str, ...], set[str]] = {}
    digest = hashlib.sha256()
    for path in paths:
        digest.update(Path(path).read_bytes() if Path(path).exists() else b"")
        for dim, spec in _read(Path(path))["dimensions"].items():
            if not isinstance(spec, dict) or not isinstance(spec.get("cues", []), list):
                raise ConfigError(f"{path}: dimension '{dim}' needs a 'cues' list")
            labels.setdefault(str(dim), str(spec.get("label") or dim))
            for cue in spec.get("cues", []):
                words = tuple(str(cue).lower().split())
                forms = [(w,) for w in inflections(words[0])] if len(words) == 1 else [words]
                for f in forms:
                    cues.setdefault(f, set()).add(str(dim))
    frozen = {k: tuple(sorted(v, key=list(labels).index)) for k, v in cues.items()}
    return FrameLexicon(labels, frozen, max(len(k) for k in frozen), digest.hexdigest()[:12])


@lru_cache(maxsize=1)
def default_frame_lexicon() -> FrameLexicon:
    return load_frame_lexicon()


def add_frames(doc: Document, lexicon: FrameLexicon | None = None) -> Document:
    """Add the ``frame`` layer: one span per cue (``label`` = dimension id, ``cue``, ``sentence``).

    Longest cue first; a cue word listed under several dimensions gives one
    span per dimension. Boilerplate sentences are skipped.
    """
    lex = lexicon or default_frame_lexicon()
    if "token" not in doc.layers:
        from presslens.syntax.segment import segment

        segment(doc)
    tok = doc.layer("token")
    starts = tok["start"].to_numpy()
    ends = tok["end"].to_numpy()
    lower = [doc.text[s:e].lower() for s, e in zip(starts.tolist(), ends.tolist())]
    records = []
    for si, (ss, se, label) in enumerate(doc.layer("sentence")[["start", "end", "label"]].itertuples(index=False)):
        if label == "boilerplate":
            continue
        lo, hi = np.searchsorted(starts, [ss, se], "left")
        i = int(lo)
        while i < hi:
            for n in range(min(lex.max_len, hi - i), 0, -1):
                dims = lex.cues.get(tuple(lower[i:i + n]))
                if dims:
                    for d in dims:
                        records.append({"start": int(starts[i]), "end": int(ends[i + n - 1]), "label": d,
                                        "cue": " ".join(lower[i:i + n]), "sentence": si})
                    i += n
                    break
            else:
                i += 1
    doc.add_layer("frame", records)
    return doc


def sentence_frames(doc: Document, lexicon: FrameLexicon | None = None) -> pd.DataFrame:
    """One row per (content sentence, dimension) with the cues found: ``sentence``, ``dimension``, ``cues``, ``text``.

    >>> from presslens import annotate_text
    >>> sentence_frames(annotate_text("The talks resumed."))[["sentence", "dimension", "cues"]].values.tolist()
    [[0, 'diplomacy_negotiation', 'talks; resumed']]
    """
    if "frame" not in doc.layers:
        add_frames(doc, lexicon)
    f = doc.layer("frame")
    if not len(f):
        return pd.DataFrame(columns=["sentence", "dimension", "cues", "text"])
    g = f.groupby(["sentence", "label"], sort=True)["cue"].agg(lambda c: "; ".join(dict.fromkeys(c)))
    out = g.reset_index().rename(columns={"label": "dimension", "cue": "cues"})
    out["sentence"] = out["sentence"].astype(int)
    sents = doc.layer("sentence")[["start", "end"]].to_numpy()
    out["text"] = [" ".join(doc.text[sents[i][0]:sents[i][1]].split()) for i in out["sentence"]]
    return out


def party_frames(doc: Document, parties, lexicon: FrameLexicon | None = None) -> pd.DataFrame:
    """Party x dimension: share of the sentences mentioning each party that carry each dimension.

    Columns ``party``, ``dimension``, ``label``, ``sentences`` (with the
    party and the dimension), ``n`` (sentences mentioning the party),
    ``share``. Needs the ``mention`` layer (added when absent).

    >>> from presslens import annotate_text
    >>> from presslens.framing.parties import PartyConfig
    >>> cfg = PartyConfig.from_dict({"parties": {"pk": {"label": "Pakistan", "aliases": ["Pakistan"]}}})
    >>> t = party_frames(annotate_text("Pakistan joined the talks. Pakistan has a border."), cfg)
    >>> t.set_index("dimension").loc["diplomacy_negotiation", "share"]
    np.float64(0.5)
    """
    lex = lexicon or default_frame_lexicon()
    if "mention" not in doc.layers:
        from presslens.framing.framing import add_mentions

        add_mentions(doc, parties)
    sf = sentence_frames(doc, lex)
    m = doc.layer("mention")
    if len(m) and "place_only" in m:
        m = m[~m["place_only"].astype(bool)]
    rows = []
    for pid in parties.ids:
        sents = set(m.loc[m["label"] == pid, "sentence"].astype(int)) if len(m) else set()
        for dim in lex.ids:
            k = len(sents & set(sf.loc[sf["dimension"] == dim, "sentence"])) if len(sf) else 0
            rows.append((pid, dim, lex.labels[dim], k, len(sents), k / len(sents) if sents else np.nan))
    return pd.DataFrame(rows, columns=["party", "dimension", "label", "sentences", "n", "share"])
