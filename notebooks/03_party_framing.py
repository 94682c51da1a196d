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
# How does the article present each party to the conflict? Four questions,
# each answered by one chart: who acts and who is acted upon, what tone the
# article takes toward each party, whose words carry each party, and which
# frames surround it. The evidence (the article with every counted mention
# marked, verbs, labels, tone and frames sentence by sentence) follows,
# folded. Headline and page boilerplate are in no figure. Made by
# `presslens report ARTICLE.txt [--parties PARTIES.yml]` (how to run it
# yourself: Methods, at the end).

# %% tags=["parameters"]
input_path = "../data/articles/pakistan-afghan-istanbul-talks.txt"
parties_path = "../data/parties/pakistan-afghanistan.yml"
parties_detected = False  # True when `presslens report` detected the parties itself (no --parties)
output_dir = "../reports/pakistan-afghan-istanbul-talks"
annotations_path = ""  # set by `presslens report`: the article annotated once for all notebooks
attribution_model = "default"  # or "accurate": see `presslens report --help`
extra_frame_lexicon = ""  # optional YAML adding frame dimensions or cues (see lexicons/frames.yml)
extra_descriptor_lexicon = ""  # optional YAML adding label groups or words (see lexicons/descriptors.yml)

# %%
from pathlib import Path

from IPython.display import HTML, Markdown, display

from presslens.framing.descriptors import descriptor_summary, party_descriptors
from presslens.framing.frames import load_frame_lexicon
from presslens.framing.measures import frame_summary, mentions_table, party_frames, party_summary, party_verbs
from presslens.framing.measures import sentence_frames, tone_evidence
from presslens.framing.parties import load_parties
from presslens.framing.proposal import load_proposal
from presslens.report import display as show
from presslens.report import plots
from presslens.report.kernel import load_article, record_metrics
from presslens.report.methods import methods_note

# The article first: with detected parties, the parties file is written before the annotations.
doc = load_article(input_path, parties_path, annotations_path, attribution_model)
parties = load_proposal(parties_path) if parties_detected else (load_parties(parties_path) if parties_path else None)
article = Path(input_path).name
if parties_detected:
    display(HTML(show.notice(
        "<b>Parties detected, not chosen.</b> No parties file was given, so presslens found the parties "
        "itself: countries by their names, capitals and demonyms, and organisations and groups by the "
        "capitalised names that act or are acted upon. They are in <code>parties.yml</code> in this folder. "
        "Check them, edit the file (rename, merge, add the groups named by common nouns, such as militants), "
        f"and run <code>presslens report {show.escape(article)} --parties parties.yml</code>.")))
wide = None
if parties is None:
    display(Markdown("**No parties found.** Nothing in the article that acts or is acted upon matched a "
                     "country or a capitalised name. Write a parties file (see `docs/parties.md`) and run "
                     f"`presslens report {article} --parties parties.yml`."))
else:
    labels = {p: parties.label(p) for p in parties.ids}
    wide = party_summary(doc, parties)
    present = wide[wide["mentions"] > 0]
    mentions = mentions_table(doc)
    counted = mentions[mentions["counted"]]
    descriptors = party_descriptors(doc, parties, extra_descriptor_lexicon or None)
    frame_lexicon = load_frame_lexicon(extra_frame_lexicon or None)
    frames = party_frames(doc, parties, frame_lexicon)
    has_tone = "mean_tone" in wide

# %% [markdown]
# ## Headline figures

# %%
if wide is not None:
    cards = [{"name": "parties mentioned", "value": int(len(present)),
              "note": f"{int(wide['mentions'].sum())} mentions in the body text"}]
    for r in present.head(4).itertuples():
        tone = f"; mean tone {r.mean_tone:+.2f}" if has_tone and r.mean_tone == r.mean_tone else ""
        cards.append({"name": f"{r.label}: acts in", "value": f"{r.agent_share:.0%}",
                      "note": f"acted upon {r.patient_share:.0%} of {int(r.mentions)} mentions{tone}"})
    display(HTML(show.figure_cards(cards)))

# %% [markdown]
# ## Who acts, and who is acted upon?
# *Agent*: the party is the subject of an active verb or the by-phrase of a
# passive; *patient*: its object, a passive subject, the target of
# "against" or of an anti- compound; *other*: a modifier, possessor or list
# item. Share of each party's mentions.

# %%
if wide is not None and len(present):
    shown = present.rename(columns={"agent_share": "agent", "patient_share": "patient", "other_share": "other"})
    plots.show(plots.stacked_shares(shown, "label", ["agent", "patient", "other"],
                                    "Role of each party's mentions", colours=show.ROLE_COLOURS))

# %% [markdown]
# ## What tone does the article take toward each party?
# Target-level tone of each mention: what its sentence says about or does
# to the party (a model trained on NewsMTSC; "anti-Pakistan attacks" is
# negative *for Pakistan*). Mean from −1 (all negative) to +1 (all positive).

# %%
if wide is not None and has_tone and len(present):
    plots.show(plots.diverging_bars(present["label"], present["mean_tone"], "Mean tone toward each party",
                                    "mean target-level tone (−1 negative … +1 positive)",
                                    counts=present["mentions"].astype(int)))
elif wide is not None:
    display(Markdown("_The tone model is not available in this installation._"))

