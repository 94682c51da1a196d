"""The real-news development set (../shared/dev-real): the figures issue 17 asked for must not slip back."""

from __future__ import annotations

import sys

from conftest import ROOT, SHARED, shared_path

sys.path.insert(0, str(ROOT / "scripts"))

import score_real_news  # noqa: E402


def test_dev_real_figures_hold():
    shared_path("dev-real", "score.py")
    fig = score_real_news.figures(score_real_news.score(SHARED))
    m = fig["measures"]
    # Measured 0.981 / 0.948 / 0.941, types 0.974, roles 0.940 when set (VALIDATION.md has the current figures).
    assert m["attribution cue (overlap)"]["f1"] >= 0.95
    assert m["attribution source (>=50% of gold)"]["f1"] >= 0.92
    assert m["attribution content (span overlap)"]["f1"] >= 0.92
    assert m["source_type accuracy"]["accuracy"] >= 0.95
    assert m["mention role accuracy"]["accuracy"] >= 0.93
    assert fig["headline"][0] == fig["headline"][1] and fig["boilerplate"][0] == fig["boilerplate"][1]
