# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     notebook_metadata_filter: presslens
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
#   presslens:
#     scope: corpus
# ---

# %% [markdown]
# # Corpus comparison
#
# How outlets (or any other grouping column) differ in sourcing, hedging and
# party framing across many articles: per-group means with bootstrap 95%
# confidence intervals for each measure, the distribution of every measure,
# a ranked table of articles, and the outliers, with links to their
# single-article reports where those exist. Groups with fewer than
# `min_group_size` articles are shown but flagged: their intervals are wide
# and their means fragile.
#
# **Run it** in JupyterLab (edit the parameters cell), or headlessly:
# `presslens report CORPUS.jsonl --parties PARTIES.yml [--group-by outlet] [--jobs N]`
# annotates the corpus once into `OUT/annotations.parquet` (`--jobs N`: a
# local Dask cluster) and runs this notebook on it;
# `presslens report DIR.parquet` reuses a folder written by
# `presslens annotate CORPUS --out DIR.parquet`. With `annotations_path`
# empty the notebook annotates `input_path` itself (the small sample corpus
# by default).

# %% tags=["parameters"]
input_path = "../data/corpora/sample/articles.jsonl"
parties_path = "../data/parties/pakistan-afghanistan.yml"
output_dir = "../reports/corpus-sample"
annotations_path = ""  # an existing DIR.parquet from `presslens annotate`; empty: annotate input_path
group_by = "outlet"
min_group_size = 5
n_boot = 2000
seed = 0
reports_dir = "../reports"  # single-article reports live in reports_dir/<doc_id>/index.html
top_n = 20  # articles shown at each end of the ranking, and outliers shown (all of them go to CSV files)

# %%
from pathlib import Path

import pandas as pd
from IPython.display import Markdown, display

from presslens.corpus import compare
from presslens.report import compare_plots, plots
from presslens.report import display as show
from presslens.corpus.annotate import annotate_corpus
from presslens.corpus.read import read_measures, read_skipped
from presslens.document.outputs import write_csv
from presslens.report.kernel import record_metrics

if not annotations_path:
    annotations_path = str(Path(output_dir) / "annotations.parquet")
    annotate_corpus([input_path], annotations_path, parties_path or None, restart=True)
measures = read_measures(annotations_path, meta=[group_by])
skipped = read_skipped(annotations_path)
Path(output_dir).mkdir(parents=True, exist_ok=True)
columns = compare.key_measures(measures)
sizes = compare.group_sizes(measures, group_by, min_group_size)
display(Markdown(f"**Corpus:** {len(measures)} articles annotated ({len(skipped)} skipped), "
                 f"{int(measures['words'].sum()):,} words, {len(sizes)} groups by {show.code(group_by)}."))

# %% [markdown]
# ## Articles per group
# Groups marked *small* have fewer than `min_group_size` articles.

# %%
display(show.table(sizes, highlight=sizes["small"]))

# %% [markdown]
# ## Per-group means with 95% bootstrap confidence intervals
# Articles are resampled within each group (`n_boot` draws). `n` counts the
# articles with a value (a share is undefined when its denominator is zero).

# %%
means = compare.group_means(measures, group_by, columns, n_boot=n_boot, seed=seed, min_group_size=min_group_size)
wide = means.assign(cell=means.apply(
    lambda r: "" if r["n"] == 0 else f"{r['mean']:.3g} [{r['ci_low']:.3g}, {r['ci_high']:.3g}]"
    + (" *" if r["small"] else ""), axis=1)).pivot(index="measure", columns="group", values="cell").loc[columns]
display(show.table(wide, index=True))
display(Markdown("`*` small group (fewer than %d articles)." % min_group_size))

# %% [markdown]
# ## Distribution of each measure
# Dots are articles; the diamond is the group mean with its 95% interval.

# %%
for col in columns:
    plots.show(compare_plots.distribution(measures, col, group_by, means))

# %% [markdown]
# ## Articles ranked
# By attributions per 100 words (the first headline measure), with the other
# headline measures beside it: the `top_n` highest and lowest. The whole
# ranking is in `ranked_articles.csv` beside this report.

# %%
first = columns[0]
ranked = compare.rank_articles(measures, first, group_by).merge(measures[["doc_id", *columns[1:]]], on="doc_id")
write_csv(ranked, Path(output_dir) / "ranked_articles.csv")
shown = ranked if len(ranked) <= 2 * top_n else pd.concat([ranked.head(top_n), ranked.tail(top_n)])
if len(ranked) > 2 * top_n:
    display(Markdown(f"The {top_n} highest and the {top_n} lowest of {len(ranked):,} articles."))
display(show.table(shown, precision=3))

# %% [markdown]
# ## Outliers
# Articles more than two standard deviations from the corpus mean of a
# measure, the `top_n` farthest first (all of them in `outliers.csv`). The
# link opens the article's own report when one was written
# (`presslens report ARTICLE --out reports_dir/DOC_ID`).

# %%
out = compare.outliers(measures, columns, threshold=2.0, by=group_by)
write_csv(out, Path(output_dir) / "outliers.csv")
out = out.head(top_n)
links = compare.report_links(out["doc_id"], reports_dir, relative_to=output_dir)
out = out.assign(report=[link or "" for link in links])
if len(out):
    display(show.table(out, precision=3, links={"report": "report"}))
    display(Markdown(f"{sum(map(bool, links))} of these {len(out)} articles have a single-article report in "
                     f"{show.code(reports_dir)}."))
else:
    display(Markdown("No article lies more than two standard deviations from the mean of any measure."))

# %% [markdown]
# ## Skipped documents
# Documents that could not be annotated (empty, binary, too long, or the
# annotator failed), with the reason; they are in no figure above.

# %%
display(show.table(skipped) if len(skipped) else Markdown("None."))

# %% [markdown]
# ## Methods
# Each article is annotated once (`presslens annotate … --out DIR.parquet`)
# into a per-document measures table; every figure here is computed from that
# table. Means are over articles (each article weighs the same); confidence
# intervals are percentile bootstrap intervals over articles within a group.
# Measure definitions are those of the single-article reports (sourcing
# density, hedged claims, party framing) and of the project's README.

# %%
_ = record_metrics({"title": "Corpus comparison", "articles": len(measures), "skipped": len(skipped),
                    "groups": len(sizes), "small_groups": int(sizes["small"].sum()), "group_by": group_by,
                    "group_means": {f"{r.group}|{r.measure}": {"mean": r.mean, "ci_low": r.ci_low, "ci_high": r.ci_high,
                                                               "n": r.n, "small": bool(r.small)}
                                    for r in means.itertuples()},
                    "headline": {"articles": len(measures), "skipped": len(skipped), f"groups by {group_by}": len(sizes),
                                 "small groups": int(sizes["small"].sum())}},
                   "04_corpus_comparison", output_dir)
