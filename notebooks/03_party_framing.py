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
#     scope: article
# ---

# %% [markdown]
# # Party framing
#
# How does the article present each party to the conflict? For every mention
# of a party (from the parties file) the report shows whether the party
# *acts* (agent: subject of an active verb, or the by-phrase of a passive),
# is *acted upon* (patient: object, passive subject, target of "against" or
# of an anti- compound) or only appears as a modifier, possessor or in a list
# (other), with the governing verb and its connotation of agency and power;
# the labels attached to it; the tone toward it; whose voice is heard; and
# which frame dimensions the sentences about it belong to. Each figure is
# followed by the mentions or sentences behind it.
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
extra_frame_lexicon = ""  # optional YAML adding frame dimensions or cues (see lexicons/frames.yml)
extra_descriptor_lexicon = ""  # optional YAML adding label groups or words (see lexicons/descriptors.yml)

# %%
from IPython.display import HTML, Markdown, display

from presslens.report import display as show
from presslens.report import plots
from presslens.framing.descriptors import descriptor_summary, party_descriptors
from presslens.framing.frames import load_frame_lexicon
from presslens.framing.measures import party_frames, sentence_frames
from presslens.report.methods import methods_note
from presslens.framing.measures import mentions_table, party_summary, party_verbs, tone_evidence
from presslens.framing.parties import load_parties
from presslens.report.kernel import load_article, record_metrics

parties = load_parties(parties_path) if parties_path else None
doc = load_article(input_path, parties_path, annotations_path, attribution_model)
if parties is None:
    display(Markdown("**No parties file given:** set `parties_path` to a YAML file of parties and aliases."))
    wide = None
else:
    labels = {p: parties.label(p) for p in parties.ids}
    wide = party_summary(doc, parties)
    present = wide[wide["mentions"] > 0]
    mentions = mentions_table(doc)
    descriptors = party_descriptors(doc, parties, extra_descriptor_lexicon or None)
    frame_lexicon = load_frame_lexicon(extra_frame_lexicon or None)
    frames = party_frames(doc, parties, frame_lexicon)
    has_tone = "mean_tone" in wide

# %% [markdown]
# ## Headline figures

# %%
if wide is not None:
    cards = [{"name": "parties mentioned", "value": int(len(present)), "note": f"{int(wide['mentions'].sum())} actor mentions"}]
    for r in present.head(4).itertuples():
        tone = f"; mean tone {r.mean_tone:+.2f}" if has_tone and r.mean_tone == r.mean_tone else ""
        cards.append({"name": f"{r.label}: acts in", "value": f"{r.agent_share:.0%}",
                      "note": f"acted upon {r.patient_share:.0%} of {int(r.mentions)} mentions{tone}"})
    display(HTML(show.figure_cards(cards)))

# %% [markdown]
# ## Per-party summary
# Mentions and their share of all actor mentions; the share in which the
# party acts, is acted upon or is only named (other); mean agency and power
# of the verbs it is the agent of (Sap et al. 2017: +1 positive, 0 equal,
# −1 negative; blank where no verb is in the lexicon); mean tone (−1 to +1);
# *in quotes*: the share of its mentions inside attributed content; *voice*:
# the share of all attributions whose source belongs to the party.

# %%
if wide is not None:
    cols = ["label", "mentions", "mention_share", "agent_share", "patient_share", "other_share",
            "mean_agent_agency", "mean_agent_power"] + (["mean_tone"] if has_tone else []) + [
            "in_attributed_voice_share", "voice_share"]
    short = {"label": "party", "mention_share": "share", "agent_share": "acts", "patient_share": "acted upon",
             "other_share": "other", "mean_agent_agency": "agency", "mean_agent_power": "power", "mean_tone": "tone",
             "in_attributed_voice_share": "in quotes", "voice_share": "voice"}
    table = wide[cols].rename(columns=short)
    formats = {c: "{:.0%}" for c in ["share", "acts", "acted upon", "other", "in quotes", "voice"]}
    formats.update({c: "{:+.2f}" for c in ["agency", "power", "tone"] if c in table})
    formats["mentions"] = "{:.0f}"
    display(show.table(table, formats))

# %% [markdown]
# ## Who acts and who is acted upon

# %%
if wide is not None and len(present):
    shown = present.rename(columns={"agent_share": "agent", "patient_share": "patient", "other_share": "other"})
    plots.show(plots.stacked_shares(shown, "label", ["agent", "patient", "other"],
                                    "Role of each party's mentions", colours=show.ROLE_COLOURS))

# %% [markdown]
# ### What each party does and undergoes
# Verb lemmas of which the party is the agent (does) or the patient
# (undergoes), with counts.

# %%
if wide is not None:
    display(show.table(party_verbs(doc, parties).drop(columns="party")))

