# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Party framing
#
# How does the article present each party to the conflict? For every mention
# of a party (from the parties file) the report shows whether the party
# *acts* (agent: subject of an active verb, or the by-phrase of a passive),
# is *acted upon* (patient: object, passive subject, target of "against" or
# of an anti- compound) or only appears as a modifier, possessor or in a list
# (other), with the governing verb and its connotation of agency and power.
# Whose voice is heard comes from the sourcing layer.
#
# **Run it** in JupyterLab (edit the parameters cell), or headlessly:
# `presslens report ARTICLE.txt --parties PARTIES.yml` (papermill sets the
# parameters below).

# %% tags=["parameters"]
input_path = "../data/articles/pakistan-afghan-istanbul-talks.txt"
parties_path = "../data/parties/pakistan-afghanistan.yml"
output_dir = "../reports/pakistan-afghan-istanbul-talks"
annotations_path = ""  # set by `presslens report`: the article annotated once for all notebooks

# %%
from IPython.display import HTML, Markdown, display

import presslens
from presslens import display as show
from presslens import plots
from presslens.framing import mentions_table, party_summary
from presslens.parties import load_parties
from presslens.report import record_metrics

parties = load_parties(parties_path) if parties_path else None
doc = presslens.load_article(input_path, parties_path, annotations_path)
if parties is None:
    display(Markdown("**No parties file given:** set `parties_path` to a YAML file of parties and aliases."))
    wide = None
else:
    wide = party_summary(doc, parties)
    mentions = mentions_table(doc)

# %% [markdown]
# ## Headline figures

# %%
if wide is not None:
    cards = [{"name": "parties mentioned", "value": int((wide["mentions"] > 0).sum()), "note": f"{int(wide['mentions'].sum())} actor mentions"}]
    for r in wide[wide["mentions"] > 0].head(4).itertuples():
        cards.append({"name": f"{r.label}: acts in", "value": f"{r.agent_share:.0%}",
                      "note": f"acted upon {r.patient_share:.0%} of {int(r.mentions)} mentions"})
    display(HTML(show.figure_cards(cards)))

# %% [markdown]
# ## Who acts and who is acted upon

# %%
if wide is not None and (wide["mentions"] > 0).any():
    shown = wide[wide["mentions"] > 0].rename(columns={"agent_share": "agent", "patient_share": "patient", "other_share": "other"})
    plots.show(plots.stacked_shares(shown, "label", ["agent", "patient", "other"],
                                    "Role of each party's mentions", colours=show.ROLE_COLOURS))

# %% [markdown]
# ## Whose voice is heard
# Share of attributions whose source belongs to each party (from the sourcing layer).

# %%
if wide is not None:
    voice = wide[["label", "voice_share"]].fillna(0)
    plots.show(plots.bar_shares(voice["label"], voice["voice_share"], "Share of attributions voiced by each party"))

# %% [markdown]
# ## Per-party table
# Mean agency and power are the average connotations (+1 positive, 0 equal,
# −1 negative) of the verbs of which the party is the agent, from Sap et al.
# (2017); blank where no agent verb is in the lexicon.

# %%
if wide is not None:
    cols = ["label", "mentions", "agent_share", "patient_share", "other_share", "mean_agent_agency", "mean_agent_power", "voice_share"]
    display(wide[cols].style.hide(axis="index").format(precision=2, na_rep=""))

# %% [markdown]
# ## Every mention

# %%
if wide is not None:
    display(mentions[["text", "party", "role", "verb", "stance", "sentence"]].fillna("").style.hide(axis="index")
            .set_properties(**{"text-align": "left"}))

# %% [markdown]
# ## The evidence: mentions highlighted by role (hover for party and verb)

# %%
display(HTML(show.mention_highlights(doc, {p: parties.label(p) for p in parties.ids} if parties else None)))

# %% [markdown]
# ## Methods
# Mentions are whole-word matches of the parties file's aliases (longest
# first; also inside hyphenated compounds such as "anti-Pakistan", whose
# stance is kept). Place-only uses ("in Afghanistan", "Afghan soil") are not
# counted as actors. Roles come from word-order rules over part-of-speech tags
# (subjects of active verb groups, passive subjects and by-phrases, objects,
# "against"/"targeting"); they were checked on the hand-annotated default
# article (29 of 30 gold mentions found, all with the right role) but not yet
# on a treebank, so treat them as provisional on other text. Tone, labels
# and frame dimensions are not yet measured.

# %%
if wide is not None:
    figures = {"title": "Party framing", "parties_mentioned": int((wide["mentions"] > 0).sum())}
    for r in wide.itertuples():
        for key in ("mentions", "agent_share", "patient_share", "other_share", "mean_agent_agency", "mean_agent_power", "voice_share"):
            figures[f"{r.party}.{key}"] = float(getattr(r, key))
    _ = record_metrics(figures, "03_party_framing", output_dir)
else:
    _ = record_metrics({"title": "Party framing", "parties_mentioned": 0}, "03_party_framing", output_dir)
