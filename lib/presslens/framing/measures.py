"""Party framing measures: plain functions from the mention layer to tidy tables.

Every figure counts the mentions in body sentences only: the ``mention``
layer also annotates the headline (it is part of the text, and coders code
it), but the headline and page boilerplate are in no figure, as the reports
say. :func:`counted_mentions` is that selection; the evidence tables show
exactly it.
"""

from __future__ import annotations



import numpy as np
import pandas as pd

from presslens.attribution.measures import counted_attribution_rows
from presslens.document.spans import Document
from presslens.framing.parties import PartyConfig
from presslens.framing.frames import FrameLexicon, add_frames, default_frame_lexicon
from presslens.framing.mentions import ROLES
from presslens.pipeline import require

def counted_mentions(doc: Document) -> pd.DataFrame:
    """The mentions every framing figure counts: actor mentions (not places) in body sentences.

    >>> from presslens import annotate_text
    >>> from presslens.framing.mentions import add_mentions
    >>> cfg = PartyConfig.from_dict({"parties": {"pk": {"label": "Pakistan", "aliases": ["Pakistan"]}}})
    >>> doc = add_mentions(annotate_text("Pakistan talks today\\n\\nPakistan left the talks."), cfg)
    >>> len(doc.layer("mention")), len(counted_mentions(doc))
    (2, 1)
    """
    m = doc.layer("mention")
    if not len(m):
        return m
    labels = doc.layer("sentence")["label"].to_numpy()
    sent = m["sentence"].astype(int).to_numpy()
    keep = labels[sent] == "body"
    if "place_only" in m:
        keep &= ~m["place_only"].fillna(False).astype(bool).to_numpy()
    return m[keep]


def counted_attributions(doc: Document) -> pd.DataFrame:
    """The attributions the sourcing figures count: those with a cue in a body sentence.

    >>> from presslens import annotate_text
    >>> len(counted_attributions(annotate_text("Sources said talks failed.")))
    1
    """
    attr = doc.layers.get("attribution")
    if attr is None or not len(attr):
        return attr if attr is not None else pd.DataFrame()
    return attr.iloc[counted_attribution_rows(doc)]


def mention_voice(doc: Document) -> pd.Series:
    """For each mention (in layer order): ``source`` when it lies in an attribution's source span,
    ``attributed`` when it lies inside attributed content, else ``reporter`` (the writer's own voice).

    >>> from presslens import annotate_text
    >>> cfg = PartyConfig.from_dict({"parties": {"pk": {"label": "Pakistan", "aliases": ["Pakistan"]}}})
    >>> mention_voice(require(annotate_text("Sources said Pakistan left."), "mention", parties=cfg)).tolist()
    ['attributed']
    """
    m = doc.layer("mention")
    attr = doc.layers.get("attribution")
    out = pd.Series(["reporter"] * len(m), index=m.index, dtype=object)
    if attr is None or not len(attr) or not len(m):
        return out
    sources = [(p["start"], p["end"]) for p in attr["source"] if isinstance(p, dict)]
    contents = [(p["start"], p["end"]) for p in attr["content"] if isinstance(p, dict)]
    for idx, (s, e) in zip(m.index, m[["start", "end"]].itertuples(index=False)):
        if any(a <= s and e <= b for a, b in sources):
            out[idx] = "source"
        elif any(a <= s and e <= b for a, b in contents):
            out[idx] = "attributed"
    return out


def mentions_table(doc: Document) -> pd.DataFrame:
    """One row per mention: text, np_text, party, role, verb, agency/power, stance, sentence, and ``counted``
    (whether the figures count it: :func:`counted_mentions`; headline mentions are listed but not counted).

    >>> from presslens import annotate_text
    >>> cfg = PartyConfig.from_dict({"parties": {"pk": {"label": "Pakistan", "aliases": ["Pakistan"]}}})
    >>> mentions_table(require(annotate_text("Militants attacked Pakistan."), "mention", parties=cfg))[["text", "role", "verb"]].values.tolist()
    [['Pakistan', 'patient', 'attack']]
    """
    cols = ["start", "end", "text", "np_text", "party", "alias", "role", "verb", "verb_agency", "verb_power",
            "stance", "place_only", "sentence", "voice", "tone", "tone_score", "counted"]
    m = doc.layer("mention")
    if not len(m):
        return pd.DataFrame(columns=cols)
    voice = mention_voice(doc).tolist()
    counted = set(counted_mentions(doc).index)
    rows = []
    for idx, r, v in zip(m.index, m.to_dict("records"), voice):
        rows.append({
            "start": int(r["start"]), "end": int(r["end"]), "text": doc.text[r["start"]:r["end"]],
            "np_text": doc.text[int(r["np_start"]):int(r["np_end"])], "party": r["label"],
            "alias": r["alias"], "role": r["role"], "verb": r["verb"], "verb_agency": r["verb_agency"],
            "verb_power": r["verb_power"], "stance": r["stance"], "place_only": bool(r["place_only"]),
            "sentence": int(r["sentence"]), "voice": v, "tone": r.get("tone"),
            "tone_score": r.get("tone_score", np.nan), "counted": idx in counted,
        })
    return pd.DataFrame(rows, columns=cols)


