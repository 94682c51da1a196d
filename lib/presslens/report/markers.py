"""The marker files between ``presslens report``'s annotating child and the notebook kernels.

``PATH.pending`` exists while the annotations file ``PATH`` is being
written; ``PATH.error`` holds the message when writing it failed. Kept apart
(standard library only) because the report process must start kernels
without importing pandas or the models.

>>> pending_marker("out/annotations.jsonl"), error_marker("out/annotations.jsonl")
('out/annotations.jsonl.pending', 'out/annotations.jsonl.error')
"""

from __future__ import annotations

import os


def pending_marker(path: str | os.PathLike[str]) -> str:
    """The marker that says the annotations file is still being written."""
    return f"{path}.pending"


def error_marker(path: str | os.PathLike[str]) -> str:
    """The marker that holds why writing the annotations file failed."""
    return f"{path}.error"
