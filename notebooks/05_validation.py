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
#     scope: validation
# ---

# %% [markdown]
# # Validation: the tool against human coding
#
# How far can the automatic annotations be trusted on *your* material? This
# notebook compares presslens with a human coding: precision, recall and F1
# per layer (exact and overlap match), sentence-level Krippendorff's alpha
# between the tool and each coder and among coders, confusion tables for
# source type, hedge category and mention role, and an **error browser**
# listing every false positive and miss with its sentence, so you can see what
# the tool misses and tune the lexicons. Optional sections score the tool on
# the public gold corpora (PolNeAR, Szeged hedges, EWT roles, NewsMTSC tone).
#
# **Run it** in JupyterLab (edit the parameters cell) or headlessly with
# papermill: `papermill notebooks/05_validation.ipynb out.ipynb -p coding_sheet coding/coding_sheet.csv`.
# To code your own sample: `presslens export-coding CORPUS --sample 20 --seed 1 --out coding`
# (or `presslens.evaluate.coding.export_coding`), fill `coding/coding_sheet.csv` following
# `coding/CODING.md`, and point `coding_sheet` here. With the defaults it
# checks the project's example article against its shipped coding.
# `scripts/build_validation.py` runs it on the shared gold data and writes `VALIDATION.md`.

# %% tags=["parameters"]
input_path = "../data/articles/pakistan-afghan-istanbul-talks.txt"
parties_path = "../data/parties/pakistan-afghanistan.yml"
output_dir = "../reports/validation"
# Presslens gold JSON coding of input_path ("" = skip):
gold_path = "../data/validation/pakistan-afghan-istanbul-talks.gold.json"
# Filled coding sheets from export-coding, comma-separated, one per coder ("" = skip):
coding_sheet = ""
# A coded BRAT folder from export-coding (text/ + attributions/, one .ann per coder; "" = skip):
brat_dir = ""
# Gold corpora ("" = skip the section), e.g. ../../shared/data/polnear/dev,
# ../../shared/data/hedges/factbank-dev.xml, ../../shared/data/newsmtsc/devtest_mt.jsonl,
# ../../shared/data/ud-english-ewt/en_ewt-ud-test.conllu:
polnear_dir = ""
hedges_path = ""
newsmtsc_path = ""
ewt_path = ""
# Limit of PolNeAR texts for the sentence-level alpha (0 = all):
max_texts = 0

# %%
import importlib

import pandas as pd
from IPython.display import HTML, Markdown, display

from presslens.framing.parties import load_parties
from presslens.report import display as show
from presslens.evaluate.coding import coder_table, coding_sentences, read_coding_sheet, sheet_disagreements, tool_tone
from presslens.evaluate import agreement as ag
from presslens.report.kernel import load_article, record_metrics

metrics: dict = {"title": "Validation"}


def note(text: str) -> None:
    # The notes are this notebook's own sentences (with names in show.code).
    display(Markdown(f"> {text}"))


def left(table: pd.DataFrame):
    # display.table escapes the sentence text of the error browser.
    return show.table(table, {c: "{:.3f}" for c in table.select_dtypes("float").columns})


# %% [markdown]
# ## Your coding: the example article or your own sample
# Spans are matched exactly (same start and end) and by overlap (shared
# characters at least half of each span). Items the coder marked *optional*
# count neither as hits nor as false alarms.

# %%
doc = load_article(input_path, parties_path) if gold_path else None
if gold_path:
    gold, optional = ag.gold_json_spans(gold_path)
    pred = ag.drop_optional(ag.tool_spans(doc), optional)
    scores = ag.span_scores(pred, gold)
    display(Markdown(f"**Article:** {show.code(doc.doc_id)} against {show.code(gold_path.rsplit('/', 1)[-1])}"))
    display(left(scores[["layer", "match", "precision", "recall", "f1", "n_gold", "n_pred"]]))
    metrics["article"] = {f"{r.layer}_{r.match}_{k}": getattr(r, k) for r in scores.itertuples()
                          for k in ("precision", "recall", "f1", "n_gold", "n_pred")}
    found = ag.mention_recall(pred, gold)
    metrics["article_mentions"] = found
    display(Markdown(f"**Party mentions:** {found['found']} of {found['n_gold']} coded mentions found with their "
                     f"party ({found['coverage']:.0%}); role right for {found['role_right']} of them "
                     f"({found['role_accuracy']:.0%})."))
else:
    note("No gold coding of a single article given (`gold_path`): section skipped.")

