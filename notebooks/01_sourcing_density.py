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
# # Sourcing density
#
# How much of the article rests on attributed sources, which kinds of sources
# speak, and where in the article they do. Every figure below is followed by
# the evidence behind it: the table of attributions and the article with each
# source, reporting cue and attributed content highlighted.
#
# **Run it** in JupyterLab (edit the parameters cell), or headlessly for any
# article: `presslens report ARTICLE.txt --parties PARTIES.yml` (papermill
# sets the parameters below and the HTML lands in `reports/`).

# %% tags=["parameters"]
input_path = "../data/articles/pakistan-afghan-istanbul-talks.txt"
parties_path = "../data/parties/pakistan-afghanistan.yml"
output_dir = "../reports/pakistan-afghan-istanbul-talks"
annotations_path = ""  # set by `presslens report`: the article annotated once for all notebooks
attribution_model = "default"  # or "accurate": see `presslens report --help`

# %%
from IPython.display import HTML, Markdown, display

from presslens.report import display as show
from presslens.report import plots
from presslens.framing.proposal import load_proposal
from presslens.report.kernel import load_article, record_metrics
from presslens.attribution.measures import attributions_by_paragraph, attributions_table, sourcing_measures
from presslens.report.methods import validation_sentence
from presslens.syntax.segment import body_counts

doc = load_article(input_path, parties_path, annotations_path, attribution_model)
parties = load_proposal(parties_path) if parties_path else None  # None: no parties file, or none detected
party_label = parties.label if parties is not None else str
measures = sourcing_measures(doc)
m = measures.set_index("measure")["value"]
attributions = attributions_table(doc)
facts = body_counts(doc).describe()
display(Markdown(f"**Article:** {show.code(doc.doc_id)} · {facts}"))

# %% [markdown]
# ## Headline figures

# %%
cards = [
    {"name": "attributions per 100 words", "value": f"{m['attributions_per_100_words']:.2f}", "note": f"{int(m['attributions'])} attributions"},
    {"name": "body sentences carrying an attribution", "value": f"{m['share_body_sentences_with_attribution']:.0%}"},
    {"name": "of the body text is attributed content", "value": f"{m['share_body_chars_in_content']:.0%}"},
    {"name": "anonymous share (unnamed sources + unnamed officials)", "value": f"{m['anonymous_share']:.0%}"},
    {"name": "named share (named people)", "value": f"{m['named_share']:.0%}"},
    {"name": "distinct sources", "value": int(m["distinct_sources"])},
]
display(HTML(show.figure_cards(cards)))

# %% [markdown]
# ## Who is speaking: source types

# %%
types = measures[measures["measure"].str.startswith("share_") & ~measures["measure"].str.startswith("share_body")]
counts = measures.set_index("measure")["value"]
labels = [t.removeprefix("share_") for t in types["measure"]]
plots.show(plots.bar_shares([t.replace("_", " ") for t in labels], types["value"], "Share of attributions by source type",
                       annotate=[f"{v:.0%} ({int(counts['count_' + t])})" for t, v in zip(labels, types["value"])]))

# %% [markdown]
# ## Whose voice is heard: sources by party

# %%
voice = measures[measures["measure"].str.startswith("voice_share_")]
if len(voice):
    plots.show(plots.bar_shares([party_label(v.removeprefix("voice_share_")) for v in voice["measure"]], voice["value"],
                           "Share of attributions whose source belongs to a party"))
else:
    display(Markdown("No source in this article belongs to a configured party."))

# %% [markdown]
# ## Where sourcing sits in the article

# %%
by_para = attributions_by_paragraph(doc)
plots.show(plots.per_paragraph(by_para, "attributions", "Attributions per body paragraph", "attributions"))

# %% [markdown]
# ## Every attribution
# One row per attribution: who speaks (source), the reporting expression (cue),
# an excerpt of what is attributed (content), and how the source was typed.
# A pronoun source ("They") is shown with the source it resolves to.

# %%
table = attributions.assign(
    content=attributions["content"].map(lambda t: show.excerpt(t or "", 120)),
    source_type=attributions["source_type"].fillna("").str.replace("_", " "),
    source_party=attributions["source_party"].map(lambda p: party_label(p) if isinstance(p, str) and p else ""),
    nested=attributions["nested"].map(lambda n: "nested" if n is True else ""),
)
display(table[["source", "source_resolves_to", "source_type", "source_party", "cue", "content", "nested", "paragraph"]]
        .rename(columns={"source_resolves_to": "resolves to", "source_type": "source type", "source_party": "party"})
        .pipe(show.table))

# %% [markdown]
# ## The evidence: the article with its attributions highlighted

# %%
display(HTML(show.attribution_highlights(doc)))

# %% [markdown]
# ## Methods
# An **attribution** links a *cue* (a reporting expression: speech or cognition
# verbs in any tense and voice, "according to", attributing nouns such as
# "statement") to its *source* (who speaks; none for agentless passives) and
# its *content* (what is attributed). Cues, sources and contents are labelled
# token by token by a tagger trained on the PolNeAR corpus of news
# attributions (Newell, Margolin & Ruths 2018; train split only): by default a
# small recurrent network, with `--attribution-model accurate` a fine-tuned
# MiniLM transformer averaged with it, with `--attribution-model mpnet` a
# fine-tuned MPNet transformer (the footer names the one that ran), and
# linked by rules for inverted ("said the minister"), parenthetical and
# passive constructions; a pronoun source ("They added") is resolved to the
# source before it. Sources are typed (anonymous, unnamed official, named
# person, institution, media, document) from a cited noun lexicon
# (`lexicons/source_nouns.yml`). Headline and page boilerplate are excluded
# from every figure.

# %%
display(Markdown(validation_sentence("attribution", attribution_model=attribution_model)))

# %%
_ = record_metrics({"title": "Sourcing density", "facts": facts, "headline": show.headline(cards), **{k: float(v) for k, v in m.items()}},
                   "01_sourcing_density", output_dir)
