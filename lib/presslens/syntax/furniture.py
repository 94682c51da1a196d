"""Page furniture: which lines of a scraped page are the headline, which are site chrome, which are the article.

News pages saved as text carry menus, datelines, bylines, share and
read-more lines, photo captions, teasers of other stories and footers around
the article. They are recognised line by line, before lines are joined into
sentences, in two ways:

- by the lexicon ``lexicons/boilerplate.yml`` (regular expressions for whole
  lines: "Leave a Reply", "Scroll to Top", "Read more: ...");
- by shape, whatever the site: a line with no letter; a menu (four or more
  capitalised words in a row, no sentence); a date or time line ("Published:
  10:28, May 7, 2025 | Updated: ..."); a byline ("By Staff Reporter",
  "Source: PTI - Edited By: ..."); a photo caption ending in its credit
  ("(AFP Photo)", "Photograph: .../Reuters"); a short label before the
  article starts; a run of two or more headline-shaped lines inside the body
  (teasers of other stories).

The headline is the first content line that reads like one (short, no
closing full stop), wherever it stands. Furniture stays in the text, so
offsets never shift, and is excluded from every measure. A line is never
dropped: what is not furniture or the headline is body.

>>> lines = ["HOME NEWS SPORTS BUSINESS", "Talks resume in capital", "By Staff Reporter",
...          "Published: 10:28, May 7, 2025", "Officials said talks would resume on Monday.", "Scroll to Top"]
>>> line_labels(lines, BoilerplateMatcher.shipped())
['boilerplate', 'headline', 'boilerplate', 'boilerplate', 'body', 'boilerplate']
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from presslens.resources.files import lexicon_path, load_yaml

#: A headline has at most this many words; longer first lines are lead paragraphs.
HEADLINE_MAX_WORDS = 30
#: A teaser of another story is a headline-shaped line of at most this many words.
TEASER_MAX_WORDS = 20
#: A label before the article ("ceasefire", "World News") has at most this many words.
LABEL_MAX_WORDS = 3

_WORDS = re.compile(r"[^\W\d_][\w'’.-]*")
_MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|december|"
           "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")
#: Words a date or time line is made of, besides numbers and separators.
_DATE_WORDS = re.compile(
    rf"^(?:{_MONTHS}|monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun|"
    r"published|updated|posted|last|modified|on|at|am|pm|a\.m\.|p\.m\.|ist|pkt|gmt|utc|bst|est|edt|cet|cest|"
    r"pst|pdt|aft|ict|eat|msk|hrs|gmt\+\d+|th|st|nd|rd|ago|hours?|minutes?|days?|read|min|time|reading)$", re.I)
_BYLINE = re.compile(r"^(?:by|source|edited by|written by|reporting by|report by|posted by|author|reporter|"
                     r"staff reporter|correspondent|our correspondent|news desk|web desk)\b\s*:?", re.I)
_CREDIT = re.compile(r"(?:\((?:[^()]*\b(?:photo|photograph|image|file|afp|ap|reuters|getty|epa|xinhua|anadolu)\b[^()]*)\)"
                     r"|\b(?:photograph|photo|image|picture|credit|file photo|courtesy)s?\s*:\s*[^.]{0,80})\s*$", re.I)
_CLOSERS = ".!?\"'”’)]…"


@dataclass(frozen=True)
class BoilerplateMatcher:
    """Whole lines of page furniture listed in the boilerplate lexicon ("Leave a Reply", ...)."""

    patterns: tuple[re.Pattern[str], ...]

    @classmethod
    def from_files(cls, paths: Sequence[str | Path]) -> "BoilerplateMatcher":
        compiled = []
        for path in paths:
            data = load_yaml(path) or {}
            for group in (data.get("patterns") or {}).values():
                compiled.extend(re.compile(p, re.IGNORECASE) for p in group)
        return cls(tuple(compiled))

    @classmethod
    @lru_cache(maxsize=1)
    def shipped(cls) -> "BoilerplateMatcher":
        """The matcher of the shipped lexicon only."""
        return cls.from_files([lexicon_path("boilerplate.yml")])

    def is_boilerplate(self, line: str) -> bool:
        line = " ".join(line.split())
        return any(p.fullmatch(line) for p in self.patterns)


def _words(line: str) -> list[str]:
    return _WORDS.findall(line)


def is_chrome(line: str, matcher: BoilerplateMatcher) -> bool:
    """Is this line site chrome by the lexicon or by its shape, wherever it stands?

    >>> m = BoilerplateMatcher.shipped()
    >>> [is_chrome(x, m) for x in ["By Staff Reporter", "October 08, 2025 15:02 IST", "-",
    ...                            "A guard walks past rubble, May 7, 2025. (PHOTO / AP)", "The talks resumed on May 7."]]
    [True, True, True, True, False]
    """
    text = " ".join(line.split())
    if not any(c.isalnum() for c in text):
        return True
    if matcher.is_boilerplate(text):
        return True
    words = _words(text)
    if words and len(words) <= 12 and all(_DATE_WORDS.match(w) for w in words) and any(c.isdigit() for c in text):
        return True  # "Published: 10:28, May 7, 2025 | Updated: 17:38, May 7, 2025"
    if _BYLINE.match(text) and len(words) <= 12 and text[-1:] not in ".!?":
        return True  # "By Xinhua", "Source: PTI - Edited By: Hemant Waje"
    if _CREDIT.search(text) and len(words) >= 3:
        return True  # a photo caption ending in its credit
    caps = [w for w in words if w.isupper() and len(w) > 1]
    if len(words) >= 4 and len(caps) >= 4 and len(caps) >= 0.8 * len(words) and text[-1:] not in ".!?":
        return True  # a menu: "HOME NEWS BUSINESS MOVIES CRICKET SPORTS"
    return False


def reads_like_headline(line: str, max_words: int = HEADLINE_MAX_WORDS) -> bool:
    """Short, with letters, and not closed like a sentence (a question mark aside).

    A quoted last word is no closing ("... talks are 'stalling'"); a name alone
    of two or three capitalised words is a byline, not a headline.

    >>> [reads_like_headline(x) for x in ["Talks resume in capital", "Qatari PM says talks are ‘stalling’",
    ...                                   "Ana Ruiz", "Officials said talks would resume."]]
    [True, True, False, False]
    """
    text = " ".join(line.split())
    words = _words(text)
    if not 2 <= len(words) <= max_words or text.endswith(":"):
        return False
    if len(words) <= 3 and all(w[:1].isupper() for w in words):
        return False
    core = text.rstrip("\"'”’")
    return core[-1:] not in ".!,;)]…" and not (core != text and core[-1:] in ".!?,")


def line_labels(lines: Sequence[str], matcher: BoilerplateMatcher, title: str = "") -> list[str]:
    """``headline``, ``body`` or ``boilerplate`` for each non-empty line of a page, in order.

    ``title`` is the page's own title (from HTML metadata): a line equal to it is the headline.
    """
    labels = ["boilerplate" if is_chrome(x, matcher) else "" for x in lines]
    title = " ".join(title.split())
    headline = next((i for i, x in enumerate(lines) if not labels[i] and title and " ".join(x.split()) == title), None)
    content = [i for i, lab in enumerate(labels) if not lab]
    if headline is None and content:
        first = content[0]
        later = [i for i in content if i > first]
        if reads_like_headline(lines[first]) and later:
            headline = first
    if headline is not None:
        labels[headline] = "headline"
    body_started = False
    for i, x in enumerate(lines):
        if labels[i]:
            continue
        words = _words(x)
        if not body_started and headline is not None and i > headline and len(words) <= LABEL_MAX_WORDS \
                and x.strip()[-1:] not in _CLOSERS:
            labels[i] = "boilerplate"  # a section label or tag between headline and article ("ceasefire")
            continue
        labels[i] = "body"
        if not reads_like_headline(x):
            body_started = True
    _mark_teasers(lines, labels)
    return labels


def _mark_teasers(lines: Sequence[str], labels: list[str]) -> None:
    """Teasers of other stories: two or more headline-shaped body lines in a row, among body sentences."""
    i = 0
    first_body = next((k for k, lab in enumerate(labels) if lab == "body" and not reads_like_headline(lines[k])), None)
    if first_body is None:
        return
    while i < len(lines):
        j = i
        while j < len(lines) and labels[j] == "body" and reads_like_headline(lines[j], TEASER_MAX_WORDS):
            j += 1
        if j - i >= 2 and i > first_body:
            for k in range(i, j):
                labels[k] = "boilerplate"
        i = max(j, i + 1)