# %% [markdown]
# ## Sentence-level agreement (Krippendorff's alpha, nominal)
# Each sentence is coded for: has an attribution, its source types, hedged,
# hedge categories, parties mentioned, their roles. Alpha is 1 for perfect
# agreement and 0 for agreement at chance level; NaN when a variable takes a
# single value in the data (alpha cannot be computed).

# %%
codings = {}
if gold_path:
    sents = coding_sentences(doc)
    tool_coding = ag.sentence_coding(ag.tool_spans(doc), sents, tool_tone(doc, sents)).assign(doc_id=doc.doc_id)
    gold_coding = ag.sentence_coding(gold, sents).assign(doc_id=doc.doc_id)
    alphas = ag.alpha_table({"tool": tool_coding, "gold": gold_coding})
    display(left(alphas))
    metrics["article_alpha"] = {r.variable: r.alpha for r in alphas.itertuples()}
if coding_sheet:
    sheets = [read_coding_sheet(p.strip()) for p in coding_sheet.split(",") if p.strip()]
    codings = {"tool": coder_table(sheets[0], tool=True)}
    codings.update({f"coder{i + 1}": coder_table(s) for i, s in enumerate(sheets)})
    sheet_alphas = ag.alpha_table(codings, (*ag.CODED, "tone"))
    display(Markdown(f"**Coding sheet(s):** {len(sheets)} coder(s), {len(sheets[0])} sentences"))
    display(left(sheet_alphas))
    metrics["sheet_alpha"] = {f"{r.variable} ({r.coders})": r.alpha for r in sheet_alphas.itertuples()}
elif not gold_path:
    note("No coding given: nothing to compare.")

# %% [markdown]
# ## Confusion tables
# Gold label in the rows, the tool's in the columns, over overlapping spans;
# `(none)` marks a span one side did not find.

# %%
if gold_path:
    for title, table in ag.confusion_tables(pred, gold).items():
        display(Markdown(f"**{title.capitalize()}**"))
        display(show.table(table, index=True) if len(table) else Markdown("(no spans)"))

# %% [markdown]
# ## Error browser
# Every false positive (the tool found it, the coder did not), miss (the coder
# found it, the tool did not) and label error (both found it, labelled
# differently), with its sentence. Read the misses to extend the lexicons.
# For coding sheets: every sentence answer where a coder and the tool differ.

# %%
if gold_path:
    errors = ag.error_table(doc.text, coding_sentences(doc), pred, gold, doc.doc_id)
    metrics["article_errors"] = {f"{layer} {kind}": int(n) for (layer, kind), n in errors.groupby(["layer", "error"]).size().items()}
    shown = errors.assign(sentence=errors["sentence"].map(lambda t: show.excerpt(t, 160)))
    display(left(shown.drop(columns=["start", "end"]).fillna("")))
if coding_sheet:
    for i, sheet in enumerate(sheets):
        diff = sheet_disagreements(sheet)
        display(Markdown(f"**coder{i + 1}: {len(diff)} sentence answers differing from the tool**"))
        display(left(diff.assign(sentence=diff["sentence"].map(lambda t: show.excerpt(t, 160)))))

# %% [markdown]
# ## Your coding in BRAT
# A folder written by `export-coding` after the coders corrected the
# pre-annotations in BRAT: the tool is run again on every text and compared
# with each coder's spans (pooled over texts), sentence-level alpha and the
# error browser as above.

# %%
if brat_dir:
    brat_report = ag.brat_coding_report(brat_dir, load_parties(parties_path) if parties_path else None)
    display(left(brat_report["scores"][["layer", "match", "precision", "recall", "f1", "n_gold", "n_pred"]]))
    display(left(brat_report["alpha"]))
    for title, table in brat_report["confusion"].items():
        display(Markdown(f"**{title.capitalize()}**"))
        display(show.table(table, index=True) if len(table) else Markdown("(no spans)"))
    be = brat_report["errors"]
    display(left(be.assign(sentence=be["sentence"].map(lambda t: show.excerpt(t, 160))).drop(columns=["start", "end"]).fillna("")) if len(be) else Markdown("No errors."))
    metrics["brat"] = {f"{r.layer}_{r.match}_f1": r.f1 for r in brat_report["scores"].itertuples()}
else:
    note("`brat_dir` not set: BRAT coding section skipped.")

# %% [markdown]
# ## Attribution on PolNeAR (BRAT standoff)
# Cue, source and content spans of every article of the folder; the human
# annotators' agreement with each other on the texts PolNeAR had annotated
# several times is the ceiling to read the tool's scores against.

