"""Target-level tone: what a sentence says about, or does to, one named target.

Sentence-level sentiment cannot tell the attacker from the attacked: in
"Militants attacked Pakistan" the sentence is negative *for Pakistan*, and in
"Qatar praised Pakistan's restraint" it is positive for Pakistan. The shipped
model is a multinomial logistic regression (gzip-compressed JSON with the
weights as one base64 float64 array, ``models/tone_newsmtsc.json.gz``; see
:mod:`presslens.resources.modelfile`; trained on the NewsMTSC train split
by ``scripts/train_tone.py``) over target-relative features: the words next
to the target (with the target itself replaced by a placeholder), the VADER
valence of nearby words weighted by distance and side, the verb the target
is subject or object of, negation, quotation, ``anti-``/``pro-`` prefixes and
the VADER compound of the sentence and of the target's clause.

>>> model = default_tone_model()
>>> text = "Qatar praised Pakistan's restraint."
>>> model.predict(text, 14, 22)[0]
'positive'
>>> vader_sentence_tone("The talks were a great success.")
('positive', 0.8316)
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from presslens.resources import modelfile
from presslens.resources.files import model_path
from presslens.syntax.morphology import suffix_stem

__all__ = [
    "LABELS",
    "MODEL_PATH",
    "ToneModel",
    "default_tone_model",
    "extract_features",
    "featurize_many",
    "vader_label",
    "vader_sentence_tone",
]

MODEL_PATH: Path = model_path("tone_newsmtsc.json.gz")
#: Class order of the model's weight columns.
LABELS: tuple[str, str, str] = ("negative", "neutral", "positive")
_FORMAT = "presslens-tone-logreg"
_FORMAT_VERSION = 2
#: Standard VADER thresholds on the compound score.
VADER_POS, VADER_NEG = 0.05, -0.05
#: Words this close to the target (in tokens) count as "near".
NEAR = 4
_CLAUSE_BREAK = {",", ";", ":", "--", "``", "''", "(", ")", "-", "–", "—"}
_QUOTES = set("\"“”«»")
_PRONOUNS = {"he", "she", "him", "her", "his", "they", "them", "their", "it", "its", "we", "i"}


# --- VADER helpers --------------------------------------------------------------
@lru_cache(maxsize=1)
def _vader():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


@lru_cache(maxsize=1)
def _negations() -> frozenset[str]:
    from vaderSentiment.vaderSentiment import NEGATE

    return frozenset(w.lower() for w in NEGATE) | {"n't", "no", "never", "without"}


def vader_label(compound: float) -> str:
    """The standard VADER label of a compound score (±0.05 thresholds).

    >>> vader_label(0.3), vader_label(0.0), vader_label(-0.05)
    ('positive', 'neutral', 'negative')
    """
    if compound >= VADER_POS:
        return "positive"
    if compound <= VADER_NEG:
        return "negative"
    return "neutral"


def vader_sentence_tone(sentence: str) -> tuple[str, float]:
    """Plain sentence-level VADER: ``(label, compound)``, the baseline.

    It gives every target of a sentence the same tone.

    >>> vader_sentence_tone("Militants attacked Pakistan.")
    ('negative', -0.4588)
    """
    compound = float(_vader().polarity_scores(sentence)["compound"])
    return vader_label(compound), compound


_SUFFIXES = (("ies", "y"), ("ied", "y"), ("ing", ""), ("ing", "e"), ("ed", ""), ("ed", "e"), ("d", ""),
             ("es", ""), ("s", ""), ("ly", ""), ("er", ""), ("ers", ""))


@lru_cache(maxsize=200_000)
def word_valence(word: str) -> float:
    """VADER valence of a word, trying crude stems for inflected forms.

    >>> word_valence("attacked"), word_valence("praise"), word_valence("table")
    (-2.0, 2.6, 0.0)
    """
    lex = _vader().lexicon
    w = word.lower()
    if w in lex:
        return float(lex[w])
    for suf, rep in _SUFFIXES:
        if w.endswith(suf) and len(w) - len(suf) >= 3:
            cand = w[: -len(suf)] + rep
            if cand in lex:
                return float(lex[cand])
    return 0.0


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    """A crude stem of alphabetic words, enough to pool "attacked"/"attacks"."""
    return suffix_stem(word) if word.isalpha() else word


def _norm(word: str) -> str:
    w = word.lower()
    if any(c.isdigit() for c in w):
        return "<num>"
    return w


# --- features -------------------------------------------------------------------
def extract_features(
    text: str, target_start: int, target_end: int, tokens: Sequence[tuple[int, int, str]], tags: Sequence[str],
    context: tuple[int, int], arcs: Sequence[tuple[int, str]] | None = None,
) -> dict[str, float]:
    """Feature values of one target mention in its tokenised, tagged sentence.

    ``tokens`` are ``(start, end, form)`` spans of the sentence
    ``text[context[0]:context[1]]`` (raw offsets) and ``tags`` their Penn
    tags; ``arcs``, the sentence's dependency parse, adds the features of
    :func:`dependency_features`. Names are strings; :class:`ToneModel` maps
    them to weights.

    >>> from presslens.syntax.segment import default_segmenter
    >>> t = "Militants attacked Pakistan."
    >>> toks = default_segmenter().token_spans(t, 0, len(t))
    >>> f = extract_features(t, 19, 27, toks, ["NNS", "VBD", "NNP", "."], (0, len(t)))
    >>> f["L1=attacked"], f["obj_of_val"] < 0
    (1.0, True)
    """
    cs, ce = context
    f: dict[str, float] = {"bias": 1.0}
    forms = [_norm(form) for _, _, form in tokens]
    n = len(tokens)
    inside = [i for i, (s, e, _) in enumerate(tokens) if s < target_end and e > target_start]
    if inside:
        ti, tj = inside[0], inside[-1] + 1
    else:  # the target falls between tokens: treat it as a zero-width slot
        ti = tj = sum(1 for s, _, _ in tokens if s < target_start)
    left = list(range(ti - 1, -1, -1))  # nearest first
    right = list(range(tj, n))

    # sentence and clause compound scores: the sentence's overall tone
    sent_text = text[cs:ce]
    comp = float(_vader().polarity_scores(sent_text)["compound"])
    f["s_comp"] = comp
    f["s_comp_bin=" + vader_label(comp)] = 1.0
    lb = next((i for i in left if forms[i] in _CLAUSE_BREAK), -1)
    rb = next((i for i in right if forms[i] in _CLAUSE_BREAK), n)
    clause_lo = tokens[lb + 1][0] if lb + 1 < n else target_start
    clause_hi = tokens[rb - 1][1] if rb - 1 >= 0 else target_end
    clause = text[min(clause_lo, target_start):max(clause_hi, target_end)]
    # the target itself must not colour its own clause ("Hope Hicks")
    masked = clause.replace(text[target_start:target_end], "X")
    ccomp = float(_vader().polarity_scores(masked)["compound"])
    f["c_comp"] = ccomp
    f["c_comp_bin=" + vader_label(ccomp)] = 1.0
    f["sc_comp_bin=" + vader_label(comp) + vader_label(ccomp)] = 1.0

    # the target's own words: names, pronouns, "anti-"/"pro-" prefixes
    tgt = text[target_start:target_end].lower()
    head = forms[tj - 1] if tj > ti else "<none>"
    f["t_head=" + head] = 1.0
    if head in _PRONOUNS:
        f["t_pronoun"] = 1.0
    pre = text[max(cs, target_start - 5):target_start].lower()
    for p in ("anti-", "pro-"):
        if pre.endswith(p) or tgt.startswith(p):
            f["t_prefix=" + p] = 1.0
    if ti < n and tokens[ti][0] < target_start:  # "anti-Pakistan": target inside a longer token
        f["t_in_token_prefix=" + _norm(text[tokens[ti][0]:target_start])[-6:]] = 1.0
    tv = sum(word_valence(w) for w in forms[ti:tj])
    if tv:
        f["t_val"] = tv / 4.0

    # position in the sentence: subjects come first
    f["pos_bin=%d" % min(4, ti * 5 // max(1, n))] = 1.0
    if ti == 0 or (ti <= 2 and all(tags[i] in ("DT", "JJ", "IN", "RB", "CC") for i in range(ti))):
        f["t_first"] = 1.0
    f["len_bin=%d" % min(5, n // 10)] = 1.0

    # quotes: is the target inside a quotation, does the sentence quote someone
    qbefore = sum(1 for ch in text[cs:target_start] if ch in _QUOTES)
    if qbefore % 2 == 1:
        f["t_in_quote"] = 1.0
    if any(ch in _QUOTES for ch in sent_text):
        f["s_has_quote"] = 1.0

    # neighbouring words and bigrams, target as a placeholder
    for k, i in enumerate(left[:3], 1):
        f["L%d=%s" % (k, forms[i])] = 1.0
    for k, i in enumerate(right[:3], 1):
        f["R%d=%s" % (k, forms[i])] = 1.0
    l1 = forms[left[0]] if left else "<s>"
    l2 = forms[left[1]] if len(left) > 1 else "<s>"
    r1 = forms[right[0]] if right else "</s>"
    r2 = forms[right[1]] if len(right) > 1 else "</s>"
    f["Lb=%s_%s" % (l2, l1)] = 1.0
    f["Rb=%s_%s" % (r1, r2)] = 1.0
    f["LR=%s_T_%s" % (l1, r1)] = 1.0
    for i in left[:NEAR]:
        f["Lw=" + forms[i]] = 1.0
    for i in right[:NEAR]:
        f["Rw=" + forms[i]] = 1.0
    for i in range(lb + 1, rb):
        if not ti <= i < tj:
            f["Cw=" + forms[i]] = 1.0
    for i in range(n):
        if not ti <= i < tj:
            f["w=" + forms[i]] = 1.0
            f["Sw=%s_%s" % ("L" if i < ti else "R", _stem(forms[i]))] = 1.0
    for i in range(n - 1):
        if not (ti <= i < tj or ti <= i + 1 < tj):
            f["bg=%s_%s" % (forms[i], forms[i + 1])] = 1.0

    # VADER valence of the other words by side and distance; negation flips
    neg = _negations()
    acc = {"Lnear": 0.0, "Lfar": 0.0, "Rnear": 0.0, "Rfar": 0.0, "clause": 0.0, "wdist": 0.0}
    npos = nneg = 0
    for side, idx in (("L", left), ("R", right)):
        for d, i in enumerate(idx, 1):
            v = word_valence(forms[i])
            if not v:
                continue
            if any(forms[j] in neg for j in range(max(0, i - 3), i)):
                v = -0.74 * v  # VADER's own negation scalar
            acc[side + ("near" if d <= NEAR else "far")] += v
            acc["wdist"] += v / d
            if lb < i < rb:
                acc["clause"] += v
            npos += v > 0
            nneg += v < 0
    # the closest sentiment-bearing word: its side, distance and sign
    near = [(d, side, word_valence(forms[i])) for side, idx in (("L", left), ("R", right))
            for d, i in enumerate(idx, 1) if word_valence(forms[i])]
    if near:
        d, side, v = min(near)
        f["nearest=%s%d%s" % (side, d if d <= 3 else (6 if d <= 6 else 10), "+" if v > 0 else "-")] = 1.0
    for k, v in acc.items():
        if v:
            f["v_" + k] = v / 4.0
            f["v_%s_sign=%s" % (k, "+" if v > 0 else "-")] = 1.0
    f["v_counts=%d_%d" % (min(npos, 3), min(nneg, 3))] = 1.0
    if any(forms[i] in neg for i in range(n)):
        f["s_negation"] = 1.0

    # the target as subject of the next verb / object of the previous verb
    verb_r = next((i for i in right[:6] if tags[i].startswith("VB") or tags[i] == "MD"), None)
    if verb_r is not None and not any(forms[j] in _CLAUSE_BREAK for j in range(tj, verb_r)):
        vv = word_valence(forms[verb_r])
        f["subj_of=" + _stem(forms[verb_r])] = 1.0
        if vv:
            f["subj_of_val"] = vv / 4.0
        # "X was attacked": passive subject suffers the action
        if tags[verb_r] in ("VBD", "VBZ", "VBP") and forms[verb_r] in ("was", "were", "is", "are", "been", "be") \
                and verb_r + 1 < n and tags[verb_r + 1] == "VBN":
            pv = word_valence(forms[verb_r + 1])
            f["pass_subj_of=" + _stem(forms[verb_r + 1])] = 1.0
            if pv:
                f["pass_subj_val"] = pv / 4.0
    verb_l = next((i for i in left[:4] if tags[i].startswith("VB")), None)
    if verb_l is not None:
        vv = word_valence(forms[verb_l])
        f["obj_of=" + _stem(forms[verb_l])] = 1.0
        if vv:
            f["obj_of_val"] = vv / 4.0
        if tags[verb_l] == "VBN" and any(forms[j] == "by" for j in range(verb_l + 1, ti)):
            f["agent_of=" + _stem(forms[verb_l])] = 1.0
    prep = next((i for i in left[:2] if tags[i] in ("IN", "TO")), None)
    if prep is not None:
        f["prep=" + forms[prep]] = 1.0
        head_l = next((i for i in range(prep - 1, max(-1, prep - 3), -1) if tags[i].startswith(("NN", "VB", "JJ"))), None)
        if head_l is not None:
            f["prep_head=%s_%s" % (forms[head_l], forms[prep])] = 1.0
            hv = word_valence(forms[head_l])
            if hv:
                f["prep_head_val"] = hv / 4.0
    if r1 in ("'s", "'"):
        poss_noun = next((i for i in right[1:4] if tags[i].startswith("NN")), None)
        if poss_noun is not None:
            f["poss=" + forms[poss_noun]] = 1.0
            pv = word_valence(forms[poss_noun])
            if pv:
                f["poss_val"] = pv / 4.0
    if arcs is not None and tj > ti:
        f.update(dependency_features([form for _, _, form in tokens], tags, arcs, ti, tj))
    return f


def dependency_features(words: Sequence[str], tags: Sequence[str], arcs: Sequence[tuple[int, str]],
                        ti: int, tj: int) -> dict[str, float]:
    """What the parse says happens to the target ``words[ti:tj]``.

    Its role and governing verb from :func:`presslens.framing.sentence_roles`
    (the framing layer's own call), the VADER valence of that verb by role
    (negated verbs flipped: being attacked is bad for a patient, attacking
    is something an agent does), the word it depends on when it is no
    argument ("criticism *of* X", "X's *failure*"), the valence of its own
    modifiers, of the rest of its clause and of its verb's object.

    >>> words = "Militants attacked Pakistan .".split()
    >>> arcs = [(2, "nsubj"), (0, "root"), (2, "obj"), (2, "punct")]
    >>> f = dependency_features(words, ["NNS", "VBD", "NNP", "."], arcs, 2, 3)
    >>> f["d_role=patient"], f["d_patient_val"] < 0
    (1.0, True)
    """
    from presslens.syntax.roles import sentence_roles

    n = len(words)
    heads = [h for h, _ in arcs]
    rels = [r for _, r in arcs]
    low = [_norm(w) for w in words]
    children: list[list[int]] = [[] for _ in range(n + 1)]
    for d, h in enumerate(heads, 1):
        if 0 <= h <= n:
            children[h].append(d - 1)
    inside = set(range(ti, tj))
    # The target's head: its token whose head lies outside it.
    h = next((k for k in range(tj - 1, ti - 1, -1) if heads[k] - 1 not in inside), tj - 1)

    def subtree(k: int) -> list[int]:
        out, todo = [], [k]
        while todo:
            x = todo.pop()
            out.append(x)
            todo.extend(children[x + 1])
        return out

    neg = _negations()

    def valence(k: int) -> float:
        v = word_valence(low[k])
        if v and any(rels[c] == "advmod" and low[c] in neg or rels[c] == "neg" for c in children[k + 1]):
            v = -0.74 * v
        return v

    f: dict[str, float] = {}
    role, verb, rule = sentence_roles(list(words), list(tags), arcs)[h]
    f["d_role=" + role] = 1.0
    rel = rels[h].split(":")[0]
    f["d_rel=" + rel] = 1.0
    if verb is not None:
        f["d_rv=%s_%s" % (role, _stem(low[verb]))] = 1.0
        vv = valence(verb)
        if vv:
            f["d_%s_val" % role] = vv / 4.0
            f["d_%s_sign=%s" % (role, "+" if vv > 0 else "-")] = 1.0
        obj = next((c for c in children[verb + 1] if rels[c] == "obj" and c not in inside), None)
        if obj is not None and role == "agent":
            ov = sum(valence(k) for k in subtree(obj) if k not in inside)
            if ov:
                f["d_agent_obj_val"] = ov / 4.0
        clause = [k for k in subtree(verb) if k not in inside and k != verb]
        cv = sum(valence(k) for k in clause)
        if cv:
            f["d_clause_val"] = cv / 4.0
    elif 0 < heads[h] <= n:
        par = heads[h] - 1
        f["d_par=%s_%s" % (rel, _stem(low[par]))] = 1.0
        pv = valence(par)
        if pv:
            f["d_par_val"] = pv / 4.0
            f["d_par_%s_sign=%s" % (rel, "+" if pv > 0 else "-")] = 1.0
    mv = sum(valence(k) for c in children[h + 1] if c not in inside for k in subtree(c))
    if mv:
        f["d_mod_val"] = mv / 4.0
    return f


def featurize_many(items: Iterable[tuple[str, int, int, tuple[int, int] | None]],
                   parse: bool = True) -> list[dict[str, float]]:
    """Features of many ``(text, start, end, context)`` mentions, tagging (and parsing) in one batch."""
    from presslens.syntax.segment import default_segmenter

    seg = default_segmenter()
    items = list(items)
    cache: dict[tuple[int, int, int], int] = {}
    sents: list[tuple[str, tuple[int, int], list[tuple[int, int, str]]]] = []
    keys = []
    for text, s, e, ctx in items:
        ctx = ctx if ctx is not None else (0, len(text))
        key = (id(text), ctx[0], ctx[1])
        if key not in cache:
            cache[key] = len(sents)
            sents.append((text, ctx, seg.token_spans(text, ctx[0], ctx[1])))
        keys.append(cache[key])
    forms = [[form for _, _, form in toks] for _, _, toks in sents]
    tags = seg.tagger.tag_sents(forms) if sents else []
    parses: list[Any] = [None] * len(sents)
    if parse and sents:
        from presslens.syntax.parser import default_parser

        parses = default_parser().parse_sents(forms, tags)
    out = []
    for (text, s, e, _), k in zip(items, keys):
        _, ctx, toks = sents[k]
        out.append(extract_features(text, s, e, toks, tags[k], ctx, parses[k]))
    return out


# --- the model --------------------------------------------------------------------
class ToneModel:
    """Multinomial logistic regression over :func:`extract_features`.

    >>> m = default_tone_model()
    >>> label, score = m.predict("Militants attacked Pakistan.", 19, 27)
    >>> label != "positive" and -1.0 <= score <= 1.0
    True
    """

    def __init__(self, features: Sequence[str], weights: np.ndarray, bias: np.ndarray,
                 meta: dict[str, Any] | None = None, version: str = "") -> None:
        self.features = list(features)
        self.index = dict(zip(self.features, range(len(self.features))))
        self.weights = np.asarray(weights, dtype=np.float64)
        self.bias = np.asarray(bias, dtype=np.float64)
        if len(self.index) != len(self.features):
            raise ValueError("duplicate feature names in the tone model")
        if self.weights.shape != (len(self.features), len(LABELS)) or self.bias.shape != (len(LABELS),):
            raise ValueError(f"weights {self.weights.shape} and bias {self.bias.shape} do not fit "
                             f"{len(self.features)} features and {len(LABELS)} labels")
        self.meta = dict(meta or {})
        self.version = version

    # --- persistence
    def to_bytes(self) -> bytes:
        """The model file: gzip-compressed JSON (same model, same bytes).

        Keys ``format``, ``format_version``, ``labels``, ``meta``,
        ``features`` (row order) and the float64 ``weights`` (features x
        labels) and ``bias`` as base64 arrays (:mod:`presslens.resources.modelfile`).
        Weights are rounded to 5 decimals, so retraining on another machine
        (whose BLAS may sum in another order) still gives the same bytes.
        """
        data = {"format": _FORMAT, "format_version": _FORMAT_VERSION, "labels": list(LABELS), "meta": self.meta,
                "features": self.features,
                "weights": modelfile.encode_array(np.round(self.weights, 5)),
                "bias": modelfile.encode_array(np.round(self.bias, 5))}
        return modelfile.dumps(data)

    def save(self, path: str | Path) -> None:
        """Write the model to ``path``."""
        Path(path).write_bytes(self.to_bytes())

    @classmethod
    def load(cls, path: str | Path | None = None) -> "ToneModel":
        """Read a model written by :meth:`save` (default: the shipped one).

        >>> ToneModel.load().version == default_tone_model().version
        True
        """
        path = path or MODEL_PATH
        blob = Path(path).read_bytes()
        data = modelfile.loads(blob)
        if data.get("format") != _FORMAT or data.get("format_version") != _FORMAT_VERSION:
            raise ValueError(f"{path}: not a presslens tone model (format or format_version mismatch)")
        if tuple(data["labels"]) != LABELS:
            raise ValueError(f"{path}: unexpected labels {data['labels']}")
        return cls(data["features"], modelfile.decode_array(data["weights"]), modelfile.decode_array(data["bias"]),
                   data.get("meta", {}), hashlib.sha256(blob).hexdigest()[:12])

    # --- prediction
    def _proba(self, feats: Sequence[dict[str, float]]) -> np.ndarray:
        Z = np.tile(self.bias, (len(feats), 1))
        index = self.index
        for r, f in enumerate(feats):
            idx = [index[k] for k in f if k in index]
            if idx:
                vals = np.array([f[k] for k in f if k in index])
                Z[r] += vals @ self.weights[idx]
        Z -= Z.max(axis=1, keepdims=True)
        P = np.exp(Z)
        return P / P.sum(axis=1, keepdims=True)

    def predict_proba_features(self, feats: Sequence[dict[str, float]]) -> np.ndarray:
        """Class probabilities (columns in :data:`LABELS` order) of feature dicts."""
        return self._proba(feats)

    def predict(self, text: str, target_start: int, target_end: int,
                context: tuple[int, int] | None = None) -> tuple[str, float]:
        """Tone toward ``text[target_start:target_end]``: ``(label, P(pos) - P(neg))``.

        ``context`` is the ``(start, end)`` of the sentence holding the target
        (raw character offsets into ``text``); without it ``text`` is taken
        to be that sentence.

        >>> m = default_tone_model()
        >>> doc = "Talks resumed. Qatar praised Pakistan's restraint."
        >>> m.predict(doc, 29, 37, context=(15, len(doc)))[0]
        'positive'
        """
        return self.predict_many([(text, target_start, target_end, context)])[0]

    def predict_many(self, items: Iterable[Sequence[Any]]) -> list[tuple[str, float]]:
        """:meth:`predict` for many ``(text, start, end[, context])`` items at once.

        Sentences are tokenised and tagged once, in one batch.

        >>> s = "Militants attacked Pakistan, and Qatar praised its restraint."
        >>> [lab for lab, _ in default_tone_model().predict_many([(s, 0, 9), (s, 19, 27)])]  # doctest: +SKIP
        ['negative', 'negative']
        """
        norm = []
        for it in items:
            text, s, e = it[0], int(it[1]), int(it[2])
            ctx = tuple(it[3]) if len(it) > 3 and it[3] is not None else None
            if not (0 <= s <= e <= len(text)):
                raise ValueError(f"target span ({s}, {e}) outside the text (length {len(text)})")
            if ctx is not None and not (ctx[0] <= s and e <= ctx[1]):
                raise ValueError(f"target span ({s}, {e}) not inside its context {ctx}")
            norm.append((text, s, e, ctx))
        if not norm:
            return []
        return self._labels(self._proba(featurize_many(norm)))

    def predict_tokens(self, text: str, targets: Sequence[tuple[int, int]], tokens: Sequence[tuple[int, int, str]],
                       tags: Sequence[str], context: tuple[int, int],
                       arcs: Sequence[tuple[int, str]] | None = None) -> list[tuple[str, float]]:
        """Tone toward several targets of one sentence already tokenised, tagged and parsed.

        What the framing layer calls, so a sentence is not tokenised, tagged
        and parsed a second time; ``tokens``, ``tags`` and ``arcs`` as
        :func:`extract_features` takes them.

        >>> from presslens.syntax.segment import default_segmenter
        >>> t = "Militants attacked Pakistan."
        >>> toks = default_segmenter().token_spans(t, 0, len(t))
        >>> default_tone_model().predict_tokens(t, [(19, 27)], toks, ["NNS", "VBD", "NNP", "."], (0, len(t)))[0][0]
        'negative'
        """
        if not targets:
            return []
        return self._labels(self._proba([extract_features(text, s, e, tokens, tags, context, arcs)
                                         for s, e in targets]))

    @staticmethod
    def _labels(P: np.ndarray) -> list[tuple[str, float]]:
        return [(LABELS[int(np.argmax(p))], round(float(p[2] - p[0]), 4)) for p in P]


@lru_cache(maxsize=1)
def default_tone_model() -> ToneModel:
    """The shipped NewsMTSC model, loaded once per process.

    >>> len(default_tone_model().version)
    12
    """
    return ToneModel.load()
