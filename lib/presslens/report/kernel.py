"""What a report notebook's kernel calls: the article to show, and where its figures go.

``presslens report`` annotates the article once, in a child process, while
the notebook kernels start; the kernels wait for the annotations file. The
two sides share a small protocol of marker files beside it:
``PATH.pending`` while the annotation runs, ``PATH.error`` (holding the
message) when it failed. Notebooks record their figures with
:func:`record_metrics`; the report command gathers them into ``metrics.json``.

>>> import tempfile, json, pathlib
>>> d = tempfile.mkdtemp()
>>> _ = record_metrics({"attributions_per_100_words": 1.5}, "01_sourcing_density", d)
>>> json.loads((pathlib.Path(d) / "metrics" / "01_sourcing_density.json").read_text())
{'attributions_per_100_words': 1.5}
"""

from __future__ import annotations

import json
import math
import os
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from presslens.attribution.registry import DEFAULT_MODEL
from presslens.document.outputs import read_jsonl_annotations
from presslens.document.spans import Document
from presslens.errors import PresslensError
from presslens.report.markers import error_marker, pending_marker


def load_article(input_path: str, parties_path: str = "", annotations_path: str = "",
                 attribution_model: str = DEFAULT_MODEL) -> Document:
    """The one annotated article a report notebook shows.

    Reads ``annotations_path`` (JSONL written by ``presslens annotate`` or
    ``presslens report``) when given, so a report annotates once for all its
    notebooks; otherwise annotates ``input_path`` with the parties file.

    >>> doc = load_article("data/articles/pakistan-afghan-istanbul-talks.txt")  # doctest: +SKIP
    """
    if annotations_path:
        wait_for_annotations(annotations_path)
        docs = read_jsonl_annotations(annotations_path)
    else:
        # Imported here: a kernel that reads the report's annotations never loads the models.
        from presslens.pipeline import annotate_paths

        docs = annotate_paths([input_path], parties=parties_path or None, attribution_model=attribution_model)
    if len(docs) != 1:
        raise PresslensError(f"{annotations_path or input_path}: expected one article, found {len(docs)}")
    return docs[0]


def load_articles(input_path: str | Sequence[str], parties_path: str = "", annotations_path: str = "",
                  attribution_model: str = DEFAULT_MODEL) -> list[Document]:
    """The annotated articles a story comparison shows (``input_path``: one input or a list of them).

    As :func:`load_article`, for two or more articles: reads
    ``annotations_path`` when given, else annotates the inputs.

    >>> docs = load_articles("../data/validation/story/oslo-dam-talks/articles.jsonl")  # doctest: +SKIP
    """
    if annotations_path:
        wait_for_annotations(annotations_path)
        return read_jsonl_annotations(annotations_path)
    from presslens.pipeline import annotate_paths

    paths = [input_path] if isinstance(input_path, str) else list(input_path)
    return annotate_paths(paths, parties=parties_path or None, attribution_model=attribution_model)


def wait_for_annotations(path: str, timeout: float = 900.0) -> None:
    """Wait while ``presslens report`` is still writing ``path``.

    The report starts the notebook kernels while it annotates the article
    (kernel start-up and annotation overlap); it marks the work in progress
    with ``PATH.pending`` and a failure with ``PATH.error``. Without a
    marker a missing file is an error at once.
    """
    deadline = time.monotonic() + timeout
    while not os.path.exists(path):
        if os.path.exists(error_marker(path)):
            with open(error_marker(path), encoding="utf-8") as fh:
                raise PresslensError(f"{path}: annotation failed: {fh.read().strip()}")
        if not os.path.exists(pending_marker(path)):
            if os.path.exists(path):  # written between the two checks
                break
            raise PresslensError(f"{path}: no such annotations file")
        if time.monotonic() > deadline:
            raise PresslensError(f"{path}: still not written after {timeout:.0f} s")
        time.sleep(0.02)


def record_metrics(metrics: Mapping[str, Any], notebook: str, output_dir: str | os.PathLike[str]) -> Path:
    """Write a notebook's figures to ``OUTPUT_DIR/metrics/NOTEBOOK.json``.

    Call it in a report notebook after computing the figures it shows; the
    report command gathers every file into ``metrics.json``.
    """
    path = Path(output_dir) / "metrics" / f"{notebook}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(_jsonable(metrics), indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 6)
    return value
