"""The ``presslens`` command line.

Errors a user can fix print one line (``presslens: error: FILE: problem``)
and exit with status 2; no traceback, no half-written output.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from presslens import __version__
from presslens.attribution.registry import DEFAULT_MODEL, MODELS
from presslens.errors import PresslensError

EXIT_USAGE = 2


def _model_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--attribution-model", choices=list(MODELS), default=DEFAULT_MODEL, metavar="MODEL",
                   help="attribution tagger: " + "; ".join(f"{m.name}: {m.summary}" for m in MODELS.values()))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="presslens",
        description="Sourcing density, hedged claims and party framing in news articles.",
    )
    parser.add_argument("--version", action="version", version=f"presslens {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    ann = sub.add_parser("annotate", help="annotate articles into JSONL or Parquet")
    ann.add_argument("inputs", nargs="+", metavar="INPUT", help=".txt, .html, folder, .jsonl or .csv corpus")
    ann.add_argument("--out", required=True, metavar="FILE", help="output: FILE.jsonl or FILE.parquet")
    ann.add_argument("--parties", metavar="FILE", help="party configuration (YAML)")
    ann.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    corpus = ann.add_argument_group("corpus mode (--out DIR.parquet)")
    corpus.add_argument("--jobs", type=int, default=1, metavar="N",
                        help="annotate on a local Dask cluster of N worker processes (default 1: this process)")
    corpus.add_argument("--scheduler", metavar="ADDRESS", help="annotate on an existing Dask cluster (tcp://host:8786)")
    corpus.add_argument("--partition-size", type=int, default=200, metavar="N", help="documents per partition (default 200)")
    corpus.add_argument("--restart", action="store_true", help="discard an earlier, unfinished or different run in DIR")
    _model_option(ann)
    ann.set_defaults(func=cmd_annotate)

    rep = sub.add_parser("report", help="run the report notebooks and write HTML, index.html and metrics.json")
    rep.add_argument("input", metavar="INPUT",
                     help="article (.txt, .html) to report on; or a corpus (.jsonl, .csv, folder of articles) "
                          "or a corpus folder written by `annotate --out DIR.parquet` for the corpus report")
    rep.add_argument("--parties", metavar="FILE",
                     help="parties file (YAML, see docs/parties.md); without it the parties are detected from the "
                          "text and written to OUT/parties.yml, to edit and give back")
    rep.add_argument("--out", metavar="DIR", help="output folder (default: reports/INPUT-NAME)")
    rep.add_argument("--include-code", action="store_true", help="show the notebooks' code in the HTML")
    rep.add_argument("--jobs", type=int, default=None, metavar="N", help="kernels run at once (default: one per notebook)")
    rep.add_argument("--quiet", action="store_true", help="no progress bar")
    rep.add_argument("--group-by", default="outlet", metavar="COLUMN",
                     help="corpus report: compare groups of this metadata column (default outlet)")
    _model_option(rep)
    rep.set_defaults(func=cmd_report)

    cmp_ = sub.add_parser("compare", help="compare several articles about one event on one page (claims, sources, divergences)")
    cmp_.add_argument("inputs", nargs="+", metavar="INPUT",
                      help="two or more articles (.txt, .html), a folder of them, or a .jsonl/.csv corpus "
                           "(outlet, date and title from its metadata)")
    cmp_.add_argument("--parties", metavar="FILE", help="party configuration (YAML)")
    cmp_.add_argument("--out", metavar="DIR", help="output folder (default: reports/compare-FIRST-INPUT-NAME)")
    cmp_.add_argument("--threshold", type=float, default=None, metavar="COSINE",
                      help="cosine at which sentences count as one claim (default 0.6, chosen on the validation set)")
    cmp_.add_argument("--include-code", action="store_true", help="show the notebook's code in the HTML")
    cmp_.add_argument("--quiet", action="store_true", help="no progress bar")
    _model_option(cmp_)
    cmp_.set_defaults(func=cmd_compare)
    par = sub.add_parser("parties", help="propose the parties of an article or corpus as a parties file to edit")
    par.add_argument("inputs", nargs="+", metavar="INPUT", help=".txt, .html, folder, .jsonl or .csv corpus")
    par.add_argument("--out", required=True, metavar="FILE.yml", help="the parties file to write")
    par.add_argument("--force", action="store_true", help="overwrite FILE.yml if it exists")
    par.set_defaults(func=cmd_parties)

    ev = sub.add_parser("evaluate", help="measure accuracy against gold data")
    ev_sub = ev.add_subparsers(dest="what", metavar="WHAT")
    ev_sub.required = True
    pos = ev_sub.add_parser("pos", help="tagging accuracy on CoNLL-U files (gold tokens)")
    pos.add_argument("files", nargs="+", metavar="FILE.conllu")
    pos.add_argument("--json", action="store_true", help="print a JSON object")
    pos.set_defaults(func=cmd_evaluate_module, module="pos")
    hed = ev_sub.add_parser("hedges", help="hedge detection on Szeged XML or certain/uncertain sentence lists")
    hed.add_argument("files", nargs="+", metavar="FILE")
    hed.add_argument("--json", action="store_true", help="print a JSON object")
    hed.set_defaults(func=cmd_evaluate_module, module="hedges")
    att = ev_sub.add_parser("attribution", help="attributions on BRAT folders (PolNeAR layout: text/, attributions/)")
    att.add_argument("files", nargs="+", metavar="DIR")
    att.add_argument("--json", action="store_true", help="print a JSON object")
    _model_option(att)
    att.set_defaults(func=cmd_evaluate_module, module="attribution")
    rol = ev_sub.add_parser("roles", help="agent/patient roles (and the parse) on CoNLL-U treebank files")
    rol.add_argument("files", nargs="+", metavar="FILE.conllu")
    rol.add_argument("--json", action="store_true", help="print a JSON object")
    rol.set_defaults(func=cmd_evaluate_module, module="roles")
    ton = ev_sub.add_parser("tone", help="target tone on NewsMTSC-style JSONL, beside sentence-level VADER")
    ton.add_argument("files", nargs="+", metavar="FILE.jsonl")
    ton.add_argument("--json", action="store_true", help="print a JSON object")
    ton.set_defaults(func=cmd_evaluate_module, module="tone")
    sto = ev_sub.add_parser("story", help="claim alignment across articles on hand-aligned sets "
                                          "(folders with articles.jsonl and claims.yml)")
    sto.add_argument("files", nargs="+", metavar="DIR")
    sto.add_argument("--json", action="store_true", help="print a JSON object")
    sto.set_defaults(func=cmd_evaluate_module, module="story")
    cod = ev_sub.add_parser("coding", help="agreement of the tool with filled coding sheets (and a coded BRAT folder)")
    cod.add_argument("sheets", nargs="*", metavar="SHEET.csv", help="filled coding sheets, one per coder")
    cod.add_argument("--brat", metavar="DIR", help="BRAT folder coded by hand (text/*.txt with *.ann)")
    cod.add_argument("--parties", metavar="FILE", help="party configuration (YAML)")
    cod.add_argument("--json", action="store_true", help="print a JSON object")
    cod.set_defaults(func=cmd_evaluate_coding)

    exp = sub.add_parser("export-coding", help="draw a reproducible sample for manual coding (BRAT + CSV sheet)")
    exp.add_argument("inputs", nargs="+", metavar="CORPUS", help=".txt, .html, folder, .jsonl or .csv corpus")
    exp.add_argument("--sample", type=int, required=True, metavar="N", help="number of documents to draw")
    exp.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default 0)")
    exp.add_argument("--out", required=True, metavar="DIR", help="output folder")
    exp.add_argument("--parties", metavar="FILE", help="party configuration (YAML)")
    exp.set_defaults(func=cmd_export_coding)
    return parser


def cmd_annotate(args: argparse.Namespace) -> int:
    from presslens.document.outputs import EXPORT_SUFFIXES, write_annotations
    from presslens.document.inputs import read_documents
    from presslens.pipeline import annotate_documents

    out = Path(args.out)
    if out.suffix.lower() not in EXPORT_SUFFIXES:
        raise PresslensError(f"{out}: output must end in .jsonl or .parquet")
    if out.suffix.lower() == ".parquet":
        # Corpus mode: a folder of partitioned tables, streamed, resumable.
        from presslens.corpus.annotate import annotate_corpus

        run = annotate_corpus(args.inputs, out, args.parties, jobs=args.jobs, scheduler=args.scheduler,
                              partition_size=args.partition_size, restart=args.restart, progress=not args.quiet,
                              attribution_model=args.attribution_model)
        if not args.quiet:
            print(run.summary())
        return 0
    from presslens.framing.parties import load_parties

    parties = load_parties(args.parties)
    docs = read_documents(args.inputs)
    docs = annotate_documents(docs, parties, progress=not args.quiet, attribution_model=args.attribution_model)
    write_annotations(docs, out)
    if not args.quiet:
        print(summary_line(docs, out))
    return 0


def summary_line(docs, out: Path) -> str:
    """A short, human summary of what was annotated, counted as every report counts (body text only)."""
    from presslens.syntax.segment import BodyCounts, body_counts

    counts = [body_counts(d) for d in docs]
    total = BodyCounts(*(sum(getattr(c, f) for c in counts) for f in ("words", "sentences", "headline", "boilerplate")))
    return f"annotated {len(docs)} document(s): {total.describe()} -> {out}"


def cmd_report(args: argparse.Namespace) -> int:
    from presslens.report.article import run_report

    out = Path(args.out) if args.out else Path("reports") / Path(args.input).stem
    if args.jobs is not None and args.jobs < 1:
        raise PresslensError("--jobs must be at least 1")
    # Corpus mode (issue 7): a corpus or an annotation folder gets the corpus
    # report; --jobs is then the number of annotation workers (Dask).
    from presslens.document.inputs import corpus_input

    if Path(args.input).exists() and corpus_input(args.input):
        from presslens.report.corpus_report import run_corpus_report

        metrics = run_corpus_report(args.input, out, args.parties, args.include_code, jobs=args.jobs or 1,
                                    group_by=args.group_by, progress=not args.quiet,
                                    attribution_model=args.attribution_model)
        if not args.quiet:
            print(f"{len(metrics['notebooks'])} corpus report(s) written: {out / 'index.html'}")
            _say_detected(metrics, out)
        return 0
    metrics = run_report(args.input, out, args.parties, args.include_code, args.jobs, progress=not args.quiet,
                         attribution_model=args.attribution_model)
    if not args.quiet:
        print(f"{len(metrics['notebooks'])} report(s) written: {out / 'index.html'}")
        _say_detected(metrics, out)
    return 0


def _say_detected(metrics: dict, out: Path) -> None:
    if (metrics["provenance"].get("parties") or {}).get("detected"):
        print(f"parties detected from the text: {out / 'parties.yml'} (edit it, then give it back with "
              f"--parties {out / 'parties.yml'})")


def cmd_parties(args: argparse.Namespace) -> int:
    from presslens.document.inputs import corpus_input, read_documents
    from presslens.framing.proposal import corpus_sample, write_proposal

    out = Path(args.out)
    if out.suffix.lower() not in (".yml", ".yaml"):
        raise PresslensError(f"{out}: a parties file ends in .yml")
    if out.exists() and not args.force:
        raise PresslensError(f"{out}: exists (perhaps edited); give another --out, or --force to overwrite it")
    if any(Path(p).exists() and corpus_input(p) for p in args.inputs):
        docs, source = corpus_sample(args.inputs)
    else:
        docs = read_documents(args.inputs)
        source = None
    proposed = write_proposal(docs, out, __version__, source)
    found = ", ".join(f"{p.label} ({p.mentions})" for p in proposed) or "none"
    print(f"{out}: {len(proposed)} part{'y' if len(proposed) == 1 else 'ies'} proposed from {source or f'{len(docs)} article(s)'}, "
          f"with their mentions: {found}. Edit it, then: presslens report {' '.join(args.inputs)} --parties {out}")
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    from presslens.report.story_report import run_story_report

    out = Path(args.out) if args.out else Path("reports") / f"compare-{Path(args.inputs[0]).stem}"
    metrics = run_story_report(args.inputs, out, args.parties, args.include_code, progress=not args.quiet,
                               attribution_model=args.attribution_model, threshold=args.threshold)
    if not args.quiet:
        shared = sum(len(c["articles"]) > 1 for c in metrics.get("claims", []))
        print(f"{len(metrics.get('articles', []))} articles compared, {shared} shared claim(s): {out / 'index.html'}")
    return 0


def cmd_evaluate_module(args: argparse.Namespace) -> int:
    import importlib

    for f in args.files:
        if not Path(f).exists():
            raise PresslensError(f"{f}: no such file or folder")
    module = importlib.import_module(f"presslens.evaluate.{args.module}")
    options = {"attribution_model": args.attribution_model} if hasattr(args, "attribution_model") else {}
    result = module.run(args.files, **options)
    print(json.dumps(result, indent=None if args.json else 2) if args.json else module.format_report(result))
    return 0


def cmd_evaluate_coding(args: argparse.Namespace) -> int:
    from presslens.evaluate.coding import run_cli_evaluate_coding

    for f in [*args.sheets, *([args.brat] if args.brat else [])]:
        if not Path(f).exists():
            raise PresslensError(f"{f}: no such file or folder")
    if not args.sheets and not args.brat:
        raise PresslensError("evaluate coding: give at least one filled coding sheet or --brat DIR")
    print(run_cli_evaluate_coding(args.sheets, args.brat, args.parties, as_json=args.json))
    return 0


def cmd_export_coding(args: argparse.Namespace) -> int:
    from presslens.evaluate.coding import run_cli_export

    if args.sample < 1:
        raise PresslensError("--sample must be at least 1")
    print(run_cli_export(args.inputs, args.sample, args.seed, args.out, args.parties))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except PresslensError as exc:
        print(f"presslens: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("presslens: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
