"""Human coding of a sample: export for BRAT and a CSV sheet, read the coding back.

:func:`export_coding` draws a reproducible sample of documents and writes a
folder a research assistant can code in:

- ``text/ID.txt`` + ``attributions/ID.ann`` + ``annotation.conf``: BRAT
  standoff in the PolNeAR layout, pre-annotated with the tool's cues,
  sources, contents (linked by an ``Attribution`` event), hedges and party
  mentions when ``preannotate`` is on;
- ``coding_sheet.csv``: one row per sentence (headline and body, boilerplate
  left out) with the tool's answers in ``tool_*`` columns and empty columns
  for the coder;
- ``CODING.md``: the coding instructions; ``sample.txt``: the sampled ids;
  ``preannotations.sha256``: the hash of each ``.ann`` as exported, so that
  a file nobody has edited is never scored as a coder's.
  ``ids.json``: each id's files (:func:`export_names`: unique, bounded, safe).

:func:`read_coding_sheet` reads a filled sheet back, checking every value.

>>> sample_ids(["c", "a", "b", "d"], 2, seed=1) == sample_ids(["d", "b", "a", "c"], 2, seed=1)
True
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from presslens.document.inputs import sample_ids  # noqa: F401 - part of this module's API
from presslens.document.outputs import write_csv
from presslens.errors import InputError, PresslensError
from presslens.evaluate.agreement import ID_MAP, PREANNOTATIONS, mention_span, sentence_coding, tool_spans
from presslens.document.spans import Document

SOURCE_TYPES = ("anonymous", "unnamed_official", "named_person", "institution", "media", "document")
ROLES = ("agent", "patient", "other")
TONES = ("negative", "neutral", "positive")
CODER_COLUMNS = ("has_attribution", "source_type", "hedged", "hedge_category", "parties", "roles", "tone", "notes")
SHEET_COLUMNS = ("doc_id", "sentence_index", "start", "end", "sentence",
                 *(f"tool_{c}" for c in CODER_COLUMNS[:-1]), *CODER_COLUMNS)

ANNOTATION_CONF = """\
# BRAT configuration written by presslens export-coding (PolNeAR-compatible types).
[entities]
Cue
Source
Content
Attribution
Hedge
Mention

[relations]

[events]
Attribution\tCue:Cue, Source?:Source, Content?:Content

[attributes]
SourceType\tArg:Source, Value:anonymous|unnamed_official|named_person|institution|media|document
HedgeCategory\tArg:Hedge, Value:{hedge_categories}
Party\tArg:Mention, Value:{parties}
Role\tArg:Mention, Value:agent|patient|other
Tone\tArg:Mention, Value:negative|neutral|positive
"""

CODING_MD = """\
# Coding instructions

This folder holds {n} article(s) drawn at random (seed {seed}) by presslens
`export_coding`. Code each sentence in `coding_sheet.csv` (one row per
sentence; headline included, page boilerplate left out) or annotate spans in
BRAT (`text/`, `attributions/`, `annotation.conf`). The `tool_*` columns show
what presslens found: **do not copy them** — read the sentence and decide;
leave them untouched so the agreement can be computed.

| column | values | code it as |
|---|---|---|
| has_attribution | yes / no | yes when the sentence reports what someone said, wrote, thinks or found (a reporting verb such as *said*, *told*, *according to*, *a statement*) |
| source_type | {source_types} | who speaks, for each attribution of the sentence (`;` between several): *anonymous* (unnamed sources: "sources said", "it is reported"), *unnamed_official* (an office without a name: "a ministry official", "diplomats"), *named_person* ("Khawaja Asif said"), *institution* (a ministry, government, party, company: "the Foreign Office said"), *media* ("the channel reported"), *document* ("the statement reads", "according to the report"). Leave empty when has_attribution is no |
| hedged | yes / no | yes when the writer or the source marks a claim as uncertain (*may*, *could*, *is expected to*, *possible*, *reportedly*, *if*) |
| hedge_category | {hedge_categories} | the kind of each hedge (`;` between several); examples of each in `presslens/lexicons/hedges.yml` |
| parties | party ids: {parties} | every configured party mentioned in the sentence (`;` between several) |
| roles | party:role; roles {roles} | for each mention: *agent* (the party acts), *patient* (it is acted upon), *other* |
| tone | party:tone; tones {tones} | how the sentence presents each party |
| notes | free text | anything doubtful |