# %% [markdown]
# ## Whose words carry each party?
# Where each party's mentions sit: in the reporter's own voice, inside
# someone else's attributed words, or as the source who speaks.

# %%
if wide is not None and len(present):
    where = present.rename(columns={"in_attributed_voice_share": "attributed content",
                                    "in_reporter_voice_share": "reporter's voice"})
    where["as source"] = (1 - where["attributed content"] - where["reporter's voice"]).clip(lower=0)
    plots.show(plots.stacked_shares(where, "label", ["reporter's voice", "attributed content", "as source"],
                                    "Where each party's mentions sit"))

# %% [markdown]
# ## Which frames surround each party?
# Share of the body sentences mentioning each party that carry each frame
# dimension (cue lexicon after Boydstun et al.'s Policy Frames Codebook,
# `lexicons/frames.yml`; a sentence may carry several).

# %%
if wide is not None and len(present):
    grid = frames[frames["party"].isin(present["party"])].pivot(index="label", columns="party", values="share")
    grid = grid.loc[[frame_lexicon.labels[d] for d in frame_lexicon.ids], list(present["party"])]
    grid.columns = [labels[p] for p in grid.columns]
    plots.show(plots.heatmap(grid, "Frame dimensions of the sentences mentioning each party"))

# %% [markdown]
# ## Each party in figures
# *share*: of all counted mentions; *acts*, *acted upon*, *other*: of the
# party's mentions; *agency*, *power*: mean connotation of the verbs it is
# the agent of (Sap et al. 2017, −1 to +1; blank where no verb is in the
# lexicon); *tone*: mean target-level tone; *in quotes*: share of its
# mentions inside attributed content; *voice*: share of the article's
# attributions whose source belongs to the party.

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
# ## The evidence: each party's mentions in the article
# Hover a mention for its party, role, governing verb and tone. A mention
# in the headline is marked but counted in no figure.

# %%
if parties is not None:
    display(HTML(show.party_highlights(doc, labels)))

# %% [markdown]
# ## Details
# Click a line to open it.

# %%
if wide is not None:
    verbs = party_verbs(doc, parties).drop(columns="party")
    display(HTML(show.details("What each party does and undergoes (verbs of which it is agent or patient)",
                              show.table(verbs[(verbs["does"] != "") | (verbs["undergoes"] != "")]))))
    summary = descriptor_summary(descriptors, parties)
    display(HTML(show.details(
        "Labels and descriptors attached to each party (lexicons/descriptors.yml)",
        show.table(summary[summary["n"] > 0].drop(columns="party")) if len(descriptors) else "<p>None found.</p>",
        show.descriptor_highlights(doc, descriptors, labels) if len(descriptors) else "")))
    if has_tone:
        display(HTML(show.details("Tone of every mention, with its sentence (most negative first)",
                                  show.table(tone_evidence(doc, parties).drop(columns="party"),
                                             {"tone_score": "{:+.2f}"}))))
    fs = frame_summary(doc, parties, frame_lexicon).drop(columns="dimension")
    sf = sentence_frames(doc, frame_lexicon)
    sf["dimension"] = sf["dimension"].map(frame_lexicon.labels)
    per_sentence = (sf.groupby("sentence", sort=True)
                    .agg(dimensions=("dimension", "; ".join), cues=("cues", "; ".join), text=("text", "first"))
                    .reset_index())
    per_sentence["text"] = per_sentence["text"].map(show.excerpt)
    display(HTML(show.details("Frame dimensions: their cues, and the frames of each sentence",
                              show.table(fs.rename(columns={"label": "dimension"}), {"share": "{:.0%}"}),
                              show.table(per_sentence))))
    display(HTML(show.details(f"Every counted mention ({len(counted)})",
                              show.table(counted[["text", "np_text", "party", "role", "verb", "stance", "voice",
                                                  "tone", "sentence"]]))))

# %% [markdown]
# ## Methods
#
# **Run it** in JupyterLab (edit the parameters cell), or headlessly:
# `presslens report ARTICLE.txt [--parties PARTIES.yml]` (papermill sets the
# parameters; without a parties file the parties are detected from the
# article and written to `parties.yml` in the report folder).

# %%
display(Markdown(methods_note()))

# %%
if wide is not None:
    figures = {"title": "Party framing", "parties_mentioned": int(len(present)), "parties_detected": parties_detected}
    keys = ["mentions", "agent_share", "patient_share", "other_share", "mean_agent_agency", "mean_agent_power",
            "voice_share", "in_attributed_voice_share"] + (["mean_tone"] if has_tone else [])
    for r in wide.itertuples():
        for key in keys:
            figures[f"{r.party}.{key}"] = float(getattr(r, key))
    for r in frames.itertuples():
        figures[f"{r.party}.frame.{r.dimension}"] = float(r.share)
    # What index.html shows for this report: the most mentioned parties' roles.
    figures["headline"] = {("parties detected and mentioned" if parties_detected else "parties mentioned"):
                           str(len(present))}
    for r in present.head(3).itertuples():
        figures["headline"][f"{r.label}: acts / acted upon"] = f"{r.agent_share:.0%} / {r.patient_share:.0%}"
    _ = record_metrics(figures, "03_party_framing", output_dir)
else:
    _ = record_metrics({"title": "Party framing", "parties_mentioned": 0, "parties_detected": parties_detected,
                        "headline": {"parties": "none found: see the report"}}, "03_party_framing", output_dir)