# %%
if polnear_dir:
    from presslens.evaluate import attribution

    pol = attribution.run([polnear_dir])
    human = attribution.annotator_agreement([polnear_dir])
    rows = [{"span": role, "match": mode, "who": who, **res[role][mode]}
            for who, res in (("tool vs gold", pol), ("annotator vs annotator", human))
            for role in attribution.ROLES for mode in ("exact", "overlap")]
    display(left(pd.DataFrame(rows)[["span", "match", "who", "precision", "recall", "f1", "n_gold", "n_pred"]]))
    metrics["polnear"] = pol
    metrics["polnear_annotators"] = human
    sent = ag.brat_sentence_agreement(polnear_dir, max_texts or None)
    display(Markdown("**Sentence has an attribution: alpha**"))
    display(left(pd.concat([sent["tool_vs_gold"], sent["coders"]], ignore_index=True)))
    tvg = sent["tool_vs_gold"].iloc[0]
    alpha_rows = {"tool vs PolNeAR annotation, all texts (first annotation of each)": (tvg["alpha"], tvg["units"])}
    coders = sent["coders"]
    if len(coders):
        everyone = coders[coders["coders"] == "all"]
        tool_pairs = coders[coders["coders"].str.startswith("tool vs")]
        human_pairs = coders[~coders["coders"].str.startswith("tool vs") & (coders["coders"] != "all")]
        if len(everyone):
            alpha_rows["annotators among themselves, multi-annotated texts"] = (everyone["alpha"].iloc[0], everyone["units"].iloc[0])
        if len(human_pairs):
            alpha_rows["annotator pairs (mean), multi-annotated texts"] = (human_pairs["alpha"].mean(), human_pairs["units"].max())
        alpha_rows["tool vs each annotator (mean), multi-annotated texts"] = (tool_pairs["alpha"].mean(), tool_pairs["units"].max())
    metrics["polnear_sentence_alpha"] = {k: {"alpha": float(a), "sentences": int(u)} for k, (a, u) in alpha_rows.items()}
else:
    note("`polnear_dir` not set: PolNeAR section skipped.")

# %% [markdown]
# ## Hedges on the Szeged uncertainty corpus
# Sentence-level uncertain/certain decisions and cue spans against the
# Szeged (BioScope-style) news annotation.

# %%
if hedges_path:
    from presslens.evaluate import hedges as hedge_eval

    hres = hedge_eval.run([hedges_path])
    display(HTML(show.preformatted(hedge_eval.format_report(hres))))
    metrics["hedges"] = hres
else:
    note("`hedges_path` not set: hedge section skipped.")


# %% [markdown]
# ## Mention roles on UD English EWT and tone on NewsMTSC
# Roles: every EWT test sentence is tagged and parsed by presslens, and the
# role of each token is called by `presslens.syntax.roles.sentence_roles`, the
# very function the party-framing layer uses; the gold role is read off the
# treebank's tree (agent = `nsubj` of an active verb or `obl:agent`;
# patient = `obj` or `nsubj:pass`). Tone: the target-level model against
# NewsMTSC's labels, beside whole-sentence VADER. A section is skipped with
# a note when its module is not available in this installation.

# %%
def optional_module(name: str):
    try:
        return importlib.import_module(f"presslens.evaluate.{name}")
    except ImportError as exc:
        note(f"`presslens.evaluate.{name}` is not available ({show.code(exc)}): section skipped.")
        return None


if ewt_path:
    roles_eval = optional_module("roles")
    if roles_eval is not None:
        rres = roles_eval.run([ewt_path])
        display(HTML(show.preformatted(roles_eval.format_report(rres))))
        metrics["roles"] = rres
else:
    note("`ewt_path` not set: role section skipped.")

# %%
if newsmtsc_path:
    tone_eval = optional_module("tone")
    if tone_eval is not None:
        tres = tone_eval.run([newsmtsc_path])
        display(HTML(show.preformatted(tone_eval.format_report(tres))))
        metrics["tone"] = tres["tone"]
else:
    note("`newsmtsc_path` not set: tone section skipped.")

# %% [markdown]
# ## Methods
# Exact match: same start and end offsets. Overlap match: shared characters
# at least half of each span (precision counts matched predictions, recall
# matched gold spans). Krippendorff's alpha (nominal) is computed from the
# coincidence matrix (Krippendorff 2011); sentences a coder left uncoded are
# missing values. Sentences are the tool's segmentation; an attribution
# belongs to the sentence holding its cue.

# %%
_ = record_metrics(metrics, "05_validation", output_dir)
