"""Run notebook 05 on the shared gold data and write VALIDATION.md from its figures.

    .venv/bin/python scripts/build_validation.py [--shared ../shared] [--keep DIR]
    .venv/bin/python scripts/build_validation.py --only attribution   # after retraining one layer

Executes ``notebooks/05_validation.ipynb`` with papermill on PolNeAR dev, the
Szeged news part (FactBank dev), NewsMTSC devtest_mt and UD English EWT test,
then renders the metrics sidecar as ``VALIDATION.md`` at the repository root
(no date in it, so a rerun on the same code and data gives the same file).
The full metrics are kept in ``data/validation/metrics.json``; ``--only
attribution`` (or hedges, tone, roles) reruns just those sections and keeps
the other figures. ``--from-metrics FILE`` only re-renders a metrics file.
``lib/presslens/resources/validation/figures.json`` holds the headline figures quoted by the
reports' methods notes.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "05_validation.ipynb"
DATA = {
    "polnear_dir": ("polnear", "dev"),
    "hedges_path": ("hedges", "factbank-dev.xml"),
    "newsmtsc_path": ("newsmtsc", "devtest_mt.jsonl"),
    "ewt_path": ("ud-english-ewt", "en_ewt-ud-test.conllu"),
}
COMMAND = ".venv/bin/python scripts/build_validation.py"
FIGURES = ROOT / "lib" / "presslens" / "resources" / "validation" / "figures.json"
METRICS = ROOT / "data" / "validation" / "metrics.json"
NA = "not yet available"
#: Hand-aligned story sets (no ../shared needed): claim alignment of `presslens compare`.
STORY_SETS = ROOT / "data" / "validation" / "story"


#: Sections of the notebook, the parameter that switches each on, and the metrics keys it writes.
SECTIONS = {
    "attribution": ("polnear_dir", ("polnear", "polnear_annotators", "polnear_sentence_alpha")),
    "hedges": ("hedges_path", ("hedges",)),
    "tone": ("newsmtsc_path", ("tone",)),
    "roles": ("ewt_path", ("roles",)),
}


def run_notebook(shared: Path, out_dir: Path, only: set[str] | None = None) -> dict:
    """Execute notebook 05 on the shared data (only the sections in ``only``, when given).

    Through the report runner: its kernel listens on a local socket (no TCP
    warning) and its chatter goes to a log file, not the terminal.
    """
    from presslens.report.runner import Job, run_notebooks

    params = {"output_dir": str(out_dir)}
    for key, parts in DATA.items():
        path = shared.joinpath("data", *parts)
        params[key] = str(path) if path.exists() else ""
    if only is not None:
        for name, (key, _) in SECTIONS.items():
            if name not in only:
                params[key] = ""
    job = Job(NOTEBOOK, out_dir / "05_validation.ipynb", parameters=params, cwd=NOTEBOOK.parent,
              log=out_dir / "05_validation.log")
    outcome = run_notebooks([job], 1)[0]
    if outcome.error:
        sys.exit(f"{NOTEBOOK.name} failed at {outcome.error} (executed notebook: {outcome.executed}; "
                 f"kernel log: {job.log})")
    return json.loads((out_dir / "metrics" / "05_validation.json").read_text(encoding="utf-8"))


def real_news(shared: Path) -> dict:
    """The real-news development set scored for each attribution model (``scripts/score_real_news.py``)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import score_real_news

    if not (shared / "dev-real" / "score.py").is_file():
        return {}
    return {model: score_real_news.figures(score_real_news.score(shared, model)) for model in ("default", "accurate")}