Several coders: each codes a copy of the sheet (`presslens evaluate coding
sheet_coder1.csv sheet_coder2.csv`), or in BRAT saves their files as
`attributions/ID_XXXX.ann` with a four-character hexadecimal coder code
(`_a001`, `_a002`, as PolNeAR names its annotators); `presslens evaluate
coding --brat FOLDER` then scores the tool against each coder and the coders
against each other.

Empty cells in a row where `has_attribution` or `hedged` is filled mean
*none*; a row with both empty is *not coded* and is left out of agreement.
A sheet with no coded row, and an `.ann` file left exactly as exported, hold
no coder's answers: `presslens evaluate coding` refuses them rather than
score the tool against itself.
Offsets (`start`, `end`) are character offsets into `text/ID.txt`; do not
edit them. A document's files are named by its id when the id is a plain
file name, otherwise by a cleaned, shortened id and a hash: `ids.json` maps
every id to its files. Cells of the sheet that would start a spreadsheet
formula (`=`, `+`, `-`, `@`) begin with a `'`, as spreadsheets expect. Read the filled sheet back with
`presslens.evaluate.coding.read_coding_sheet(path)`.
"""


def export_names(doc_ids: Sequence[str]) -> dict[str, str]:
    """The file name (without suffix) under which each document is exported: unique, bounded and safe.

    An id that is already a short, plain file name (letters, digits, ``.``,
    ``_``, ``-``) is kept, unless another id differs from it only in case
    (case-insensitive file systems) or it would read as a coder's file
    (``NAME_a001``); any other id (a ``/``, a NUL, 300 characters, ...) gets
    a cleaned prefix and a hash of the whole id. ``ids.json`` in the export
    maps every id to its files.

    >>> names = export_names(["talks-1", "a/b", "a_b", "x" * 300])
    >>> names["talks-1"], names["a_b"], names["a/b"] != names["a_b"], len(names["x" * 300]) <= 60
    ('talks-1', 'a_b', True, True)
    """
    import hashlib

    def plain(doc_id: str) -> bool:
        return (re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,59}", doc_id) is not None
                and not doc_id.endswith(".") and re.fullmatch(r".+_[0-9a-f]{4}", doc_id) is None
                and doc_id.split(".")[0].upper() not in _RESERVED_NAMES)

    def hashed(doc_id: str, n: int) -> str:
        prefix = re.sub(r"[^A-Za-z0-9._-]+", "_", doc_id).strip("._-")[:40] or "doc"
        return f"{prefix}-{hashlib.sha256(doc_id.encode('utf-8', 'surrogatepass')).hexdigest()[:n]}"

    names = {d: d if plain(d) else hashed(d, 10) for d in dict.fromkeys(doc_ids)}
    folded: dict[str, list[str]] = {}
    for d, name in names.items():
        folded.setdefault(name.lower(), []).append(d)
    for same in folded.values():
        if len(same) > 1:
            for d in same:
                names[d] = hashed(d, 16)
    if len({n.lower() for n in names.values()}) != len(names):  # a 64-bit prefix collision: not in practice
        names = {d: hashed(d, 64) for d in names}
    return names


#: Names Windows refuses for a file, whatever the extension.
_RESERVED_NAMES = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}


def coding_sentences(doc: Document) -> list[tuple[int, int]]:
    """The sentences a coder codes: headline and body, boilerplate left out."""
    sents = doc.layer("sentence")
    return [(int(s), int(e)) for s, e, label in sents[["start", "end", "label"]].itertuples(index=False)
            if label != "boilerplate"]


def tool_tone(doc: Document, sentences: Sequence[tuple[int, int]]) -> dict[int, str]:
    """``party:tone;...`` per sentence index from the tool's mention layer."""
    out: dict[int, set[str]] = {}
    for rec in doc.layer("mention").to_dict("records"):
        tone = rec.get("tone")
        if not isinstance(tone, str) or rec.get("place_only") is True:
            continue
        for i, (s, e) in enumerate(sentences):
            if s <= int(rec["start"]) < e:
                out.setdefault(i, set()).add(f"{rec['label']}:{tone}")
    return {i: ";".join(sorted(v)) for i, v in out.items()}


