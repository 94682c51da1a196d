"""Word forms: crude stems and inflections shared by the analyses.

>>> suffix_stem("saying"), suffix_stem("said"), suffix_stem("gas")
('say', 'said', 'gas')
"""

from __future__ import annotations

from presslens.resources.verbs import known_verbs


def suffix_stem(word: str) -> str:
    """A crude lemma by suffix stripping, enough to tie "says/saying" or "attacked/attacks" together."""
    for suf in ("ing", "ed", "es", "s"):
        if word.endswith(suf) and len(word) - len(suf) >= 3:
            return word[: -len(suf)]
    return word


#: Irregular verb forms and their lemma.
IRREGULAR = {
    "said": "say", "says": "say", "had": "have", "has": "have", "did": "do", "done": "do", "does": "do",
    "made": "make", "took": "take", "taken": "take", "gave": "give", "given": "give", "went": "go", "gone": "go",
    "came": "come", "held": "hold", "met": "meet", "told": "tell", "sought": "seek", "brought": "bring",
    "thought": "think", "found": "find", "left": "leave", "kept": "keep", "led": "lead", "built": "build",
    "won": "win", "began": "begin", "begun": "begin", "ran": "run", "shot": "shoot", "fought": "fight",
    "stood": "stand", "understood": "understand", "spoke": "speak", "spoken": "speak", "wrote": "write",
    "written": "write", "broke": "break", "broken": "break", "chose": "choose", "chosen": "choose",
    "drove": "drive", "driven": "drive", "rose": "rise", "risen": "rise", "fell": "fall", "fallen": "fall",
    "saw": "see", "seen": "see", "knew": "know", "known": "know", "grew": "grow", "grown": "grow",
    "threw": "throw", "thrown": "throw", "shown": "show", "got": "get", "gotten": "get", "paid": "pay",
    "sent": "send", "spent": "spend", "lost": "lose", "meant": "mean", "sold": "sell", "struck": "strike",
    "withdrew": "withdraw", "withdrawn": "withdraw", "felt": "feel", "heard": "hear", "laid": "lay",
    "bought": "buy", "caught": "catch", "taught": "teach", "fled": "flee", "sat": "sit", "hid": "hide",
    "hidden": "hide", "forgot": "forget", "forgiven": "forgive", "forgave": "forgive", "beat": "beat",
    "beaten": "beat", "bore": "bear", "born": "bear", "borne": "bear", "drew": "draw", "drawn": "draw",
    "flew": "fly", "flown": "fly", "wore": "wear", "worn": "wear", "swore": "swear", "sworn": "swear",
    "overtook": "overtake", "undertook": "undertake", "undertaken": "undertake", "became": "become",
    "is": "be", "are": "be", "was": "be", "were": "be", "been": "be", "being": "be", "am": "be",
    "proven": "prove", "foresaw": "foresee", "foreseen": "foresee", "forecast": "forecast", "cast": "cast",
}


def lemma(word: str, tag: str = "VB") -> str:
    """A verb lemma by rule, checked against the agency/power verb list.

    >>> [lemma(w, t) for w, t in [("shared", "VBN"), ("targets", "VBZ"), ("modelled", "VBN"), ("sought", "VBD")]]
    ['share', 'target', 'model', 'seek']
    """
    w = word.lower()
    if w in IRREGULAR:
        return IRREGULAR[w]
    vocab = known_verbs()
    cands: list[str] = []
    if tag == "VBZ" or (w.endswith("s") and tag.startswith("VB") and tag not in ("VBD", "VBN", "VBG")):
        if w.endswith("ies"):
            cands.append(w[:-3] + "y")
        if w.endswith("es"):
            cands.append(w[:-2])
        cands.append(w[:-1] if w.endswith("s") else w)
    elif tag in ("VBD", "VBN") and w.endswith("ed"):
        stem = w[:-2]
        cands += [stem + "e", stem]
        if w.endswith("ied"):
            cands.insert(0, w[:-3] + "y")
        if len(stem) > 2 and stem[-1] == stem[-2]:
            cands.append(stem[:-1])
    elif tag == "VBG" and w.endswith("ing"):
        stem = w[:-3]
        cands += [stem, stem + "e"]
        if len(stem) > 2 and stem[-1] == stem[-2]:
            cands.append(stem[:-1])
    else:
        return w
    for c in cands:
        if c in vocab:
            return c
    if tag in ("VBD", "VBN", "VBG") and len(cands) >= 2:
        stem = cands[-1] if tag != "VBG" else cands[0]
        if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in "ls":
            return stem[:-1]
        if stem.endswith(("v", "z", "c", "us", "at", "iz", "bl", "ur")) and tag != "VBG":
            return stem + "e"
        return stem
    return cands[-1] if cands else w


def irregular_forms(lemma: str) -> tuple[str, ...]:
    """The irregular forms of a verb listed in :data:`IRREGULAR`.

    >>> irregular_forms("see")
    ('saw', 'seen')
    """
    return _FORMS_OF.get(lemma, ())


_FORMS_OF: dict[str, tuple[str, ...]] = {}
for _form, _lemma in IRREGULAR.items():
    if _form != _lemma:
        _FORMS_OF[_lemma] = (*_FORMS_OF.get(_lemma, ()), _form)


def inflections(word: str) -> set[str]:
    """The word and its regular (plus listed irregular) verb/noun inflections.

    Over-generating is harmless: a form that is not English never occurs.

    >>> sorted(inflections("suggest"))
    ['suggest', 'suggested', 'suggesting', 'suggests']
    >>> sorted(inflections("believe"))
    ['believe', 'believed', 'believes', 'believing']
    """
    forms = {word}
    if word.endswith("e"):
        forms |= {word + "s", word + "d", word[:-1] + "ing"}
    elif word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        forms |= {word[:-1] + "ies", word[:-1] + "ied", word + "ing"}
    else:
        es = "es" if word.endswith(("s", "x", "z", "ch", "sh", "o")) else "s"
        forms |= {word + es, word + "ed", word + "ing"}
        # doubling for short closed syllables (admit -> admitted)
        if len(word) >= 3 and word[-1] not in "aeiouwxy" and word[-2] in "aeiou" and word[-3] not in "aeiou":
            forms |= {word + word[-1] + "ed", word + word[-1] + "ing"}
    forms.update(irregular_forms(word))
    return forms