def render_real_news(real: dict) -> list[str]:
    """VALIDATION.md's real-news section."""
    if not real:
        return [NA]
    rows = [("attribution cue (overlap)", "cue F1"), ("attribution source (>=50% of gold)", "source F1"),
            ("attribution content (span overlap)", "content F1 (spans)"),
            ("attribution content (characters)", "content F1 (characters)"),
            ("hedged sentences (tool sentences)", "hedged-sentence F1"), ("hedge cue (overlap)", "hedge cue F1"),
            ("booster cue (overlap)", "booster cue F1"), ("party mention (overlap + party)", "party mention F1")]
    models = [m for m in ("default", "accurate") if m in real]
    out = ["| measure | " + " | ".join(f"`{m}` model" for m in models) + " |", "|---|" + "---|" * len(models)]
    for key, label in rows:
        out.append(f"| {label} | " + " | ".join(_f(real[m]["measures"].get(key, {}).get("f1")) for m in models) + " |")
    for key, label in (("source_type accuracy", "source-type accuracy"), ("mention role accuracy", "party-role accuracy")):
        cells = []
        for m in models:
            r = real[m]["measures"].get(key)
            cells.append(f"{_f(r['accuracy'])} ({r['right']}/{r['n']})" if r else NA)
        out.append(f"| {label} | " + " | ".join(cells) + " |")
    for key, label in (("headline", "headline right"), ("boilerplate", "boilerplate right")):
        out.append(f"| {label} | " + " | ".join("{}/{} articles".format(*real[m][key]) if key in real[m] else NA
                                                 for m in models) + " |")
    return out


def run_story() -> dict:
    """Pair precision and recall of claim alignment on the hand-aligned sets (`presslens evaluate story`)."""
    from presslens.evaluate.story import run

    return run(sorted(p for p in STORY_SETS.iterdir() if (p / "claims.yml").is_file()))


def _story_rows(st: dict) -> list[str]:
    out = ["| set | role | articles | sentences | marked claims | precision | recall | F1 | correct / predicted / gold pairs |",
           "|---|---|---|---|---|---|---|---|---|"]
    for r in st["sets"]:
        s = r["scores"]
        out.append(f"| {r['set']} | {r['role']} | {r['articles']} | {r['sentences']} | {r['claims']} | {_f(s['precision'])} "
                   f"| {_f(s['recall'])} | {_f(s['f1'])} | {s['correct_pairs']} / {s['predicted_pairs']} / {s['gold_pairs']} |")
    out += ["", "Sweep (pair precision / recall / F0.5 per set; the threshold was chosen on the tuning set only):", "",
            "| threshold | " + " | ".join(r["set"] for r in st["sets"]) + " |",
            "|---|" + "---|" * len(st["sets"])]
    for key in st["sets"][0]["sweep"] if st["sets"] else []:
        cells = [f"{_f(r['sweep'][key]['precision'])} / {_f(r['sweep'][key]['recall'])} / {_f(r['sweep'][key]['f05'])}"
                 for r in st["sets"]]
        out.append(f"| {key} | " + " | ".join(cells) + " |")
    return out


def render_story(st: dict | None) -> list[str]:
    out = ["", "## Claim alignment across articles (`presslens compare`; hand-aligned sets, `data/validation/story/`)", ""]
    if not st:
        return out + [NA]
    out += [
        "Sentences of several articles about one event grouped by meaning (all-MiniLM-L6-v2 embeddings, average-linkage",
        "clustering on the cosine, one sentence per article per claim). Each set is invented and written for presslens:",
        "articles about one event in different outlets' styles (wire, state agency, partisan paper, tabloid, analysis,",
        "radio brief), with every claim that two or more of them carry marked by hand (`claims.yml`). A pair is two",
        "sentences in one claim; precision is the share of the tool's pairs that the hand alignment has, recall the",
        f"share of the hand pairs the tool found. Command: `presslens evaluate story {STORY_SETS.relative_to(ROOT)}/*`.",
        "",
        f"Threshold **{st['threshold']:.2f}**: the threshold of highest pair F0.5 (precision weighed twice, because a false",
        "alignment puts a false divergence on the page, a missed one only leaves a claim listed under one outlet) on the",
        "tuning set `oslo-dam-talks`, the higher one on a tie (0.55 and 0.60 tie there); chosen on that set, so its",
        "figures are optimistic. `caldera-port-strike` was written as a held-out set and not used for the choice.",
        "",
    ]
    out += _story_rows(st)
    p = st["pooled"]
    out += ["", f"Pooled at {st['threshold']:.2f}: precision {_f(p['precision'])}, recall {_f(p['recall'])}, "
                f"F1 {_f(p['f1'])} ({p['correct_pairs']} of {p['predicted_pairs']} pairs right, {p['gold_pairs']} hand pairs).",
            f"{len(st['sets'])} small invented sets ({sum(r['sentences'] for r in st['sets'])} sentences): evidence of the "
            "method's behaviour, not of its accuracy on every story."]
    return out