def coding_rows(doc: Document) -> pd.DataFrame:
    """The coding sheet rows of one annotated document (tool columns filled)."""
    sentences = coding_sentences(doc)
    tool = sentence_coding(tool_spans(doc), sentences, tool_tone(doc, sentences))
    sheet = pd.DataFrame({"doc_id": doc.doc_id, "sentence_index": tool["sentence_index"],
                          "start": tool["start"], "end": tool["end"],
                          "sentence": [doc.text[s:e] for s, e in sentences]})
    for col in CODER_COLUMNS[:-1]:
        sheet[f"tool_{col}"] = tool[col] if len(tool) else []
    for col in CODER_COLUMNS:
        sheet[col] = ""
    return sheet[list(SHEET_COLUMNS)]


def _clean(text: str) -> str:
    # A covered string is one field of a tab-separated line.
    return text.replace("\n", " ").replace("\r", " ").replace("\t", " ")


def brat_standoff(doc: Document) -> str:
    """The tool's annotations of ``doc`` as BRAT ``.ann`` text (PolNeAR conventions).

    >>> import presslens  # doctest: +SKIP
    >>> print(brat_standoff(presslens.annotate_text("Officials said it could rain.")))  # doctest: +SKIP
    T1	Source 0 9	Officials
    ...
    """
    lines: list[str] = []
    t = e = a = 0

    def tb(kind: str, s: int, end: int) -> str:
        nonlocal t
        t += 1
        lines.append(f"T{t}\t{kind} {s} {end}\t{_clean(doc.text[s:end])}")
        return f"T{t}"

    def attr(name: str, target: str, value: object) -> None:
        nonlocal a
        if isinstance(value, str) and value:
            a += 1
            lines.append(f"A{a}\t{name} {target} {value}")

    for rec in doc.layer("attribution").to_dict("records"):
        cue = rec.get("cue")
        if not isinstance(cue, dict):
            continue  # content without a cue: nothing a coder could link
        ids = {}
        for role, kind in (("source", "Source"), ("cue", "Cue"), ("content", "Content")):
            span = rec.get(role)
            if isinstance(span, dict) and int(span["end"]) > int(span["start"]):
                ids[kind] = tb(kind, int(span["start"]), int(span["end"]))
        if "Source" in ids:
            attr("SourceType", ids["Source"], rec.get("source_type"))
        trigger = tb("Attribution", int(cue["start"]), int(cue["end"]))
        args = [f"{k}:{v}" for k, v in ids.items()]
        e += 1
        lines.append(f"E{e}\tAttribution:{trigger} " + " ".join(args))
    for rec in doc.layer("hedge").to_dict("records"):
        attr("HedgeCategory", tb("Hedge", int(rec["start"]), int(rec["end"])), rec["label"])
    for rec in doc.layer("mention").to_dict("records"):
        if rec.get("place_only") is True:
            continue
        tid = tb("Mention", *mention_span(rec))
        attr("Party", tid, rec["label"])
        attr("Role", tid, rec.get("role"))
        attr("Tone", tid, rec.get("tone") if isinstance(rec.get("tone"), str) else None)
    return "\n".join(lines) + ("\n" if lines else "")


def _hedge_categories() -> list[str]:
    from presslens.hedging.patterns import HEDGE_CATEGORIES

    return sorted(HEDGE_CATEGORIES)


