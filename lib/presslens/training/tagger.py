"""Training the part-of-speech tagger on UD English EWT (``scripts/train_tagger.py``).

Not imported at run time: the shipped model is read by :mod:`presslens.syntax.tagger`.
"""

from __future__ import annotations

import os
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from presslens.syntax.tagger import MODEL_NAME, _FORMAT, PerceptronTagger, Sentence, _CUR, _END, _FIRST, _FIXED_FORMS, _NEXT, _NEXT2, _PAD_WORDS, _PREV, _PREV2, _START, _START2, _TRAINED_VERSION, _amb_class, _slot_features, normalise_form




def save(tagger: PerceptronTagger, path: str | os.PathLike[str]) -> None:
    """Write the model as gzip-compressed JSON (same model, same bytes)."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(tagger.to_bytes())


# Hyphenated compounds are merged only when the last part gives the whole its
# tag in Penn style; participles become adjectives ("well-known", "so-called").
_COMPOUND_LAST = {"NN": "NN", "NNS": "NNS", "NNP": "NNP", "NNPS": "NNPS", "JJ": "JJ", "JJR": "JJR",
                  "JJS": "JJS", "CD": "CD", "VBN": "JJ", "VBG": "JJ", "VBD": "JJ"}


def hyphen_compounds(words: Sequence[str], tags: Sequence[str], space_after: Sequence[bool]) -> tuple[list[str], list[str]] | None:
    """The sentence with hyphenated compounds joined, or None if it has none.

    EWT splits ``search-engine`` into three tokens, while the Treebank word
    tokenizer used on news keeps it whole; training on both versions teaches
    the tagger the joined forms.
    """
    out_w: list[str] = []
    out_t: list[str] = []
    i, n, changed = 0, len(words), False
    while i < n:
        j = i
        while (j + 2 < n and words[j + 1] == "-" and tags[j + 1] in ("HYPH", "SYM")
               and not space_after[j] and not space_after[j + 1] and words[j + 2] != "-"):
            j += 2
        if j > i and tags[j] in _COMPOUND_LAST:
            out_w.append("".join(words[i : j + 1]))
            out_t.append(_COMPOUND_LAST[tags[j]])
            changed = True
            i = j + 1
        else:
            out_w.append(words[i])
            out_t.append(tags[i])
            i += 1
    return (out_w, out_t) if changed else None


class _Lexicon:
    """Tag counts per lowercased form, overall and with one fold held out."""

    def __init__(self, sents: Sequence[Sentence], fold_of: list[int], folds: int) -> None:
        self.counts: dict[str, Counter[str]] = defaultdict(Counter)
        self.fold_counts: list[dict[str, Counter[str]]] = [defaultdict(Counter) for _ in range(folds)]
        form_counts: dict[str, Counter[str]] = defaultdict(Counter)
        for (words, tags), f in zip(sents, fold_of):
            for w, t in zip(words, tags):
                low = normalise_form(w).lower()
                self.counts[low][t] += 1
                self.fold_counts[f][low][t] += 1
                form_counts[w][t] += 1
        # Frequent, (nearly) unambiguous forms are tagged by lookup, as in NLTK.
        self.tagdict: dict[str, str] = {}
        for w, c in form_counts.items():
            tag, best = max(sorted(c.items()), key=lambda kv: kv[1])
            total = sum(c.values())
            if total >= 20 and best / total >= 0.97:
                self.tagdict[w] = tag

    def lookup(self, low: str, fold: int) -> tuple[str | None, int]:
        """Ambiguity class and count, from all folds but ``fold`` (-1: from all)."""
        c = self.counts.get(low)
        if c is None:
            return None, 0
        if fold >= 0:
            held = self.fold_counts[fold].get(low)
            if held:
                c = c - held
        return _amb_class(c), sum(c.values())


class _Fit:
    """One pass's averaged perceptron while training (float64, one sentence at a time)."""

    def __init__(self, sents: Sequence[Sentence], tags: list[str], n_iter: int, seed: int, folds: int,
                 right: list[list[str]] | None, say: Callable[[str], None], runs: int = 1) -> None:
        self.tags = tags
        T = len(tags)
        self.T, self.P = T, T + 2
        self.tix = {t: i for i, t in enumerate(tags)}
        self.right = right is not None
        # Contiguous folds keep a document's sentences together, so jackknifed
        # counts treat its names and jargon as unseen, as new text will.
        n = len(sents)
        fold_of = [i * folds // n for i in range(n)]
        self.lex = _Lexicon(sents, fold_of, folds)
        self.feat_ix: dict[str, int] = {}
        self._slot_cache: dict[tuple[int, str], tuple[list[list[int]], str | None, str]] = {}
        self.tw_ix: dict[tuple[int, str], int] = {}
        self._frozen = False
        data = [self._prepare(w, f, right[k] if right else None, gold=t) for k, ((w, t), f) in enumerate(zip(sents, fold_of))]
        self.n_static = len(self.feat_ix)
        self.b1 = self.n_static
        self.b2 = self.b1 + self.P
        self.btw = self.b2 + self.P * self.P
        n_feat = self.btw + len(self.tw_ix)
        say(f"  {len(sents)} sentences, {sum(len(d[4]) for d in data)} tokens, {T} tags, {self.n_static} static "
            f"+ {n_feat - self.n_static} dynamic features, {len(self.lex.tagdict)} tag-dictionary forms")
        # Perceptrons trained on different shuffles are averaged once more: a
        # cheap ensemble, since the result is still one linear model.
        self.A = np.zeros((n_feat, T))
        for r in range(runs):
            self.A += self._perceptron(data, n_feat, n_iter, seed + r, say)
        self.A /= runs
        self._frozen = True

    def _perceptron(self, data: list[tuple], n_feat: int, n_iter: int, seed: int, say: Callable[[str], None]) -> np.ndarray:
        T = self.T
        W = np.zeros((n_feat, T))
        U = np.zeros((n_feat, T))
        c = 1
        rng = random.Random(seed)
        order = list(range(len(data)))
        for it in range(n_iter):
            t0 = time.perf_counter()
            rng.shuffle(order)
            errors = tokens = 0
            for si in order:
                _, errs = self._decode(W, data[si], collect=True)
                tokens += len(data[si][4])
                if errs:
                    errors += len(errs)
                    fs = np.concatenate([f for f, _, _ in errs for _ in (0, 1)])
                    ts = np.concatenate([np.full(len(f), t) for f, g, p in errs for t in (g, p)])
                    ds = np.concatenate([np.full(len(f), d) for f, _, _ in errs for d in (1.0, -1.0)])
                    np.add.at(W, (fs, ts), ds)
                    np.add.at(U, (fs, ts), c * ds)
                c += 1
            say(f"  seed {seed} iteration {it + 1}/{n_iter}: training accuracy {1 - errors / max(tokens, 1):.4f} "
                f"({time.perf_counter() - t0:.1f}s)")
        return W - U / c  # Daumé's trick: the average of all intermediate weights

    def _slot_ids(self, norm: str, fold: int) -> tuple[list[list[int]], str | None, str]:
        key = (fold, norm)
        got = self._slot_cache.get(key)
        if got is None:
            low = norm.lower()
            amb, freq = (None, 0) if norm in _PAD_WORDS else self.lex.lookup(low, fold)
            fx = self.feat_ix
            feats = _slot_features(norm, amb, freq)
            if self._frozen:
                slots = [[k for f in names if (k := fx.get(f)) is not None] for names in feats]
            else:
                slots = [[fx.setdefault(f, len(fx)) for f in names] for names in feats]
            got = (slots, amb, low)
            self._slot_cache[key] = got
        return got

    def _prepare(self, words: Sequence[str], fold: int, right: list[str] | None, gold: Sequence[str] | None = None) -> tuple:
        norms = [normalise_form(w) for w in words]
        padded = [self._slot_ids(w, fold) for w in (*_PAD_WORDS[:2], *norms, *_PAD_WORDS[2:])]
        fx = self.feat_ix
        grow = gold is not None  # unseen features only get ids while training
        flat: list[int] = []
        offs: list[int] = []
        for i in range(len(norms)):
            j = i + 2
            offs.append(len(flat))
            flat += padded[j][0][_CUR]
            flat += padded[j - 1][0][_PREV]
            flat += padded[j - 2][0][_PREV2]
            flat += padded[j + 1][0][_NEXT]
            flat += padded[j + 2][0][_NEXT2]
            if i == 0:
                flat += padded[j][0][_FIRST]
            if right is not None:
                r1 = right[i + 1] if i + 1 < len(right) else _END
                r2 = right[i + 2] if i + 2 < len(right) else _END
                low = padded[j][2]
                names = [f"r0|{right[i]}", f"r1|{r1}", f"r12|{r1}|{r2}", f"rw|{r1}|{low}", f"rs|{r1}|{low[-3:]}"]
                if padded[j][1]:
                    names.append(f"ra|{r1}|{padded[j][1]}")
                for name in names:
                    k = fx.setdefault(name, len(fx)) if grow else fx.get(name)
                    if k is not None:
                        flat.append(k)
        lows = [p[2] for p in padded[2:-2]]
        tix = self.tix
        fixed = []
        for w in words:
            t = self.lex.tagdict.get(w) or _FIXED_FORMS.get(w)
            fixed.append(tix[t] if t in tix else -1)
        gold_ix = [tix[t] for t in gold] if gold is not None else [-1] * len(words)
        if gold is not None:
            # (previous tag, word) conjunctions are created for gold contexts only.
            for i, low in enumerate(lows):
                self.tw_ix.setdefault((gold_ix[i - 1] if i else self.T, low), len(self.tw_ix))
        return np.array(flat, dtype=np.int64), np.array(offs, dtype=np.int64), lows, fixed, gold_ix

    def _decode(self, W: np.ndarray, d: tuple, collect: bool = False) -> tuple[list[int], list]:
        flat, offs, lows, fixed, gold = d
        T, P = self.T, self.P
        st = np.add.reduceat(W[flat], offs, axis=0) if len(flat) else np.zeros((len(gold), T))
        p1, p2 = T, T + 1
        out: list[int] = []
        errs: list = []
        tw_ix = self.tw_ix
        for i in range(len(gold)):
            if fixed[i] >= 0:
                t = fixed[i]
            else:
                dyn = [self.b1 + p1, self.b2 + p2 * P + p1]
                k = tw_ix.get((p1, lows[i]))
                if k is not None:
                    dyn.append(self.btw + k)
                t = int((st[i] + W[dyn].sum(axis=0)).argmax())
                if collect and t != gold[i]:
                    end = offs[i + 1] if i + 1 < len(offs) else len(flat)
                    errs.append((np.concatenate([flat[offs[i] : end], np.array(dyn, dtype=np.int64)]), gold[i], t))
            out.append(t)
            p2, p1 = p1, t
        return out, errs

    def predict(self, sents: Sequence[Sequence[str]], right: list[list[str]] | None = None) -> list[list[str]]:
        """Tags with the averaged weights, ambiguity classes from all training data."""
        out = []
        for k, words in enumerate(sents):
            d = self._prepare(words, -1, right[k] if right is not None else None)
            pred, _ = self._decode(self.A, d)
            out.append([self.tags[i] for i in pred])
        return out

    def weights(self, prune: float, decimals: int) -> dict[str, list[float]]:
        """Averaged weights by feature name, as flat ``[tag, weight, ...]`` lists."""
        P = self.P
        ptags = self.tags + [_START, _START2]
        names = [""] * self.A.shape[0]
        for f, i in self.feat_ix.items():
            names[i] = f
        for p in range(P):
            names[self.b1 + p] = "t1|" + ptags[p]
            for q in range(P):
                names[self.b2 + p * P + q] = f"t2|{ptags[p]}|{ptags[q]}"
        for (p, w), k in self.tw_ix.items():
            names[self.btw + k] = f"tw|{ptags[p]}|{w}"
        R = np.round(self.A, decimals)
        R[np.abs(self.A) < prune] = 0.0
        rows, cols = np.nonzero(R)
        vals = R[rows, cols]
        bounds = np.searchsorted(rows, np.arange(len(R) + 1))
        out: dict[str, list[float]] = {}
        for r in np.unique(rows).tolist():
            a, b = int(bounds[r]), int(bounds[r + 1])
            flat: list[float] = []
            for col, v in zip(cols[a:b].tolist(), vals[a:b].tolist()):
                flat.append(col)
                flat.append(int(v) if v == int(v) else v)  # "3" not "3.0": smaller file
            out[names[r]] = flat
        return out


def train(
    sentences: Sequence[Sentence],
    n_iter: int = 8,
    seed: int = 1,
    *,
    folds: int = 10,
    runs: int = 4,
    prune: float = 0.5,
    decimals: int = 2,
    meta: dict[str, Any] | None = None,
    log: Callable[[str], None] | None = None,
) -> PerceptronTagger:
    """Train a two-pass tagger on ``(words, tags)`` sentences.

    The same sentences, ``n_iter`` and ``seed`` give a byte-identical model.
    Sentences of one document should be adjacent: ``folds`` contiguous blocks
    are used to jackknife the ambiguity-class features and the first-pass tags
    that the second pass learns from (each block tagged by a first pass
    trained without it). The final passes average ``runs`` perceptrons trained
    on different shuffles (seeds ``seed``, ``seed + 1``, ...). ``prune`` drops averaged weights smaller than that in
    absolute value; the rest are rounded to ``decimals``.
    """
    say = log or (lambda _m: None)
    sents = [(list(w), list(t)) for w, t in sentences if len(w)]
    if len(sents) < folds:
        raise ValueError(f"need at least {folds} sentences to train")
    tags = sorted({t for _, ts in sents for t in ts})
    say("pass 1 (all sentences)")
    first = _Fit(sents, tags, n_iter, seed, folds, None, say, runs)
    # First-pass tags for the second pass's training, each block tagged by a
    # model that never saw it, so they are as noisy as on new text.
    right: list[list[str]] = [[] for _ in sents]
    n = len(sents)
    for k in range(folds):
        held = [i for i in range(n) if i * folds // n == k]
        rest = [sents[i] for i in range(n) if i * folds // n != k]
        say(f"pass 1 without block {k + 1}/{folds}")
        fit = _Fit(rest, tags, n_iter, seed, folds, None, say)
        for i, pred in zip(held, fit.predict([sents[i][0] for i in held])):
            right[i] = pred
    correct = sum(a == b for (_, g), p in zip(sents, right) for a, b in zip(g, p))
    say(f"jackknifed pass-1 accuracy on the training data: {correct / sum(len(g) for _, g in sents):.4f}")
    say("pass 2 (all sentences, with pass-1 tags of the next two words)")
    second = _Fit(sents, tags, n_iter, seed, folds, right, say, runs)
    lex = first.lex
    amb = {w: a for w, c in sorted(lex.counts.items()) if (a := _amb_class(c))}
    model = {
        "format": _FORMAT,
        "format_version": _TRAINED_VERSION,
        "name": MODEL_NAME,
        "meta": {**(meta or {}), "iterations": n_iter, "seed": seed, "folds": folds, "runs": runs, "prune": prune,
                 "decimals": decimals, "sentences": len(sents), "tokens": sum(len(w) for w, _ in sents)},
        "tags": tags,
        "tagdict": dict(sorted(lex.tagdict.items())),
        "amb": amb,
        "freq": {w: sum(c.values()) for w, c in sorted(lex.counts.items())},
        "passes": [first.weights(prune, decimals), second.weights(prune, decimals)],
    }
    return PerceptronTagger(model)