def merge(old: dict, new: dict, only: set[str]) -> dict:
    """``old`` metrics with the sections in ``only`` (and the example article) replaced by ``new``'s."""
    out = dict(old)
    for name in only:
        for key in SECTIONS[name][1]:
            out.pop(key, None)
    out.update({k: v for k, v in new.items() if k not in _other_keys(only)})
    return out


def _other_keys(only: set[str]) -> set[str]:
    return {k for name, (_, keys) in SECTIONS.items() if name not in only for k in keys}


def _f(value) -> str:
    return NA if value is None else (f"{value:.3f}" if isinstance(value, float) else str(value))


def _prf_rows(res: dict, keys, label: str) -> list[str]:
    rows = []
    for key in keys:
        for mode in ("exact", "overlap"):
            r = res.get(key, {}).get(mode)
            if r:
                rows.append(f"| {label}{key} | {mode} | {_f(r['precision'])} | {_f(r['recall'])} | {_f(r['f1'])} "
                            f"| {r['n_gold']} | {r['n_pred']} |")
    return rows


def render(m: dict) -> str:
    head = "| layer | match | precision | recall | F1 | gold | predicted |\n|---|---|---|---|---|---|---|"
    out = [
        "# Validation figures",
        "",
        "How well presslens agrees with human annotation on public gold data. Cite these",
        "figures with the project version; validate on a sample of your own material too",
        "(`presslens export-coding`, then `notebooks/05_validation.ipynb`, see its first cell).",
        "",
        f"Produced by `{COMMAND}` (runs `notebooks/05_validation.ipynb` with papermill on",
        "`../shared/data`: PolNeAR dev, Szeged/FactBank dev, NewsMTSC devtest_mt, UD English EWT test).",
        "Exact match: same offsets; overlap match: shared characters at least half of each span;",
        "labelled match: overlap and the same label (source type, hedge category, party:role).",
        "",
        "## Attribution (PolNeAR dev, BRAT standoff)",
        "",
    ]
    pol = m.get("polnear")
    if pol:
        out += [head, *_prf_rows(pol, ("cue", "source", "content"), "")]
        cs = pol.get("content_share", {})
        out += ["", f"Share of article text inside attributed content, per article: Pearson r {_f(cs.get('pearson_r'))}, "
                f"mean absolute error {_f(cs.get('mae'))} ({cs.get('n_docs')} annotation files; PolNeAR dev has 84 "
                "articles, a few coded twice)."]
        hum = m.get("polnear_annotators")
        if hum:
            out += ["", "Human annotators against each other (texts PolNeAR had annotated several times), "
                    "the ceiling to read the tool's scores against:", "", head,
                    *_prf_rows(hum, ("cue", "source", "content"), "annotators: ")]
        sa = m.get("polnear_sentence_alpha") or {}
        if sa:
            out += ["", "Sentence-level Krippendorff's alpha (nominal), *sentence has an attribution* "
                    "(an attribution belongs to the sentence holding its cue; sentences are presslens's "
                    "segmentation). Pairwise rows are over the sentences both coded (the largest pair shown):", "",
                    "| coders | alpha | sentences |", "|---|---|---|",
                    *[f"| {k} | {_f(v['alpha'])} | {v['sentences']} |"
                      for k, v in sorted(sa.items(), key=lambda kv: (not kv[0].startswith("tool vs PolNeAR"), kv[0]))],
                    "", "The multi-annotated texts are few (see the sentence counts): read their alphas as "
                    "indicative, and the all-texts row as the tool's sentence-level agreement."]
    else:
        out.append(NA)
    out += ["", "## Hedges (Szeged uncertainty corpus, news part: FactBank dev)", ""]
    hed = m.get("hedges")
    if hed:
        out += ["| file | level | match | precision | recall | F1 | gold | predicted |", "|---|---|---|---|---|---|---|---|"]
        for name, res in hed.items():
            b = res["sentence"]["binary"]
            out.append(f"| {name} | sentence uncertain | - | {_f(b['precision'])} | {_f(b['recall'])} | {_f(b['f1'])} "
                       f"| {b['n_gold']} | {b['n_pred']} |")
            for mode, c in res.get("cue", {}).items():
                out.append(f"| {name} | cue | {mode} | {_f(c['precision'])} | {_f(c['recall'])} | {_f(c['f1'])} "
                           f"| {c['n_gold']} | {c['n_pred']} |")
    else:
        out.append(NA)
    out += ["", "## Mention roles (UD English EWT test)", ""]
    roles = m.get("roles")
    if roles:
        r, b, p = roles["role"]["gold_relations"], roles["role"]["parse_only"], roles["parser"]["all_tokens"]
        out += [f"Role accuracy **{_f(r['accuracy'])}** over {r['n']} tokens whose gold relation is nsubj, obj, "
                "nsubj:pass or obl:agent, with the roles the party-framing layer uses "
                f"(`presslens.syntax.roles.sentence_roles` on presslens's own tags and parse; the bare parse gives "
                f"{_f(b['accuracy'])}). Dependency parser UAS {_f(p.get('uas'))}, LAS {_f(p.get('las'))} "
                "(punctuation included).", "",
                "| role (all tokens) | precision | recall | F1 | gold |", "|---|---|---|---|---|"]
        out += [f"| {k} | {_f(roles[k]['all_tokens']['precision'])} | {_f(roles[k]['all_tokens']['recall'])} "
                f"| {_f(roles[k]['all_tokens']['f1'])} | {roles[k]['all_tokens']['n_gold']} |" for k in ("agent", "patient")]
        by = roles.get("by_relation") or {}
        if by:
            out += ["", "By gold relation: " + ", ".join(f"{k} {_f(v['accuracy'])} ({v['n']})" for k, v in by.items()) + "."]
    else:
        out.append(NA)
    out += ["", "## Tone towards a target (NewsMTSC devtest_mt)", ""]
    tone = m.get("tone")
    if tone:
        out += ["| model | macro-F1 | accuracy | targets |", "|---|---|---|---|"]
        for name, key in (("presslens tone model", "model"), ("VADER, whole sentence (baseline)", "vader_sentence")):
            t = tone.get(key)
            if t:
                out.append(f"| {name} | {_f(t['macro_f1'])} | {_f(t['accuracy'])} | {t['n']} |")
        pc = tone["model"].get("per_class", {})
        if pc:
            out += ["", "| tone class (model) | precision | recall | F1 | gold |", "|---|---|---|---|---|"]
            out += [f"| {k} | {_f(v['precision'])} | {_f(v['recall'])} | {_f(v['f1'])} | {v['n_gold']} |"
                    for k, v in pc.items()]
    else:
        out.append(NA)
    out += ["", "## Real news (12 articles from 12 outlets, `../shared/dev-real`)", "",
            "Twelve real pages from Pakistani, Afghan, Indian, wire and international outlets (six on South Asia, six on",
            "other conflicts), with their site furniture, hand-annotated by the project and scored by the set's own",
            "independent scorer (`dev-real/score.py`: overlap matches; a source must cover half of the gold source).",
            "It is a development set: its error classes were studied (never its sentences copied), so figures on",
            "other outlets' pages will be lower. Reproduce with `.venv/bin/python scripts/score_real_news.py` "
            "(`--model accurate`, `--errors`).", ""]
    out += render_real_news(m.get("real_news") or {})
    art = m.get("article")
    out += ["", "## Example article (shipped coding, `data/validation/`)", ""]
    if art:
        out += [head]
        for layer in ("cue", "source", "content", "hedge", "mention", "tone"):
            for mode in ("exact", "overlap", "labelled"):
                k = f"{layer}_{mode}_"
                if k + "f1" in art:
                    out.append(f"| {layer} | {mode} | {_f(art[k + 'precision'])} | {_f(art[k + 'recall'])} "
                               f"| {_f(art[k + 'f1'])} | {art.get(k + 'n_gold', '')} | {art.get(k + 'n_pred', '')} |")
        mr = m.get("article_mentions")
        if mr:
            out += ["", f"Party mentions: {mr['found']} of {mr['n_gold']} coded mentions found with their party; "
                    f"role right for {mr['role_right']} of {mr['found']} ({_f(mr['role_accuracy'])})."]
        al = m.get("article_alpha") or {}
        out += ["", "Sentence-level alpha, tool vs coder: " + ", ".join(f"{k} {_f(v)}" for k, v in al.items()) + "."]
        out += ["", "One article of 16 sentences: an illustration of the workflow, not evidence."]
    else:
        out.append(NA)
    out += render_story(m.get("story"))
    return "\n".join(out) + "\n"