def export_coding(docs: Sequence[Document], sample: int, seed: int, out_dir: str | os.PathLike[str],
                  preannotate: bool = True, parties=None) -> dict:
    """Write a coding folder for a random sample of ``docs``; returns a summary dict.

    Documents without a sentence layer are annotated first (with ``parties``,
    a :class:`~presslens.parties.PartyConfig` or None). With ``preannotate``
    off, the ``.ann`` files are empty and the sheet's ``tool_*`` columns blank.

    >>> docs = presslens.read_documents(["corpus/"])  # doctest: +SKIP
    >>> export_coding(docs, sample=20, seed=7, out_dir="coding")["n_documents"]  # doctest: +SKIP
    20
    """
    if sample < 1:
        raise ValueError("sample must be at least 1")
    final = Path(out_dir)
    check_export_folder(final)
    by_id = {d.doc_id: d for d in docs}
    chosen = [by_id[i] for i in sample_ids(list(by_id), sample, seed)]
    todo = [d for d in chosen if d.layer("sentence").empty]
    if todo:
        from presslens.pipeline import annotate_documents

        annotate_documents(todo, parties)
    final.parent.mkdir(parents=True, exist_ok=True)
    # Written in a hidden folder beside and renamed when complete: a failed
    # export leaves nothing half-written.
    out = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".part", dir=final.parent))
    try:
        summary = _write_export(chosen, out, seed, preannotate, parties)
        os.chmod(out, 0o777 & ~_umask())
        if final.exists():
            final.rmdir()
        os.replace(out, final)
    except BaseException:
        shutil.rmtree(out, ignore_errors=True)
        raise
    return {**summary, "out_dir": str(final)}


