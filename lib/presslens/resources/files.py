"""Where presslens's shipped data lives: lexicons, models, notebooks, validation figures.

Every file ships inside the package (a wheel installed anywhere finds them
the same way as a checkout). Lexicons are versioned, cited data files: each
says where its entries come from. Researchers extend a lexicon with a file of
their own of the same shape (passed as a parameter), never by editing the
package, so a report can always name the exact lexicon it used.

>>> lexicon_path("hedges.yml").name
'hedges.yml'
>>> model_path("attribution_rnn.bin.gz").parent.name
'models'
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from presslens.errors import ConfigError

PACKAGE_DIR = Path(str(resources.files("presslens")))
LEXICON_DIR = PACKAGE_DIR / "resources" / "lexicons"
MODEL_DIR = PACKAGE_DIR / "resources" / "models"
#: The report notebooks. In a checkout this is a link to the top-level
#: ``notebooks/`` folder researchers open; a wheel holds copies.
NOTEBOOK_DIR = PACKAGE_DIR / "notebooks"
#: The headline validation figures the reports quote (written by ``tasks.py validate``).
FIGURES_PATH = PACKAGE_DIR / "resources" / "validation" / "figures.json"

#: libyaml's parser where PyYAML was built with it (its wheels are): the same
#: documents, errors and line marks as the pure-Python SafeLoader, about ten
#: times faster, which matters when a short report loads every lexicon.
SafeLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def lexicon_path(name: str) -> Path:
    """Path of a shipped lexicon file, e.g. ``lexicon_path("boilerplate.yml")``."""
    path = LEXICON_DIR / name
    if not path.is_file():
        raise FileNotFoundError(f"presslens ships no lexicon named {name!r}")
    return path


def model_path(name: str) -> Path:
    """Path of a shipped model file (which may be absent: callers say what to do then)."""
    return MODEL_DIR / name


#: Largest configuration file read (parties, lexicon extensions): they are kilobytes.
MAX_CONFIG_BYTES = 20_000_000


def read_config_text(path: str | Path, what: str = "file") -> str:
    """A configuration file's text; a missing, unreadable, binary, non-UTF-8 or oversized file (or a
    device or pipe) is a one-line :class:`ConfigError`."""
    from presslens.document.inputs import read_text_file
    from presslens.errors import InputError

    try:
        return read_text_file(path, MAX_CONFIG_BYTES, what)
    except InputError as exc:
        raise ConfigError(str(exc)) from None


def load_yaml(path: str | Path, loader: type | None = None) -> Any:
    """Read a YAML file, turning syntax errors into a one-line error with the line.

    ``loader`` is a subclass of :data:`SafeLoader` (default: it).
    """
    path = Path(path)
    text = read_config_text(path)
    try:
        return yaml.load(text, Loader=loader or SafeLoader)  # noqa: S506 - a safe loader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "somewhere"
        raise ConfigError(f"{path}: malformed YAML at {where}: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: malformed YAML ({exc})") from None


def read_word_list(path: str | Path) -> list[str]:
    """Non-empty, non-comment lines of a plain word list."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
