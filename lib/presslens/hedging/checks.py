"""Disambiguation rules named by the lexicon's ``check`` field, in one registry (:data:`CHECKS`).

Each rule sees the sentence and the matched positions and says whether the
cue holds (or which category it takes): "May" the month or the modal,
"can" of ability or possibility, the "if" of an indirect question or of a
condition, and so on. Adding a rule: write the function, register its name
here, name it in an entry of ``lexicons/hedges.yml``.
"""

from __future__ import annotations


from collections.abc import Callable
from presslens.hedging.patterns import Entry, NEGATORS, _Sentence
from presslens.syntax.morphology import inflections
from presslens.hedging.patterns import _BE



_MONTH_CONTEXT = frozenset({
    "in", "on", "since", "until", "till", "by", "of", "last", "next", "early", "late", "mid", "during",
    "from", "through", "this", "to", "between", "and", "before", "after", "each", "every", "that",
})


_DETERMINERS = frozenset({"the", "a", "an", "his", "her", "their", "its", "our", "my", "your", "whose", "political", "free", "good", "popular", "own", "all"})


def _check_modal(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """Modal auxiliaries only: not "May" the month, not "will"/"might" the noun."""
    i = pos[0]
    prev, nxt = sent.form(i - 1), sent.form(i + 1)
    if sent.tags[i] and sent.tags[i] != "MD":
        return False
    if sent.raw[i] == "May":
        # "in May", "May 5", "May 2024": a date (or a name), whatever the
        # tagger thought. Mid-sentence the modal is lower case unless the
        # line is set in title case (headlines).
        if sent.tag(i + 1) == "CD" or nxt[:1].isdigit() or prev in _MONTH_CONTEXT or sent.tag(i - 1) == "CD":
            return False
        if i > 0 and prev not in ("``", '"', "'", "(", "--", ":") and not sent.title_case():
            return False
    # nouns: "the will of the people", "with all its might"
    if prev in _DETERMINERS or sent.tag(i - 1) in ("PRP$", "POS"):
        return False
    return True


_REPORTING = frozenset(inflections("say") | inflections("tell") | inflections("announce") | inflections("state")
                       | inflections("add") | inflections("vow") | inflections("promise") | inflections("pledge")
                       | inflections("assure") | inflections("declare") | inflections("insist") | inflections("warn")
                       | inflections("agree") | inflections("decide") | inflections("threaten") | {"told", "said"})


_REFUSAL_VERBS = frozenset({
    "comment", "elaborate", "identify", "specify", "say", "disclose", "discuss", "confirm", "name", "talk",
    "reveal", "give", "provide", "answer", "respond", "speculate", "divulge", "release",
})


_HABIT = frozenset({"often", "always", "usually", "sometimes", "regularly", "routinely", "frequently", "every", "each", "whenever", "typically"})


def _is_refusal(sent: _Sentence, i: int) -> bool:
    """"would not comment", "could not be reached": a fact about a source."""
    j = sent.next_content(i)
    if not any(f in NEGATORS for f in sent.forms[i + 1:j]) and sent.forms[i] != "cannot":
        return False
    return sent.form(j) in _REFUSAL_VERBS or (sent.form(j) == "be" and sent.form(j + 1) in ("reached", "contacted"))


def _check_could(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """"could" of possibility, not "could not be reached (for comment)"."""
    return _check_modal(sent, pos, entry) and not _is_refusal(sent, pos[0])


def _check_would(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """Epistemic/conditional "would", not refusal, past habit or backshifted "will"."""
    if not _check_modal(sent, pos, entry):
        return False
    i = pos[0]
    j = sent.next_content(i)
    if _is_refusal(sent, i):
        return False
    # "would have" + past participle / counterfactual stays a hedge; so does an
    # "if" anywhere in the sentence (the conditional frame)
    if "if" in sent.forms or "unless" in sent.forms or sent.form(j) in ("have", "'ve"):
        return True
    # habit in the past: "every morning he would walk"
    if any(f in _HABIT for f in sent.forms):
        return False
    # "X said (that) Y would ...": the reported future, like "will" (not a
    # hedge); epistemic reporting verbs ("indicated", "believed") keep it.
    for k in range(i - 1, max(-1, i - 10), -1):
        f = sent.forms[k]
        if f in _REPORTING and sent.tags[k][:2] in ("VB", ""):
            return False
        if f in (";", "if", "because", "but"):
            break
    return True


_POSSIBILITY_VERBS = frozenset({"be", "have", "happen", "occur", "lead", "cause", "mean", "result", "become", "take", "prove", "go"})


def _check_can(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """"can" of possibility ("can be", "can have been"), not of ability/permission."""
    if not _check_modal(sent, pos, entry):
        return False
    j = sent.next_content(pos[0])
    return sent.form(j) in ("be", "have")


def _check_should(sent: _Sentence, pos: list[int], entry: Entry) -> bool | str:
    """Inverted-conditional "Should talks fail, ..." is a condition."""
    i = pos[0]
    if i == 0 or sent.form(i - 1) in (",", "``", '"'):
        if sent.tag(i + 1) in ("DT", "NN", "NNS", "NNP", "NNPS", "PRP") and "," in sent.forms[i + 2:]:
            return "conditional"
    return _check_modal(sent, pos, entry)


def _check_expect(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """"expect" as prediction; "as expected", "than expected" and "the
    purchase was expected" only report that something happened."""
    i = pos[0]
    if sent.form(i - 1) in ("as", "than") or sent.form(i - 1) in _DETERMINERS:
        return False
    if sent.form(sent.prev_content(i)) in _BE or sent.form(sent.prev_content(i)) == "been":
        return sent.form(sent.next_content(i)) in ("to", "that", "in", "on", "by", "from", "within", "next", "later")
    return True


def _check_appear(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """"appear to/that/likely", not "appeared on television"."""
    i = pos[0]
    j = sent.next_content(i)
    nxt = sent.form(j)
    if nxt in ("to", "that", "as", "likely", "unlikely", "certain", "ready", "set", "poised", ","):
        return nxt != "to" or sent.tag(j + 1).startswith("VB") or sent.form(j + 1) in ("be", "have")
    if sent.form(i - 1) == "it":
        return True
    return sent.tag(j).startswith("JJ") or sent.form(j) == "be"


def _check_think(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """Belief "think", not "think about/of" or the noun "thought"."""
    nxt = sent.form(pos[0] + 1)
    return nxt not in ("about", "of", "through", "twice", "tank", "tanks")


def _check_estimate(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """"estimated that ...", "is estimated to": an inference; "estimated the
    value at $55" reports a figure (and "an estimated 200" is a rounder)."""
    i = pos[0]
    if sent.form(i - 1) in ("an", "the"):
        return False
    nxt = sent.form(sent.next_content(i))
    return nxt == "that" or (sent.form(sent.prev_content(i)) in _BE and nxt == "to")


def _not_comparative(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """"are more likely to" compares risks (a statistical claim), it does not hedge."""
    likely = [k for k in pos if sent.forms[k] in ("likely", "unlikely")] or [pos[0]]
    return sent.form(likely[0] - 1) not in ("more", "less")


def _check_likely(sent: _Sentence, pos: list[int], entry: Entry) -> bool | str:
    """"likely" the adverb ("will likely trim") is an epistemic adverb."""
    if not _not_comparative(sent, pos, entry):
        return False
    return "epistemic_adverb" if sent.tags[pos[0]].startswith("RB") or sent.tag(pos[0] - 1) == "MD" else True


def _check_clause_follows(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """Verbs of inference with a clause or infinitive ("indicated that",
    "suggests they", "is assumed to"), not a plain object ("indicated the
    end", "assumed the role", "suggested a plan")."""
    i = pos[-1]
    j = sent.next_content(i)
    nxt, tag = sent.form(j), sent.tag(j)
    if nxt in ("that", "to", "so", ",", "otherwise") or tag in ("PRP", "EX"):
        return True
    if sent.form(sent.prev_content(pos[0])) in _BE or sent.tags[i] == "VBG" and sent.form(i - 1) == ",":
        return True  # passive "is assumed", participle clause ", suggesting ..."
    # "indicated Pakistan would": a subject followed by its verb
    for k in range(j, min(j + 5, len(sent.forms))):
        if sent.tags[k] in ("MD", "VBZ", "VBP", "VBD") and k > j:
            return not sent.tag(k - 1).startswith(("IN", "TO"))
        if sent.forms[k] in (",", ".", ";", "of", "to", "for", "in"):
            break
    return False


def _check_considered(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """"is considered (to be) X", not "was considered by the committee"."""
    nxt = sent.form(pos[-1] + 1)
    return nxt not in ("by", "for", "in", "at", "on", "", ".", ",")


def _check_possible(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """Not the degree reading "as soon as possible", "the fastest possible"."""
    i = pos[0]
    if sent.form(i - 1) in ("as", "if", "where", "when", "wherever", "whenever") or sent.tag(i - 1) in ("JJS", "RBS"):
        return False
    if sent.form(i - 2) == "as" and sent.form(i - 1) in ("much", "many", "soon", "quickly", "far", "early", "closely"):
        return False
    if sent.form(i - 2) in ("the", "every", "all") and sent.tag(i - 1) in ("JJS",):
        return False
    if sent.form(i - 1) in ("every", "all", "everything") or sent.form(i + 1) == "everything":
        return False
    # feasibility, not likelihood: "it is possible to travel", "made possible by",
    # "the highest possible score"
    if sent.form(i + 1) in ("to", "by") or sent.form(i - 1) in (
            "made", "make", "makes", "making", "maximum", "minimum", "highest", "lowest", "it"):
        return False
    return True


def _check_apparent(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """"the apparent suicide" / "it is apparent": not "heir apparent"."""
    return sent.form(pos[0] - 1) != "heir"


_INVESTIGATION_HEADS = frozenset(
    inflections("ask") | inflections("wonder") | inflections("know") | inflections("see") | inflections("check")
    | inflections("determine") | inflections("decide") | inflections("question") | inflections("investigate")
    | inflections("examine") | inflections("doubt") | inflections("learn") | inflections("tell") | inflections("find")
    | inflections("establish") | inflections("test") | inflections("assess") | inflections("study") | inflections("inquire")
    | inflections("enquire") | inflections("verify") | inflections("consider") | inflections("explore") | inflections("debate")
    | {"unclear", "unsure", "uncertain", "sure", "clear", "known", "out"}
)


def _check_if(sent: _Sentence, pos: list[int], entry: Entry) -> str:
    """"asked if", "not clear if": an indirect question (investigation)."""
    i = pos[0]
    # skip an object pronoun / adverb: "asked him if", "wondered aloud if"
    k = i - 1
    if sent.tag(k) in ("PRP", "RB") or sent.form(k) in ("him", "her", "them", "us", "me", "aloud", "now"):
        k -= 1
    if sent.form(k) in _INVESTIGATION_HEADS and sent.tag(k)[:2] in ("VB", "JJ", "RP", ""):
        return "investigation"
    return "conditional"


def _check_as_long_as(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """Condition, not a length comparison ("as long as a football field")."""
    nxt = sent.tag(pos[-1] + 1)
    return nxt in ("PRP", "NNP", "NNS", "NN", "DT", "EX", "NNPS") and sent.form(pos[-1] + 1) not in ("a", "an")


_QUANTITY = frozenset({
    "half", "a", "an", "one", "dozen", "dozens", "hundred", "hundreds", "thousand", "thousands", "million",
    "millions", "billion", "third", "quarter", "fifth", "percent", "per", "twice", "double", "$", "£", "€",
})


def _check_number_follows(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """"about 200", "around half": a rounded number, not the topic "about"."""
    j = pos[-1] + 1
    nxt = sent.form(j)
    if sent.tag(j) == "CD" or nxt[:1].isdigit() or nxt in ("$", "£", "€", "half", "twice", "dozen", "every", "all"):
        return True
    if nxt in ("a", "an") and sent.form(j + 1) in _QUANTITY | {"third", "quarter", "dozen", "half", "fifth"}:
        return True
    return False


_NOUNISH = ("NN", "JJ", "CD", "VBG", "VBN")


_TIME_UNITS = frozenset({"time", "times", "years", "months", "weeks", "days", "hours", "minutes", "decades", "centuries", "seasons", "occasions"})


def _check_quantifier(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """Vague quantifiers before a noun ("some critics", "many believe"), and
    "some 200". Not the superlative "the most", not "some" as a pronoun at the
    end of a sentence."""
    i = pos[0]
    form = sent.forms[i]
    prev = sent.form(i - 1)
    nxt_tag = sent.tag(i + 1)
    nxt = sent.form(i + 1)
    if form == "most":
        if prev in ("the", "at", "of") or nxt_tag.startswith(("JJ", "RB")) and sent.tag(i + 2).startswith(("IN", ".", ",", "")):
            return False
        if nxt_tag.startswith("JJ") and not sent.tag(i + 2).startswith("NN"):
            return False
        return nxt_tag.startswith(("NN", "JJ")) or nxt == "of"
    if form == "many" and prev in ("how", "so", "as", "too", "the", "very"):
        return False  # "how many", "as many as": a count or comparison, not a vague group
    if prev in ("for", "the") and form in ("some", "several"):
        return False
    if form == "some" and (nxt_tag == "CD" or nxt[:1].isdigit()):
        return ("approximator", "rounder")  # "some 200 people": a rounded number
    if form == "some" and nxt in ("way", "point", "kind", "sort", "extent", "degree"):
        return False  # "in some way": not a quantity of anything
    if nxt in _TIME_UNITS:
        return False  # "several times", "many years later": a span of time, not a vague group
    # "some argue", "many have claimed": the quantifier as a nameless subject
    j = sent.next_content(i)
    if sent.tag(j).startswith(("VB", "MD")) and sent.tag(j) != "VBG":
        return True
    return nxt_tag.startswith(_NOUNISH) or nxt in ("of", "people")


def _check_pronoun_subject(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """"others argue", "others have claimed": a nameless group as subject."""
    j = sent.next_content(pos[-1])
    return sent.tag(j).startswith(("VB", "MD")) and sent.form(pos[0] - 1) not in ("and", "the", "among", "of", "with", "than")


def _check_weasel_passive_next(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """"widely believed/used/regarded": belief or practice of nobody in particular."""
    return sent.tag(pos[-1] + 1) in ("VBN", "JJ") or sent.form(pos[-1] + 1) in ("believed", "considered", "regarded", "held")


def _check_agentless(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """"has been questioned" with nobody named as the questioner."""
    return "by" not in sent.forms[pos[-1] + 1: pos[-1] + 4]


_MEASURABLE_SUPERLATIVES = frozenset({
    "largest", "biggest", "smallest", "oldest", "youngest", "longest", "shortest", "tallest", "highest", "lowest",
    "earliest", "latest", "fastest", "slowest", "heaviest", "lightest", "deepest", "widest", "nearest", "farthest",
    "northernmost", "southernmost", "easternmost", "westernmost",
})


def _check_superlative_follows(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """"one of the most/best/finest": a peacock superlative; "one of the
    largest ports" is a checkable measure, not praise."""
    j = pos[-1] + 1
    if sent.form(j) in _MEASURABLE_SUPERLATIVES:
        return False
    return sent.tag(j) in ("JJS", "RBS") or sent.form(j) in ("most", "best", "finest", "greatest", "leading", "foremost", "top")


def _check_superlative_most(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """"the most important", "the world's most famous": a superlative of praise.

    The quantifier "most people" and "at most" are not.
    """
    i = pos[0]
    return sent.form(i - 1) in ("the", "'s", "its", "their", "his", "her") and sent.tag(i + 1).startswith("JJ")


def _check_intensifier(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """"very popular", "highly regarded": an amplified evaluation, not "the very
    first" or "very much"."""
    i = pos[0]
    if sent.form(i - 1) in ("the", "this", "that", "his", "her", "its", "their"):
        return False
    return sent.tag(i + 1) in ("JJ", "VBN") and sent.form(i + 1) not in ("few", "little", "many", "much", "first", "last", "same", "own")


def _check_bare_source(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """"studies show" with no study named (no determiner or name before it)."""
    i = pos[0]
    prev = sent.form(i - 1)
    return not (prev in ("the", "these", "this", "his", "her", "their", "its", "our") or sent.tag(i - 1) in ("NNP", "POS", "CD", "PRP$"))


def _check_vague_certain(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """"certain units", "a certain measure": an unspecified set; "is certain"
    (a booster) and "almost certain" are not."""
    i = pos[0]
    if sent.form(sent.prev_content(i)) in _BE or sent.form(i - 1) in ("almost", "not", "nearly", "most", "more", "for"):
        return False
    return sent.tag(i + 1).startswith(("NN", "JJ")) or sent.form(i + 1) == "of"


def _check_hedge_sort_of(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """"sort of"/"kind of" before an adjective or verb, not "a kind of tree"."""
    return sent.form(pos[0] - 1) not in ("a", "the", "this", "that", "what", "any", "some", "every", "one", "same")


def _check_claim(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """"claimed that/to" (an unchecked assertion), not "claimed the title"."""
    nxt = sent.form(sent.next_content(pos[0]))
    return nxt in ("that", "to") or sent.tag(sent.next_content(pos[0])) in ("PRP", "EX")


def _check_weasel_passive(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """"widely believed/considered/regarded/thought/known as" type passives."""
    j = pos[-1] + 1
    return sent.tag(j) == "VBN" or sent.form(j) in ("believed", "considered", "regarded", "thought", "accepted", "seen", "held", "known", "viewed", "assumed", "reported")


_SAYING = frozenset(
    inflections("say") | inflections("argue") | inflections("claim") | inflections("believe") | inflections("contend")
    | inflections("suggest") | inflections("maintain") | inflections("feel") | inflections("consider") | inflections("allege")
    | inflections("assert") | inflections("charge") | inflections("think") | inflections("point") | inflections("note")
    | inflections("fear") | inflections("worry") | inflections("warn") | inflections("describe") | inflections("praise")
    | inflections("call") | inflections("question") | inflections("complain") | inflections("insist") | inflections("accuse")
)


def _check_weasel_subject(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """A nameless group as source ("critics argue"), not a named one.

    "critics of the plan say" counts; "the critics' association" does not.
    """
    i = pos[0]
    if sent.tag(i - 1) in ("NNP", "POS", "PRP$") or sent.form(i + 1) in ("'s", "'"):
        return False
    # the group's verb of saying within a few tokens
    for k in range(i + 1, min(len(sent.forms), i + 7)):
        if sent.forms[k] in _SAYING and sent.tags[k][:2] in ("VB", "NN", ""):
            return True
        if sent.forms[k] in (".", ";"):
            break
    return False


def _check_wh_follows(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """"questioned how much", "wonders why": an open question (investigation).
    A following "whether"/"if" is a cue of its own."""
    j = sent.next_content(pos[-1])
    return sent.form(j) in ("how", "why", "what", "when", "where", "who", "which")


def _check_that_follows(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """Booster verbs of knowing with a clause: "showed that", "found that"."""
    j = sent.next_content(pos[-1])
    return sent.form(j) in ("that", "beyond", "conclusively")


def _check_predicative(sent: _Sentence, pos: list[int], entry: Entry) -> bool:
    """"is key (to)", "critical to": emphasis; "key demands" only names them."""
    i = pos[0]
    prev = sent.form(sent.prev_content(i))
    nxt = sent.form(i + 1)
    return prev in _BE or prev in ("remain", "remains", "remained", "seen", "considered", "absolutely") or nxt in ("to", "for", "that")


CHECKS: dict[str, Callable[[_Sentence, list[int], Entry], bool | str]] = {
    "modal": _check_modal,
    "would": _check_would,
    "could": _check_could,
    "can": _check_can,
    "should": _check_should,
    "expect": _check_expect,
    "appear": _check_appear,
    "think": _check_think,
    "estimate": _check_estimate,
    "likely": _check_likely,
    "not_comparative": _not_comparative,
    "clause_follows": _check_clause_follows,
    "considered": _check_considered,
    "possible": _check_possible,
    "apparent": _check_apparent,
    "if": _check_if,
    "as_long_as": _check_as_long_as,
    "number_follows": _check_number_follows,
    "quantifier": _check_quantifier,
    "hedge_sort_of": _check_hedge_sort_of,
    "claim": _check_claim,
    "weasel_passive": _check_weasel_passive,
    "weasel_subject": _check_weasel_subject,
    "that_follows": _check_that_follows,
    "wh_follows": _check_wh_follows,
    "pronoun_subject": _check_pronoun_subject,
    "weasel_passive_next": _check_weasel_passive_next,
    "agentless": _check_agentless,
    "superlative_follows": _check_superlative_follows,
    "superlative_most": _check_superlative_most,
    "intensifier": _check_intensifier,
    "bare_source": _check_bare_source,
    "vague_certain": _check_vague_certain,
    "predicative": _check_predicative,
}
