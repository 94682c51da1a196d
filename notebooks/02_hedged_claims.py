# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     notebook_metadata_filter: presslens
#   presslens:
#     scope: article
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Hedged-claim frequency
#
# How firmly does the article assert what it reports? A *claim* is a body
# sentence (headline and page boilerplate excluded). A claim is *hedged* when
# it carries at least one hedge: a modal of possibility ("could"), an
# anticipatory phrase ("is expected to"), an epistemic verb, adverb or
# adjective ("indicated", "reportedly", "possible"), a condition ("if", "in
# case of"), an approximator or an unverified attribution. *Boosters*
# ("confirmed", "clearly", "vital") mark the opposite: firm assertion.
#
# **Run it** in JupyterLab (edit the parameters cell), or headlessly:
# `presslens report ARTICLE.txt --parties PARTIES.yml` (papermill sets the
# parameters below).

# %% tags=["parameters"]
input_path = "../data/articles/pakistan-afghan-istanbul-talks.txt"
parties_path = "../data/parties/pakistan-afghanistan.yml"
output_dir = "../reports/pakistan-afghan-istanbul-talks"
annotations_path = ""  # set by `presslens report`: the article annotated once for all notebooks
attribution_model = "default"  # or "accurate": see `presslens report --help`
extra_hedge_lexicon = ""  # optional YAML of extra hedge/booster entries

# %%
from IPython.display import HTML, Markdown, display

from presslens.report import display as show
from presslens.report import plots
from presslens.hedging.patterns import HEDGE_CATEGORIES
from presslens.hedging.lexicon import HedgeLexicon
from presslens.hedging.annotate import add_hedges
from presslens.hedging.measures import hedge_measures, hedged_claims, hedged_claims_table
from presslens.framing.proposal import load_proposal
from presslens.report.kernel import load_article, record_metrics
from presslens.report.methods import validation_sentence
from presslens.syntax.segment import body_counts

doc = load_article(input_path, parties_path, annotations_path, attribution_model)
parties = load_proposal(parties_path) if parties_path else None  # None: no parties file, or none detected
party_label = parties.label if parties is not None else str
if extra_hedge_lexicon:
    add_hedges(doc, HedgeLexicon.load(extra_hedge_lexicon))
claims = hedged_claims(doc)
measures = hedge_measures(doc)


def value(measure, category=None):
    rows = measures[(measures["measure"] == measure) & ((measures["category"] == category) if category else True)]
    return float(rows["value"].iloc[0]) if len(rows) else float("nan")


display(Markdown(f"**Article:** {show.code(doc.doc_id)} · {body_counts(doc).describe()}; each body sentence is a claim"))

# %% [markdown]
# ## Headline figures

# %%
ratio = value("hedge_booster_ratio")
cards = [
    {"name": "claims hedged", "value": f"{value('hedged_claim_share'):.0%}", "note": f"{int(claims['hedged'].sum())} of {len(claims)} claims"},
    {"name": "hedges per 100 words", "value": f"{value('hedges_per_100_words', 'all'):.2f}"},
    {"name": "boosters per 100 words", "value": f"{value('boosters_per_100_words', 'all'):.2f}"},
    {"name": "hedges per booster", "value": "n/a" if ratio != ratio else f"{ratio:.1f}"},
    {"name": "attributed claims hedged", "value": f"{value('hedged_share_attributed'):.0%}"},
    {"name": "unattributed claims hedged", "value": f"{value('hedged_share_unattributed'):.0%}"},
]
display(HTML(show.figure_cards(cards)))

# %% [markdown]
# ## Hedges by category

# %%
per_cat = measures[(measures["measure"] == "hedges_per_100_words") & (measures["category"] != "all")]
plots.show(plots.bar_shares(per_cat["category"].str.replace("_", " "), per_cat["value"], "Hedges per 100 words, by category",
                       xlabel="per 100 words", percent=False))

# %% [markdown]
# ## Hedged claims by party mentioned

# %%
party = measures[measures["measure"] == "hedged_share_party"]
if len(party):
    plots.show(plots.bar_shares(party["party"].map(party_label), party["value"], "Share of claims hedged, by party mentioned in the claim",
                           annotate=[f"{v:.0%} of {int(n)}" for v, n in zip(party["value"], party["n"])]))
else:
    display(Markdown("No claim mentions a configured party (or no parties file was given)."))

# %% [markdown]
# ## Every hedged claim and its cues

# %%
display(show.table(hedged_claims_table(doc)))

# %% [markdown]
# ## The evidence: hedges and boosters highlighted (hover for the category)

# %%
display(HTML(show.hedge_highlights(doc)))

# %% [markdown]
# ## Methods
# Hedges and boosters are matched from a cited lexicon
# (`presslens/lexicons/hedges.yml`: Hyland 2005, the CoNLL-2010/Szeged cue
# sets, Prokofieva & Hirschberg 2014) with multiword and discontinuous cues,
# inflection, negation ("could not possibly" is kept, flagged as negated) and
# disambiguation by part of speech and context ("May" the month, "can" of
# ability, schedules such as "is set to", the future "will" are not hedges).

# %%
display(Markdown(validation_sentence("hedges")))

# %%
_ = record_metrics({
    "title": "Hedged claims",
    "headline": show.headline(cards),
    "claims": len(claims),
    "hedged_claims": int(claims["hedged"].sum()),
    "hedged_claim_share": value("hedged_claim_share"),
    "hedges_per_100_words": value("hedges_per_100_words", "all"),
    "boosters_per_100_words": value("boosters_per_100_words", "all"),
    "hedge_booster_ratio": ratio,
    "hedged_share_attributed": value("hedged_share_attributed"),
    "hedged_share_unattributed": value("hedged_share_unattributed"),
    "hedges_per_100_words_by_category": {c: value("hedges_per_100_words", c) for c in HEDGE_CATEGORIES},
    "hedged_share_party": {r.party: {"share": float(r.value), "n": int(r.n)} for r in party.itertuples()},
}, "02_hedged_claims", output_dir)
