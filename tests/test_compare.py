"""Comparison tables (bootstrap group means, outliers, ranking) and notebook 04 on its defaults."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from conftest import ROOT
from presslens.corpus import compare


def _measures():
    rng = np.random.default_rng(1)
    return pd.DataFrame({
        "doc_id": [f"d{i}" for i in range(23)],
        "outlet": ["X"] * 10 + ["Y"] * 10 + ["Z"] * 2 + [None],
        "attributions_per_100_words": np.r_[rng.normal(2, 0.3, 10), rng.normal(4, 0.3, 10), [3.0, 3.1], [3.0]],
        "anonymous_share": [np.nan] * 3 + [0.2] * 20,
    })


def test_group_means_bootstrap_interval():
    m = _measures()
    t = compare.group_means(m, "outlet", n_boot=1000, seed=0, min_group_size=5)
    assert set(t["group"]) == {"X", "Y", "Z", "(none)"}
    x = t[(t["group"] == "X") & (t["measure"] == "attributions_per_100_words")].iloc[0]
    assert x["ci_low"] < x["mean"] < x["ci_high"] and x["ci_high"] - x["ci_low"] < 0.6
    assert x["mean"] == m.loc[m.outlet == "X", "attributions_per_100_words"].mean()
    # NaN is missing, not zero: X has 7 anonymous-share values.
    assert t[(t["group"] == "X") & (t["measure"] == "anonymous_share")]["n"].item() == 7
    assert dict(zip(t.drop_duplicates("group")["group"], t.drop_duplicates("group")["small"])) == {
        "(none)": True, "X": False, "Y": False, "Z": True}
    again = compare.group_means(m, "outlet", n_boot=1000, seed=0)
    pd.testing.assert_frame_equal(t[["ci_low", "ci_high"]], again[["ci_low", "ci_high"]])


def test_outliers_ranking_and_links(tmp_path):
    m = _measures()
    m.loc[5, "attributions_per_100_words"] = 12.0
    out = compare.outliers(m, ["attributions_per_100_words"], by="outlet")
    assert out.iloc[0]["doc_id"] == "d5" and out.iloc[0]["z"] > 2
    ranked = compare.rank_articles(m, "attributions_per_100_words", top=3)
    assert ranked["doc_id"].iloc[0] == "d5" and list(ranked["rank"]) == [1, 2, 3]
    (tmp_path / "d5").mkdir()
    (tmp_path / "d5" / "index.html").write_text("<html></html>")
    assert compare.report_links(["d5", "d6"], tmp_path, relative_to=tmp_path) == ["d5/index.html", None]
    assert compare.key_measures(m) == ["attributions_per_100_words", "anonymous_share"]


def test_notebook_04_runs_on_its_defaults(tmp_path):
    import papermill

    out_dir = tmp_path / "report"
    papermill.execute_notebook(
        str(ROOT / "notebooks" / "04_corpus_comparison.ipynb"), str(tmp_path / "04.ipynb"),
        parameters={"output_dir": str(out_dir)}, kernel_name="python3", cwd=str(ROOT / "notebooks"),
        progress_bar=False,
    )
    nb = json.loads((tmp_path / "04.ipynb").read_text(encoding="utf-8"))
    outputs = [o for c in nb["cells"] for o in c.get("outputs", [])]
    assert not [o for o in outputs if o["output_type"] == "error"]
    assert sum("image/png" in o.get("data", {}) for o in outputs) >= 1  # the small multiples, one figure
    text = json.dumps(outputs)
    assert "12 articles annotated" in text and "Harbour Wire" in text
    assert (out_dir / "annotations.parquet" / "measures.parquet").exists()
