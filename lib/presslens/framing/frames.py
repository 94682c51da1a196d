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
import yaml

from presslens.errors import ConfigError
from presslens.syntax.morphology import inflections
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
