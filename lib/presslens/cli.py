"""The ``presslens`` command line.

Errors a user can fix print one line (``presslens: error: FILE: problem``)
and exit with status 2; no traceback, no half-written output.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import socket
import sys
import threading
import time
from collections import Counter
from collections.abc import Mapping, Sequence
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
    from presslens.document.outputs import EXPORT_SUFFIXES, check_output_file, write_jsonl
    from presslens.document.inputs import iter_documents

    out = Path(args.out)
    if out.suffix.lower() not in EXPORT_SUFFIXES:
        raise PresslensError(f"{out}: output must end in .jsonl or .parquet")
    if out.suffix.lower() == ".parquet":
        # Corpus mode: a folder of partitioned tables, streamed, resumable.
        from presslens.corpus.annotate import annotate_corpus

        _warn_parties(args.parties)
        run = annotate_corpus(args.inputs, out, args.parties, jobs=args.jobs, scheduler=args.scheduler,
                              partition_size=args.partition_size, restart=args.restart, progress=not args.quiet,
                              attribution_model=args.attribution_model)
        if not args.quiet:
            print(run.summary())
        return 0
    from presslens.framing.parties import load_parties
    from presslens.pipeline import annotate_stream

    check_output_file(out)  # a folder, a read-only place: said now, not after the work
    parties = load_parties(args.parties)
    _warn_parties(parties)
    # A first pass checks every document (and counts them) keeping only ids,
    # so that a bad document fails before any work; the second annotates and
    # writes a batch at a time, so memory holds a batch, not the corpus.
    total = sum(1 for _ in iter_documents(args.inputs))
    counts: Counter = Counter()

    def counted(docs):
        for doc in docs:
            counts.update(document_counts(doc))
            yield doc

    write_jsonl(counted(annotate_stream(iter_documents(args.inputs), parties, total, progress=not args.quiet,
                                        attribution_model=args.attribution_model)), out)
    if not args.quiet:
        print(summary_line(counts, out))
    return 0


def document_counts(doc) -> dict[str, int]:
    """What :func:`summary_line` reports of one annotated document: body words and sentences,
    counted as every report counts them (headline and boilerplate left out)."""
    from presslens.syntax.segment import body_counts

    c = body_counts(doc)
    return {"documents": 1, "words": c.words, "sentences": c.sentences, "headline": c.headline,
            "boilerplate": c.boilerplate}


def summary_line(counts, out: Path) -> str:
    """A short, human summary of what was annotated (``counts``: :func:`document_counts` summed,
    or the annotated documents themselves)."""
    from presslens.syntax.segment import BodyCounts

    if not isinstance(counts, Mapping):
        total: Counter = Counter()
        for doc in counts:
            total.update(document_counts(doc))
        counts = total
    body = BodyCounts(*(int(counts.get(f, 0)) for f in ("words", "sentences", "headline", "boilerplate")))
    return f"annotated {counts.get('documents', 0)} document(s): {body.describe()} -> {out}"


def _warn_parties(parties) -> None:
    """Print what a parties file (a path or a loaded one) holds that is legal but probably not meant, a line each."""
    if isinstance(parties, (str, os.PathLike)):
        from presslens.framing.parties import load_parties

        parties = load_parties(parties)
    for message in getattr(parties, "warnings", None) or []:
        print(f"presslens: warning: {message}", file=sys.stderr)


def cmd_report(args: argparse.Namespace) -> int:
    from presslens.report.article import run_report

    out = Path(args.out) if args.out else Path("reports") / Path(args.input).stem
    if args.jobs is not None and args.jobs < 1:
        raise PresslensError("--jobs must be at least 1")
    # Corpus mode (issue 7): a corpus or an annotation folder gets the corpus
    # report; --jobs is then the number of annotation workers (Dask).
    from presslens.document.inputs import corpus_input

    _warn_parties(args.parties)
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
    previous = _catch_signals()
    try:
        return args.func(args)
    except PresslensError as exc:
        print(f"presslens: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        _interrupted()
        return EXIT_INTERRUPTED
    except OSError as exc:
        # An output the system refused mid-run (disk full, a folder gone): one line, no traceback.
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"presslens: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        _restore_signals(previous)


def run() -> None:
    """The ``presslens`` command: :func:`main`, then exit with its status.

    Once the work is done, a signal during the interpreter's own exit would
    only turn the status into "killed": it is ignored from then on.
    """
    code = main()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_IGN)
    sys.exit(code)


EXIT_INTERRUPTED = 130
#: Seconds the clean-up after an interrupt may take before the process exits regardless.
CLEANUP_SECONDS = 8.0
_said_interrupted = threading.Event()
_signalled = threading.Event()
_redeliver = threading.Event()
_caught: list[int] = []


def _catch_signals() -> dict[int, object]:
    """Ctrl-C and SIGTERM stop the command the same way: a KeyboardInterrupt, once.

    Later signals are ignored so that the clean-up (killing kernels and
    child processes, removing temporary files) is not cut short; a watchdog
    ends the process should the clean-up itself hang. An interrupt raised
    where Python drops exceptions (a weak-reference callback, a ``__del__``)
    is delivered again at once.
    """
    if threading.current_thread() is not threading.main_thread():
        return {}
    _said_interrupted.clear()
    _signalled.clear()
    _redeliver.clear()
    previous: dict[object, object] = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        if signal.getsignal(sig) is not signal.SIG_IGN:  # a background job started to ignore it stays so
            previous[sig] = signal.signal(sig, _on_signal)
    previous["unraisablehook"] = sys.unraisablehook
    sys.unraisablehook = _unraisable
    # A signal may land in any thread; Python runs the handler in the main
    # thread only, once that thread runs again, which it does not while it
    # waits on a lock (for a notebook to finish). The wake-up pipe tells a
    # helper thread of every signal, and the helper interrupts the main
    # thread itself should the handler not have run.
    receive, send = socket.socketpair()
    send.setblocking(False)
    previous["wakeup"] = (signal.set_wakeup_fd(send.fileno(), warn_on_full_buffer=False), receive, send)
    threading.Thread(target=_wake_main, args=(receive,), name="presslens-signal-relay", daemon=True).start()
    return previous


def _restore_signals(previous: dict[object, object]) -> None:
    for sig, handler in previous.items():
        if sig == "unraisablehook":
            sys.unraisablehook = handler  # type: ignore[assignment]
        elif sig == "wakeup":
            fd, receive, send = handler  # type: ignore[misc]
            signal.set_wakeup_fd(fd)
            send.close()  # the relay thread then reads the end and stops
            receive.close()
        else:
            signal.signal(sig, handler)  # type: ignore[arg-type]


def _wake_main(receive: socket.socket) -> None:
    """Interrupt the main thread (so that its handler runs) when a signal it has not handled arrives."""
    main_thread = threading.main_thread()
    while True:
        try:
            data = receive.recv(16)
        except OSError:
            return
        if not data:
            return
        time.sleep(0.1)
        if not _signalled.is_set() and data[-1] in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(OSError, ValueError):
                signal.pthread_kill(main_thread.ident, data[-1])


def _on_signal(signum: int, frame: object) -> None:
    if _signalled.is_set() and not _redeliver.is_set():
        return  # a second Ctrl-C: the clean-up of the first is running
    _redeliver.clear()
    if not _signalled.is_set():
        _signalled.set()
        _caught.append(signum)
        threading.Thread(target=_watchdog, name="presslens-interrupt-watchdog", daemon=True).start()
    raise KeyboardInterrupt


def _unraisable(args) -> None:  # noqa: ANN001 - sys.UnraisableHookArgs
    if isinstance(args.exc_value, KeyboardInterrupt) and _signalled.is_set():
        # Our interrupt, raised inside a callback whose exceptions Python drops: raise it again,
        # from another thread, once the main thread is out of the callback.
        _redeliver.set()
        threading.Timer(0.05, signal.pthread_kill, [threading.main_thread().ident,
                                                    _caught[-1] if _caught else signal.SIGINT]).start()
        return
    sys.__unraisablehook__(args)


def _watchdog() -> None:
    time.sleep(CLEANUP_SECONDS)
    # The clean-up did not finish in time: do what matters most from here.
    with contextlib.suppress(Exception):
        runner = sys.modules.get("presslens.report.runner")
        if runner is not None:
            runner.stop_all_kernels()
    with contextlib.suppress(Exception):
        from presslens.document.outputs import release_locks

        release_locks()
    _interrupted(force=True)


def _interrupted(force: bool = False) -> None:
    """Say so (once) and, after a signal, leave at once.

    The clean-up has run by then (kernels, child processes and temporary
    files are gone); what is left are threads waiting on kernels that no
    longer exist and libraries' exit handlers (Dask's closes clusters
    again), which would only delay the exit or print tracebacks.
    """
    if not _said_interrupted.is_set():
        _said_interrupted.set()
        print("presslens: interrupted", file=sys.stderr)
    sys.stderr.flush()
    sys.stdout.flush()
    if force or _signalled.is_set():
        os._exit(EXIT_INTERRUPTED)