def party_measures(doc: Document, parties: PartyConfig) -> pd.DataFrame:
    """Tidy per-party measures: columns ``party``, ``measure``, ``value``, ``n`` (the denominator).

    Measures: ``mentions`` (n = all actor mentions), ``mention_share``,
    ``agent_share``/``patient_share``/``other_share`` (n = the party's
    mentions), ``mean_agent_agency``/``mean_agent_power`` (n = agent verbs
    in the lexicon), ``in_attributed_voice_share`` / ``in_reporter_voice_share``
    (the party's mentions inside attributed content / in the writer's own
    voice; mentions inside a source span are neither), ``mean_tone``,
    ``negative_tone_share``, ``positive_tone_share`` (target-level tone, when
    the tone model is present), ``voice_share`` (attributions whose
    ``source_party`` is the party; n = attributions; NaN without an
    ``attribution`` layer).
    Only :func:`counted_mentions` count (place-only mentions, the headline
    and boilerplate do not), and only the attributions the sourcing figures
    count (a cue in a body sentence), so ``voice_share`` is the sourcing
    report's ``voice_share_<party>``. Adds the ``mention`` layer if absent.

    >>> from presslens import annotate_text
    >>> cfg = PartyConfig.from_dict({"parties": {"pk": {"label": "Pakistan", "aliases": ["Pakistan"]}}})
    >>> t = party_measures(annotate_text("Pakistan attacked camps. Militants attacked Pakistan."), cfg)
    >>> float(t.set_index("measure").loc["agent_share", "value"])
    0.5
    """
    require(doc, "mention", parties=parties)
    voice = mention_voice(doc)
    m = counted_mentions(doc)
    m = m.assign(voice=voice.loc[m.index]) if len(m) else m.assign(voice=pd.Series(dtype=object))
    total = len(m)
    has_tone = "tone" in doc.layer("mention")
    attr = counted_attributions(doc) if "attribution" in doc.layers else None
    n_attr = len(attr) if attr is not None else 0
    rows: list[tuple[str, str, float, int]] = []
    for pid in parties.ids:
        pm = m[m["label"] == pid] if total else m
        k = len(pm)
        rows.append((pid, "mentions", float(k), total))
        rows.append((pid, "mention_share", k / total if total else np.nan, total))
        for role in ROLES:
            c = int((pm["role"] == role).sum()) if k else 0
            rows.append((pid, f"{role}_share", c / k if k else np.nan, k))
        agents = pm[pm["role"] == "agent"] if k else pm
        for dim in ("agency", "power"):
            vals = agents[f"verb_{dim}"].dropna() if len(agents) else pd.Series(dtype=float)
            rows.append((pid, f"mean_agent_{dim}", float(vals.mean()) if len(vals) else np.nan, len(vals)))
        for voice in ("attributed", "reporter"):
            c = int((pm["voice"] == voice).sum()) if k else 0
            rows.append((pid, f"in_{voice}_voice_share", c / k if k else np.nan, k))
        if has_tone:
            scores = pm["tone_score"].astype(float).dropna() if k else pd.Series(dtype=float)
            rows.append((pid, "mean_tone", float(scores.mean()) if len(scores) else np.nan, len(scores)))
            for label in ("negative", "positive"):
                c = int((pm["tone"] == label).sum()) if k else 0
                rows.append((pid, f"{label}_tone_share", c / k if k else np.nan, k))
        if attr is None:
            rows.append((pid, "voice_share", np.nan, 0))
        else:
            c = int((attr["source_party"] == pid).sum()) if n_attr and "source_party" in attr else 0
            rows.append((pid, "voice_share", c / n_attr if n_attr else 0.0, n_attr))
    return pd.DataFrame(rows, columns=["party", "measure", "value", "n"])