def check_export_folder(out: Path) -> None:
    """Refuse an export folder that holds anything (it may hold coders' work) or cannot be written."""
    from presslens.document.outputs import check_output_dir

    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise PresslensError(f"{out}: exists and is not an empty folder (a coding folder may hold coders' work); "
                             "choose another --out or remove it")
    check_output_dir(out.parent)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _write_export(chosen: Sequence[Document], out: Path, seed: int, preannotate: bool, parties) -> dict:
    (out / "text").mkdir(parents=True, exist_ok=True)
    (out / "attributions").mkdir(parents=True, exist_ok=True)
    sheets = []
    party_ids: set[str] = set()
    names = export_names([d.doc_id for d in chosen])
    for doc in chosen:
        safe = names[doc.doc_id]
        (out / "text" / f"{safe}.txt").write_text(doc.text, encoding="utf-8", newline="")
        (out / "attributions" / f"{safe}.ann").write_text(brat_standoff(doc) if preannotate else "", encoding="utf-8")
        rows = coding_rows(doc)
        if not preannotate:
            for col in CODER_COLUMNS[:-1]:
                rows[f"tool_{col}"] = ""
        sheets.append(rows)
        party_ids |= set(doc.layer("mention")["label"].dropna().astype(str)) if "label" in doc.layer("mention") else set()
    if parties is not None:
        party_ids |= set(getattr(parties, "parties", {}) or [])
    sheet = pd.concat(sheets, ignore_index=True) if sheets else pd.DataFrame(columns=list(SHEET_COLUMNS))
    write_csv(sheet, out / "coding_sheet.csv", quoting=csv.QUOTE_NONNUMERIC)
    (out / ID_MAP).write_text(json.dumps(
        {"files": [{"doc_id": d.doc_id, "text": f"text/{names[d.doc_id]}.txt",
                    "annotations": f"attributions/{names[d.doc_id]}.ann"} for d in chosen]},
        indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    cats = _hedge_categories()
    plist = sorted(party_ids)
    (out / "annotation.conf").write_text(ANNOTATION_CONF.format(
        hedge_categories="|".join(cats), parties="|".join(plist) or "party"), encoding="utf-8")
    (out / "CODING.md").write_text(CODING_MD.format(
        n=len(chosen), seed=seed, source_types=" / ".join(SOURCE_TYPES), hedge_categories=" / ".join(cats),
        parties=", ".join(plist) or "(from the parties file)", roles=" / ".join(ROLES), tones=" / ".join(TONES)),
        encoding="utf-8")
    # One id a line; an id holding a line break or another control character is written escaped.
    (out / "sample.txt").write_text("".join(
        (d.doc_id if d.doc_id.isprintable() else d.doc_id.encode("unicode_escape").decode("ascii")) + "\n"
        for d in chosen), encoding="utf-8")
    # What the tool wrote, so that an .ann nobody has edited is never scored as a coder's.
    (out / PREANNOTATIONS).write_text("".join(
        f"{hashlib.sha256(p.read_bytes()).hexdigest()}  attributions/{p.name}\n"
        for p in sorted((out / "attributions").glob("*.ann"))), encoding="utf-8")
    return {"n_documents": len(chosen), "n_sentences": len(sheet), "doc_ids": [d.doc_id for d in chosen]}


def run_cli_export(inputs: list[str], sample: int, seed: int, out: str, parties: str | None) -> str:
    """``presslens export-coding``: read, sample, annotate, write; a one-line summary.

    >>> run_cli_export(["corpus/"], 20, 7, "coding", None)  # doctest: +SKIP
    'coding: 20 of 312 documents, 415 sentences to code (seed 7)'
    """
    from presslens.document.inputs import read_documents
    from presslens.framing.parties import load_parties

    check_export_folder(Path(out))  # before any work
    config = load_parties(parties) if parties else None
    docs = read_documents(inputs)
    summary = export_coding(docs, sample, seed, out, parties=config)
    return (f"{out}: {summary['n_documents']} of {len(docs)} documents, "
            f"{summary['n_sentences']} sentences to code (seed {seed})")


# --- reading the filled sheet --------------------------------------------------------

def _check_list(value: str, allowed: set[str] | None, pair_values: Sequence[str] | None) -> str | None:
    """The problem with a ``;``-list cell, or None."""
    for item in filter(None, (v.strip() for v in value.split(";"))):
        if pair_values is not None:
            party, sep, val = item.partition(":")
            if not sep or not party or val not in pair_values:
                return f"{item!r} is not party:{'/'.join(pair_values)}"
        elif allowed is not None and item not in allowed:
            return f"{item!r} is not one of {', '.join(sorted(allowed))}"
    return None


def read_coding_sheet(path: str | os.PathLike[str], hedge_categories: Sequence[str] | None = None) -> pd.DataFrame:
    """A filled coding sheet, every coder value checked.

    Raises :class:`~presslens.errors.InputError` naming the row (1 = header,
    data rows from 2, as a spreadsheet shows them) and the column. Values are
    normalised: ``yes``/``no`` lowercased, list cells sorted.

    >>> sheet = read_coding_sheet("coding/coding_sheet.csv")  # doctest: +SKIP
    """
    from presslens.document.inputs import read_text_file
    from presslens.document.outputs import from_spreadsheet_text

    path = Path(path)
    text = read_text_file(path, what="coding sheet")  # binary, UTF-16, a device: one line naming the file
    try:
        sheet = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(path, f"cannot read the coding sheet: {str(exc).strip()}") from None
    if sheet.empty:
        raise InputError(path, "the coding sheet holds no sentence rows")
    for col in sheet.columns:
        sheet[col] = sheet[col].map(from_spreadsheet_text)
    missing = [c for c in ("doc_id", "sentence_index", *CODER_COLUMNS[:-1]) if c not in sheet.columns]
    if missing:
        raise InputError(path, f"missing column(s): {', '.join(missing)}")
    cats = set(hedge_categories) if hedge_categories is not None else set(_hedge_categories())
    for n, row in enumerate(sheet.to_dict("records"), start=2):
        where = f"{path} row {n}"
        if not str(row["sentence_index"]).strip().isdigit():
            raise InputError(where, f"sentence_index {row['sentence_index']!r} is not a number")
        for col in ("has_attribution", "hedged"):
            v = row[col].strip().lower()
            if v not in ("", "yes", "no"):
                raise InputError(where, f"{col} must be yes or no, not {row[col]!r}")
            sheet.at[n - 2, col] = v
        for col, allowed, pairs in (("source_type", set(SOURCE_TYPES), None), ("hedge_category", cats, None),
                                    ("parties", None, None), ("roles", None, ROLES), ("tone", None, TONES)):
            value = row[col].strip()
            problem = _check_list(value, allowed, pairs)
            if problem:
                raise InputError(where, f"{col}: {problem}")
            sheet.at[n - 2, col] = ";".join(sorted({v.strip() for v in value.split(";") if v.strip()}))
        if row["source_type"].strip() and sheet.at[n - 2, "has_attribution"] == "no":
            raise InputError(where, "source_type given but has_attribution is no")
    sheet["sentence_index"] = sheet["sentence_index"].astype(int)
    return sheet


def coded_rows(sheet: pd.DataFrame) -> pd.Series:
    """Rows a coder has coded: ``has_attribution`` or ``hedged`` answered (the others are left out of agreement).

    >>> coded_rows(pd.DataFrame({"has_attribution": ["yes", ""], "hedged": ["", ""]})).tolist()
    [True, False]
    """
    answered = [sheet[c].fillna("").astype(str).str.strip() != "" for c in ("has_attribution", "hedged") if c in sheet]
    return pd.concat(answered, axis=1).any(axis=1) if answered else pd.Series(False, index=sheet.index)


def coder_table(sheet: pd.DataFrame, tool: bool = False) -> pd.DataFrame:
    """The coder's (or with ``tool`` the tool's) answers of a sheet, for :func:`alpha_table`."""
    cols = {f"tool_{c}" if tool else c: c for c in CODER_COLUMNS[:-1]}
    table = sheet[["doc_id", "sentence_index", *cols]].rename(columns=cols)
    return table.fillna("")


def sheet_disagreements(sheet: pd.DataFrame, variables: Sequence[str] = CODER_COLUMNS[:-1]) -> pd.DataFrame:
    """The error browser of a coding sheet: every coded cell where the tool answered otherwise.

    Columns ``doc_id, sentence_index, variable, tool, coder, sentence``; rows
    the coder left uncoded (``has_attribution`` and ``hedged`` both empty) are
    skipped.

    >>> s = pd.DataFrame({"doc_id": ["d"], "sentence_index": [0], "sentence": ["It may rain."],
    ...                   "tool_hedged": ["no"], "hedged": ["yes"], "has_attribution": ["no"]})
    >>> sheet_disagreements(s, ["hedged"])[["variable", "tool", "coder"]].values.tolist()
    [['hedged', 'no', 'yes']]
    """
    rows = []
    for rec in sheet.fillna("").to_dict("records"):
        if not (str(rec.get("has_attribution", "")) or str(rec.get("hedged", ""))):
            continue
        for var in variables:
            tool, coder = str(rec.get(f"tool_{var}", "")), str(rec.get(var, ""))
            if var in rec and tool != coder:
                rows.append({"doc_id": rec["doc_id"], "sentence_index": rec["sentence_index"], "variable": var,
                             "tool": tool, "coder": coder, "sentence": rec.get("sentence", "")})
    return pd.DataFrame(rows, columns=["doc_id", "sentence_index", "variable", "tool", "coder", "sentence"])


def evaluate_coding(sheets: Sequence[str | os.PathLike[str]], brat_dir: str | os.PathLike[str] | None = None,
                    parties=None) -> dict:
    """Agreement of the tool with filled coding sheets (and a coded BRAT folder), as one JSON-ready dict.

    ``{"alpha": {variable: {coders: {"alpha", "units"}}}, "differences": n,
    "spans": {layer: {match: {precision, recall, f1, n_gold, n_pred}}}}``;
    ``coders`` is ``"tool vs coder1"``, ``"coder1 vs coder2"``, ... or
    ``"all"`` (everyone together, with two coders or more).
    ``parties`` is a PartyConfig or None (for the BRAT folder).

    >>> evaluate_coding(["coding/coding_sheet.csv"])["alpha"]["hedged"]  # doctest: +SKIP
    {'tool vs coder1': {'alpha': 0.81, 'units': 120}}
    """
    from presslens.evaluate.agreement import alpha_table, brat_coding_report

    out: dict = {}
    if sheets:
        read = [read_coding_sheet(p) for p in sheets]
        for path, sheet in zip(sheets, read):
            if not coded_rows(sheet).any():
                raise InputError(path, "holds no coder's answers: every has_attribution and hedged cell is empty "
                                       "(the tool_* columns are the tool's own; code the sheet first, see CODING.md)")
        codings = {"tool": coder_table(read[0], tool=True)}
        codings.update({f"coder{i + 1}": coder_table(s) for i, s in enumerate(read)})
        table = alpha_table(codings, (*alpha_variables(), "tone"))
        alpha: dict = {}
        for r in table.itertuples():
            value = None if r.alpha != r.alpha else float(r.alpha)
            alpha.setdefault(r.variable, {})[r.coders] = {"alpha": value, "units": int(r.units)}
        out["alpha"] = alpha
        out["coders"] = {f"coder{i + 1}": str(p) for i, p in enumerate(sheets)}
        out["differences"] = int(sum(len(sheet_disagreements(s)) for s in read))
    if brat_dir:
        report = brat_coding_report(brat_dir, parties)
        spans: dict = {}
        for r in report["scores"].itertuples():
            spans.setdefault(r.layer, {})[r.match] = {"precision": float(r.precision), "recall": float(r.recall),
                                                      "f1": float(r.f1), "n_gold": int(r.n_gold),
                                                      "n_pred": int(r.n_pred)}
        out["spans"] = spans
        out["brat_dir"] = str(brat_dir)
    if not out:
        raise ValueError("give at least one coding sheet or a BRAT folder")
    return out


def alpha_variables() -> tuple[str, ...]:
    from presslens.evaluate.agreement import CODED

    return tuple(CODED)


def run_cli_evaluate_coding(sheets: list[str], brat_dir: str | None = None, parties: str | None = None,
                            as_json: bool = False) -> str:
    """``presslens evaluate coding``: agreement of the tool with filled sheets (and a coded BRAT folder).

    Returns a plain-text report (or with ``as_json`` the JSON of
    :func:`evaluate_coding`): sentence-level alpha per variable (tool and
    each coder, coders among themselves) and, with ``brat_dir``, per-layer
    P/R/F1 against the coders' spans.

    >>> print(run_cli_evaluate_coding(["coding/coding_sheet.csv"]))  # doctest: +SKIP
    """
    import json

    from presslens.framing.parties import load_parties

    result = evaluate_coding(sheets, brat_dir, load_parties(parties) if parties else None)
    if as_json:
        return json.dumps(result)
    lines = []
    if "alpha" in result:
        lines.append("Krippendorff's alpha (nominal), sentence level: " + ", ".join(
            f"{k} = {v}" for k, v in result["coders"].items()))
        lines.append(f"{'variable':<16} {'coders':<22} {'alpha':>7} {'units':>6}")
        for var, by in result["alpha"].items():
            for coders, v in by.items():
                a = "n/a" if v["alpha"] is None else f"{v['alpha']:.3f}"
                lines.append(f"{var:<16} {coders:<22} {a:>7} {v['units']:>6}")
        lines.append(f"{result['differences']} sentence answers differ from the tool "
                     "(see the error browser of notebooks/05_validation.ipynb)")
    if "spans" in result:
        lines.append(f"Spans against the coders of {brat_dir} (pooled):")
        lines.append(f"{'layer':<8} {'match':<9} {'P':>6} {'R':>6} {'F1':>6} {'gold':>6} {'pred':>6}")
        for layer, by in result["spans"].items():
            for match, v in by.items():
                lines.append(f"{layer:<8} {match:<9} {v['precision']:6.3f} {v['recall']:6.3f} {v['f1']:6.3f} "
                             f"{v['n_gold']:6d} {v['n_pred']:6d}")
    return "\n".join(lines)