def summary(m: dict) -> dict:
    """The headline figures the reports' methods notes quote (``presslens.report.methods.methods_note``)."""
    out: dict = {}
    roles = m.get("roles")
    if roles:
        r = roles["role"]["gold_relations"]
        out["roles"] = {"accuracy": r["accuracy"], "n": r["n"], "uas": roles["parser"]["all_tokens"]["uas"]}
    tone = m.get("tone")
    if tone:
        out["tone"] = {"macro_f1": tone["model"]["macro_f1"], "n": tone["model"]["n"],
                       "vader_macro_f1": tone["vader_sentence"]["macro_f1"]}
    if m.get("article_mentions"):
        out["article_mentions"] = m["article_mentions"]
    pol = m.get("polnear")
    if pol:
        out["attribution"] = {f"{k}_f1": pol[k]["overlap"]["f1"] for k in ("cue", "source", "content")}
        out["attribution"].update({f"{k}_exact_f1": pol[k]["exact"]["f1"] for k in ("cue", "source", "content")})
        share = pol["content_share"]
        out["attribution"].update(content_share_r=share["pearson_r"], content_share_mae=share["mae"],
                                  n_docs=share["n_docs"])
    fb = (m.get("hedges") or {}).get("factbank-dev.xml")
    if fb:
        sent = fb["sentence"]["binary"]
        out["hedges"] = {"sentence_f1": sent["f1"], "sentence_precision": sent["precision"],
                         "sentence_recall": sent["recall"], "n_sentences": sent["n_items"],
                         "cue_exact_f1": fb["cue"]["exact"]["f1"], "cue_overlap_f1": fb["cue"]["overlap"]["f1"]}
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=os.environ.get("PRESSLENS_SHARED", str(ROOT.parent / "shared")))
    ap.add_argument("--only", help="rerun only these sections (comma-separated: " + ", ".join(SECTIONS)
                    + ") and keep the other figures from the saved metrics")
    ap.add_argument("--keep", help="folder for the executed notebook (default: a temporary one)")
    ap.add_argument("--from-metrics", help="render VALIDATION.md from this metrics JSON without running")
    ap.add_argument("--metrics", default=str(METRICS), help="where the full metrics are saved (and --only reads them)")
    ap.add_argument("--out", default=str(ROOT / "VALIDATION.md"))
    ap.add_argument("--figures", default=str(FIGURES), help="the headline figures as JSON (for the reports' methods notes)")
    args = ap.parse_args(argv)
    only = {x.strip() for x in args.only.split(",") if x.strip()} if args.only else None
    if only is not None and not only <= set(SECTIONS) | {"real_news"}:
        ap.error(f"--only: unknown section(s) {', '.join(sorted(only - set(SECTIONS) - {'real_news'}))}; "
                 f"use {', '.join([*SECTIONS, 'real_news'])}")
    if args.from_metrics:
        metrics = json.loads(Path(args.from_metrics).read_text(encoding="utf-8"))
    else:
        shared = Path(args.shared)
        if not (shared / "data").is_dir():
            print(f"{shared}/data not found (set --shared or PRESSLENS_SHARED)", file=sys.stderr)
            return 2
        if only is not None and not Path(args.metrics).is_file():
            ap.error(f"--only needs the saved metrics {args.metrics}: run once without --only")
        t0 = time.perf_counter()
        if args.keep:
            Path(args.keep).mkdir(parents=True, exist_ok=True)
            metrics = run_notebook(shared, Path(args.keep).resolve(), only)
        else:
            with tempfile.TemporaryDirectory() as tmp:
                metrics = run_notebook(shared, Path(tmp), only)
        if only is not None:
            metrics = merge(json.loads(Path(args.metrics).read_text(encoding="utf-8")), metrics, only)
        if only is None or "real_news" in only:
            metrics["real_news"] = real_news(shared)
        print(f"notebook ran in {time.perf_counter() - t0:.0f} s")
    # The story sets ship with the project: measured on every run, even a re-render.
    metrics["story"] = run_story()
    if not args.from_metrics or Path(args.from_metrics).resolve() == Path(args.metrics).resolve():
        Path(args.metrics).write_text(json.dumps(metrics, indent=1, sort_keys=True, default=str) + "\n",
                                      encoding="utf-8")
    Path(args.out).write_text(render(metrics), encoding="utf-8")
    Path(args.figures).write_text(json.dumps(summary(metrics), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {args.out}, {args.figures} and {args.metrics}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