def party_summary(doc: Document, parties: PartyConfig) -> pd.DataFrame:
    """One row per party (most mentioned first): ``party``, ``label`` and one column per measure.

    The wide form of :func:`party_measures`, for tables and charts.

    >>> from presslens import annotate_text
    >>> cfg = PartyConfig.from_dict({"parties": {"pk": {"label": "Pakistan", "aliases": ["Pakistan"]}}})
    >>> party_summary(annotate_text("Pakistan attacked camps."), cfg)[["label", "mentions", "agent_share"]].values.tolist()
    [['Pakistan', 1.0, 1.0]]
    """
    measures = party_measures(doc, parties)
    wide = measures.pivot_table(index="party", columns="measure", values="value", aggfunc="first", dropna=False).reset_index()
    wide.columns.name = None
    wide.insert(1, "label", wide["party"].map(parties.label))
    return wide.sort_values(["mentions", "party"], ascending=[False, True], kind="stable").reset_index(drop=True)


def party_verbs(doc: Document, parties: PartyConfig) -> pd.DataFrame:
    """Per party: the verbs it does (as agent) and undergoes (as patient), most frequent first.

    >>> from presslens import annotate_text
    >>> cfg = PartyConfig.from_dict({"parties": {"pk": {"label": "Pakistan", "aliases": ["Pakistan"]}}})
    >>> party_verbs(annotate_text("Pakistan attacked camps. Militants attacked Pakistan."), cfg)[["label", "does", "undergoes"]].values.tolist()
    [['Pakistan', 'attack', 'attack']]
    """
    require(doc, "mention", parties=parties)
    t = mentions_table(doc)
    t = t[t["counted"]] if len(t) else t
    rows = []
    for pid in parties.ids:
        pm = t[(t["party"] == pid) & t["verb"].notna()] if len(t) else t
        row = {"party": pid, "label": parties.label(pid)}
        for role, col in (("agent", "does"), ("patient", "undergoes")):
            counts = pm.loc[pm["role"] == role, "verb"].value_counts() if len(pm) else pd.Series(dtype=int)
            row[col] = ", ".join(f"{v} ({n})" if n > 1 else v for v, n in counts.items())
        rows.append(row)
    return pd.DataFrame(rows, columns=["party", "label", "does", "undergoes"])


def tone_evidence(doc: Document, parties: PartyConfig, excerpt_chars: int = 220) -> pd.DataFrame:
    """Every mention with its target-level tone and its sentence: the evidence behind the tone figures.

    Columns ``party``, ``label``, ``mention``, ``tone``, ``tone_score``, ``role``, ``sentence_text``;
    empty when no tone model is available.
    """
    require(doc, "mention", parties=parties)
    t = mentions_table(doc)
    cols = ["party", "label", "mention", "tone", "tone_score", "role", "sentence_text"]
    if not len(t) or t["tone"].isna().all():
        return pd.DataFrame(columns=cols)
    sents = doc.layer("sentence")[["start", "end"]].to_numpy()
    rows = []
    for r in t[t["counted"]].itertuples():
        ss, se = sents[r.sentence]
        text = " ".join(doc.text[ss:se].split())
        rows.append({"party": r.party, "label": parties.label(r.party), "mention": r.np_text, "tone": r.tone,
                     "tone_score": r.tone_score, "role": r.role,
                     "sentence_text": text if len(text) <= excerpt_chars else text[: excerpt_chars - 1] + "\u2026"})
    return pd.DataFrame(rows, columns=cols).sort_values(["party", "tone_score"], kind="stable").reset_index(drop=True)


