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
# party framing across many articles: the mean of each measure per group
# (with a 95% bootstrap interval where a group has enough articles), every
# article of every group on a chart, a ranking of the articles, and the
# articles far from the others, with links to their own reports where those
# exist.
#
# **Run it** in JupyterLab (edit the parameters cell), or headlessly:
# `presslens report CORPUS.jsonl [--parties PARTIES.yml] [--group-by outlet] [--jobs N]`
# annotates the corpus once into `OUT/annotations.parquet` and runs this
# notebook on it; `presslens report DIR.parquet` reuses a folder written by
# `presslens annotate CORPUS --out DIR.parquet`.

# %% tags=["parameters"]
input_path = "../data/corpora/sample/articles.jsonl"
parties_path = "../data/parties/pakistan-afghanistan.yml"
output_dir = "../reports/corpus-sample"
annotations_path = ""  # an existing DIR.parquet from `presslens annotate`; empty: annotate input_path
group_by = "outlet"
min_group_size = 5  # articles a group needs (with a value) for a confidence interval
n_boot = 2000
seed = 0
reports_dir = "../reports"  # single-article reports live in reports_dir/<doc_id>/index.html
top_n = 20  # articles shown at each end of the ranking, and outliers shown (all of them go to CSV files)
outlier_threshold = 3.5  # robust z-score beyond which an article is an outlier on a measure

# %%
from pathlib import Path

import pandas as pd
from IPython.display import HTML, Markdown, display

from presslens.corpus import compare
from presslens.corpus.annotate import annotate_corpus
from presslens.corpus.read import read_measures, read_skipped
from presslens.framing.proposal import load_proposal
from presslens.report import compare_plots, plots
from presslens.report import display as show
from presslens.document.outputs import write_csv
from presslens.report.kernel import record_metrics

if not annotations_path:
    annotations_path = str(Path(output_dir) / "annotations.parquet")
    annotate_corpus([input_path], annotations_path, parties_path or None, restart=True)
measures = read_measures(annotations_path, meta=[group_by])
skipped = read_skipped(annotations_path)
Path(output_dir).mkdir(parents=True, exist_ok=True)
parties = load_proposal(parties_path) if parties_path else None
party_labels = {p: parties.label(p) for p in parties.ids} if parties is not None else {}
labels = {c: compare.measure_label(c, party_labels) for c in compare.measure_columns(measures)}
columns = compare.key_measures(measures)
sizes = compare.group_sizes(measures, group_by, min_group_size)
display(Markdown(f"**Corpus:** {len(measures)} articles annotated ({len(skipped)} skipped), "
                 f"{int(measures['words'].sum()):,} words of body text, {len(sizes)} groups by {show.code(group_by)}."))

# %% [markdown]
# ## Articles per group
# A group needs at least `min_group_size` articles for a confidence
# interval; smaller groups get their mean only.

# %%
display(show.table(sizes.assign(small=sizes["small"].map({True: "no: n too small", False: "yes"}))
                   .rename(columns={"group": group_by, "small": "interval"})))

# %% [markdown]
# ## Per-group means
# The mean over a group's articles (each article weighs the same), with its
# 95% percentile-bootstrap interval (`n_boot` resamples of the group's
# articles) where the group has at least `min_group_size` articles with a
# value; "n too small (k)" where it has only k. An article without a value
# (a share whose denominator is zero) is left out, never counted as zero.

# %%
means = compare.group_means(measures, group_by, columns, n_boot=n_boot, seed=seed, min_group_size=min_group_size)
display(HTML(show.scroll_table(show.table(compare.means_table(means, labels)))))

# %% [markdown]
# ## Every article, group by group
# One panel per measure. Dots are articles (the number beside each group is
# its article count); the diamond is the group's mean, with its interval
# where the group is large enough.

# %%
charted, left_out = compare.charted_measures(measures, columns)
if charted:
    plots.show(compare_plots.distributions(measures, charted, group_by, means, labels))
if left_out:
    display(Markdown("Not charted, because no article has a value other than zero: "
                     + "; ".join(labels[c] for c in left_out) + "."))

# %% [markdown]
# ## Articles ranked
# By the first measure above, with the other sourcing and hedging headline
# measures beside it: the `top_n` highest and lowest. The whole ranking, with
# every measure, is in `ranked_articles.csv` beside this report.

# %%
first = columns[0]
ranked = compare.rank_articles(measures, first, group_by).merge(measures[["doc_id", *columns[1:]]], on="doc_id")
write_csv(ranked, Path(output_dir) / "ranked_articles.csv")
beside = [c for c in columns[1:] if c in compare.KEY_MEASURES][:3]
shown = ranked[[c for c in ("title", "doc_id", "rank", group_by) if c in ranked] + [first, *beside]]
if "title" in shown and shown["title"].notna().all():
    shown = shown.drop(columns="doc_id")
if len(ranked) > 2 * top_n:
    display(Markdown(f"The {top_n} highest and the {top_n} lowest of {len(ranked):,} articles."))
    shown = pd.concat([shown.head(top_n), shown.tail(top_n)])
shown = shown.rename(columns={c: labels.get(c, c) for c in [first, *beside]})
display(HTML(show.scroll_table(show.table(shown, {labels[c]: "{:.3g}" for c in [first, *beside]}))))

# %% [markdown]
# ## Outliers
# The rule is stated here and applied to every measure above.

# %%
out = compare.outliers(measures, columns, threshold=outlier_threshold, by=group_by)
write_csv(out, Path(output_dir) / "outliers.csv")
display(Markdown("**Rule:** " + compare.OUTLIER_RULE.format(threshold=outlier_threshold, min_n=10) + ". "
                 f"{out['doc_id'].nunique()} of {len(measures)} articles are outliers on at least one measure "
                 f"({len(out)} article–measure pairs; all of them in `outliers.csv`)."))
if len(out):
    out = out.head(top_n)
    links = compare.report_links(out["doc_id"], reports_dir, relative_to=output_dir)
    table = out.assign(measure=out["measure"].map(lambda c: labels.get(c, c)), report=[link or "" for link in links])
    table = table.rename(columns={"group": group_by, "z": "robust z"})
    display(HTML(show.scroll_table(show.table(table, precision=3, links={"report": "report"}))))
    display(Markdown(f"{sum(map(bool, links))} of these {len(out)} articles have a single-article report beside "
                     "this one (`presslens report ARTICLE --out REPORTS/DOC_ID`)."))

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
# table, over the body text of each article (headline and page boilerplate
# excluded, as in the single-article reports). Means are over articles;
# intervals are percentile bootstrap intervals over the articles of a group.
# Measure definitions are those of the single-article reports (sourcing
# density, hedged claims, party framing).

# %%
_ = record_metrics({"title": "Corpus comparison", "articles": len(measures), "skipped": len(skipped),
                    "groups": len(sizes), "small_groups": int(sizes["small"].sum()), "group_by": group_by,
                    "outlier_articles": int(out["doc_id"].nunique()) if len(out) else 0,
                    "group_means": {f"{r.group}|{r.measure}": {"mean": r.mean, "ci_low": r.ci_low, "ci_high": r.ci_high,
                                                               "n": r.n, "small": bool(r.small)}
                                    for r in means.itertuples()},
                    "headline": {"articles": len(measures), "skipped": len(skipped), f"groups by {group_by}": len(sizes),
                                 "groups too small for intervals": int(sizes["small"].sum())}},
                   "04_corpus_comparison", output_dir)