# %% [markdown]
# ## Labels and descriptors
# Words the article attaches to each party: evaluative words in the name
# itself ("terrorist groups"), modifiers, actor nouns ("Pakistani forces"),
# appositions, predicates ("X is a ...") and "described as". The groups come
# from the cited lexicon `lexicons/descriptors.yml`.

# %%
if wide is not None:
    summary = descriptor_summary(descriptors, parties)
    display(show.table(summary[summary["n"] > 0].drop(columns="party")))
    if len(descriptors):
        display(HTML(show.descriptor_highlights(doc, descriptors, labels)))
    else:
        display(Markdown("_No descriptors found._"))

# %% [markdown]
# ## Tone toward each party
# Target-level tone: for each mention, what its sentence says about or does
# to the party (a model trained on NewsMTSC; "anti-Pakistan attacks" is
# negative *for Pakistan*, not negative language *by* Pakistan). The mean
# score runs from −1 (all negative) to +1 (all positive); the table below
# lists every mention with its sentence, most negative first.

# %%
if wide is not None and has_tone and len(present):
    plots.show(plots.diverging_bars(present["label"], present["mean_tone"], "Mean tone toward each party",
                                    "mean target-level tone (−1 negative … +1 positive)",
                                    counts=present["mentions"].astype(int)))
    display(show.table(tone_evidence(doc, parties).drop(columns="party"), {"tone_score": "{:+.2f}"}))
elif wide is not None:
    display(Markdown("_The tone model is not available in this installation._"))

# %% [markdown]
# ## Whose voice is heard
# Left: the share of all attributions whose source belongs to each party
# (from the sourcing layer). Right: where each party's mentions sit: inside
# attributed content (someone else's words), or in the reporter's own voice.

# %%
if wide is not None:
    voice = wide[["label", "voice_share"]].fillna(0)
    plots.show(plots.bar_shares(voice["label"], voice["voice_share"], "Share of attributions voiced by each party"))
    if len(present):
        where = present.rename(columns={"in_attributed_voice_share": "attributed content",
                                        "in_reporter_voice_share": "reporter's voice"})
        where["as source"] = 1 - where["attributed content"] - where["reporter's voice"]
        plots.show(plots.stacked_shares(where, "label", ["reporter's voice", "attributed content", "as source"],
                                        "Where each party's mentions sit"))

# %% [markdown]
# ## Frame dimensions
# Share of the sentences mentioning each party that belong to each frame
# dimension (cue lexicon after Boydstun et al.'s Policy Frames Codebook,
# `lexicons/frames.yml`; a sentence may belong to several). The table after
# the heatmap lists the cues found in each sentence.

# %%
if wide is not None and len(present):
    grid = frames[frames["party"].isin(present["party"])].pivot(index="party", columns="label", values="share")
    grid = grid.loc[present["party"], [frame_lexicon.labels[d] for d in frame_lexicon.ids]]
    grid.index = [labels[p] for p in grid.index]
    plots.show(plots.heatmap(grid, "Frame dimensions of the sentences mentioning each party"))
    sf = sentence_frames(doc, frame_lexicon)
    sf["dimension"] = sf["dimension"].map(frame_lexicon.labels)
    sf["text"] = sf["text"].map(show.excerpt)
    display(show.table(sf))

# %% [markdown]
# ## The evidence: mentions in each party's colour
# Hover a mention for its party, role, governing verb and tone.

# %%
if parties is not None:
    display(HTML(show.party_highlights(doc, labels)))

# %% [markdown]
# ### Every mention

# %%
if wide is not None:
    display(show.table(mentions[["text", "np_text", "party", "role", "verb", "stance", "voice", "tone", "sentence"]]))

# %% [markdown]
# ## Methods

# %%
display(Markdown(methods_note()))

# %%
if wide is not None:
    figures = {"title": "Party framing", "parties_mentioned": int(len(present))}
    keys = ["mentions", "agent_share", "patient_share", "other_share", "mean_agent_agency", "mean_agent_power",
            "voice_share", "in_attributed_voice_share"] + (["mean_tone"] if has_tone else [])
    for r in wide.itertuples():
        for key in keys:
            figures[f"{r.party}.{key}"] = float(getattr(r, key))
    for r in frames.itertuples():
        figures[f"{r.party}.frame.{r.dimension}"] = float(r.share)
    # What index.html shows for this report: the most mentioned parties' roles.
    figures["headline"] = {"parties mentioned": str(len(present))}
    for r in present.head(3).itertuples():
        figures["headline"][f"{r.label}: acts / acted upon"] = f"{r.agent_share:.0%} / {r.patient_share:.0%}"
    _ = record_metrics(figures, "03_party_framing", output_dir)
else:
    _ = record_metrics({"title": "Party framing", "parties_mentioned": 0}, "03_party_framing", output_dir)