def sentence_frames(doc: Document, lexicon: FrameLexicon | None = None) -> pd.DataFrame:
    """One row per (body sentence, dimension) with the cues found: ``sentence``, ``dimension``, ``cues``, ``text``.

    The headline and boilerplate are left out, as from every figure.

    >>> from presslens import annotate_text
    >>> sentence_frames(annotate_text("The talks resumed."))[["sentence", "dimension", "cues"]].values.tolist()
    [[0, 'diplomacy_negotiation', 'talks; resumed']]
    """
    if "frame" not in doc.layers:
        add_frames(doc, lexicon)
    f = doc.layer("frame")
    if len(f):
        labels = doc.layer("sentence")["label"].to_numpy()
        f = f[labels[f["sentence"].astype(int).to_numpy()] == "body"]
    if not len(f):
        return pd.DataFrame(columns=["sentence", "dimension", "cues", "text"])
    g = f.groupby(["sentence", "label"], sort=True)["cue"].agg(lambda c: "; ".join(dict.fromkeys(c)))
    out = g.reset_index().rename(columns={"label": "dimension", "cue": "cues"})
    out["sentence"] = out["sentence"].astype(int)
    sents = doc.layer("sentence")[["start", "end"]].to_numpy()
    out["text"] = [" ".join(doc.text[sents[i][0]:sents[i][1]].split()) for i in out["sentence"]]
    return out


def party_frames(doc: Document, parties, lexicon: FrameLexicon | None = None) -> pd.DataFrame:
    """Party x dimension: share of the sentences mentioning each party that carry each dimension.

    Columns ``party``, ``dimension``, ``label``, ``sentences`` (with the
    party and the dimension), ``n`` (sentences mentioning the party),
    ``share``. Needs the ``mention`` layer (added when absent).

    >>> from presslens import annotate_text
    >>> from presslens.framing.parties import PartyConfig
    >>> cfg = PartyConfig.from_dict({"parties": {"pk": {"label": "Pakistan", "aliases": ["Pakistan"]}}})
    >>> t = party_frames(annotate_text("Pakistan joined the talks. Pakistan has a border."), cfg)
    >>> t.set_index("dimension").loc["diplomacy_negotiation", "share"]
    np.float64(0.5)
    """
    lex = lexicon or default_frame_lexicon()
    require(doc, "mention", parties=parties)
    sf = sentence_frames(doc, lex)
    m = counted_mentions(doc)
    rows = []
    for pid in parties.ids:
        sents = set(m.loc[m["label"] == pid, "sentence"].astype(int)) if len(m) else set()
        for dim in lex.ids:
            k = len(sents & set(sf.loc[sf["dimension"] == dim, "sentence"])) if len(sf) else 0
            rows.append((pid, dim, lex.labels[dim], k, len(sents), k / len(sents) if sents else np.nan))
    return pd.DataFrame(rows, columns=["party", "dimension", "label", "sentences", "n", "share"])


def frame_summary(doc: Document, parties: PartyConfig | None = None, lexicon: FrameLexicon | None = None,
                  top_cues: int = 6) -> pd.DataFrame:
    """One row per frame dimension found: ``dimension``, ``label``, ``sentences``, ``share`` (of body sentences),
    ``cues`` (the most frequent, with counts) and, with ``parties``, ``parties`` (those mentioned in them).

    The per-sentence detail is :func:`sentence_frames`.

    >>> from presslens import annotate_text
    >>> frame_summary(annotate_text("The talks resumed. It rained."))[["dimension", "sentences", "share"]].values.tolist()
    [['diplomacy_negotiation', 1, 0.5]]
    """
    lex = lexicon or default_frame_lexicon()
    sf = sentence_frames(doc, lex)
    cols = ["dimension", "label", "sentences", "share", "cues"] + (["parties"] if parties is not None else [])
    if not len(sf):
        return pd.DataFrame(columns=cols)
    n_body = int((doc.layer("sentence")["label"] == "body").sum())
    m = counted_mentions(doc) if parties is not None else None
    rows = []
    for dim in lex.ids:
        part = sf[sf["dimension"] == dim]
        if not len(part):
            continue
        counts = pd.Series([c for cues in part["cues"] for c in cues.split("; ")]).value_counts()
        row = {"dimension": dim, "label": lex.labels[dim], "sentences": len(part),
               "share": len(part) / n_body if n_body else np.nan,
               "cues": ", ".join(f"{c} ({k})" if k > 1 else c for c, k in counts.head(top_cues).items())}
        if m is not None:
            sents = set(part["sentence"])
            named = m.loc[m["sentence"].astype(int).isin(sents), "label"] if len(m) else pd.Series(dtype=object)
            row["parties"] = ", ".join(parties.label(p) for p in parties.ids if p in set(named))
        rows.append(row)
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["sentences", "dimension"], ascending=[False, True], kind="stable").reset_index(drop=True)
