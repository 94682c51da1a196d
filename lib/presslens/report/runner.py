"""Execute notebooks with papermill, one kernel each, and render them with nbconvert.

Each notebook gets its own kernel, started as soon as its turn comes so that
kernel start-up overlaps with papermill's import and with whatever the
caller does meanwhile (``presslens report`` annotates the article). The
notebooks run in threads of this process: papermill and nbconvert are
imported once, and the waiting is on the kernels, which are separate
processes. A kernel is killed as soon as its notebook is done; nothing in it
is needed after the last cell.

This module imports nothing from presslens, so ``benchmarks/report_speed.py``
runs its floor (trivial notebooks) through exactly this code.

>>> from presslens.report.runner import Job
>>> Job("notebooks/01_sourcing_density.ipynb", "out/01_sourcing_density.ipynb").name
'01_sourcing_density'
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
KERNEL_NAME = "python3"
#: Environment of every kernel: warnings are report noise, never content.
KERNEL_ENV = {"PYTHONWARNINGS": "ignore", "MPLBACKEND": "agg", "PYDEVD_DISABLE_FILE_VALIDATION": "1",
              "TQDM_DISABLE": "1"}


@dataclass
class Job:
    """One notebook to run: where it is, where the executed copy and its HTML go."""

    notebook: str | os.PathLike[str]
    executed: str | os.PathLike[str]
    html: str | os.PathLike[str] | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    cwd: str | os.PathLike[str] | None = None
    log: str | os.PathLike[str] | None = None
    #: passed to the HTML template as ``resources.presslens`` (the report's provenance footer)
    html_resources: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return Path(self.notebook).stem


@dataclass
class Outcome:
    name: str
    executed: Path
    seconds: float
    error: str | None = None
    html: Path | None = None


_import_lock = threading.Lock()


def _papermill():
    with _import_lock:  # one thread imports, the others wait for it
        import logging

        import papermill
        from papermill.exceptions import PapermillExecutionError

        # Papermill logs its progress and parameter checks as warnings on the
        # terminal; failures come back as exceptions, so only errors are shown.
        logging.getLogger("papermill").setLevel(logging.ERROR)

    return papermill, PapermillExecutionError


def warm_up() -> None:
    """Start importing papermill and nbconvert in a background thread.

    The caller goes on (starting kernels, waiting for a child process); the
    notebook threads then find the modules imported or wait for the import
    under the same lock.
    """
    def imports() -> None:
        # The kernel manager first: the notebook threads need it to start
        # their kernels, and they would wait for all of papermill otherwise.
        from jupyter_client.manager import KernelManager  # noqa: F401

        _papermill()
        with _import_lock:
            import nbconvert  # noqa: F401

    threading.Thread(target=imports, name="papermill-import", daemon=True).start()


#: Seconds an interrupted run waits for kernels being started (their threads kill them) before leaving.
THREAD_GRACE = 3.0
#: Longest socket path prefix: Linux allows 107 bytes, macOS 103; the kernel adds "-N" per channel.
_MAX_SOCKET_PATH = 96
_kernels: set[Any] = set()  # running kernel managers, killed on interrupt
_kernels_lock = threading.Lock()
#: Set when the run is interrupted: no kernel starts any more, and one starting is killed at once.
_stopping = threading.Event()
#: Kernels being started, and the condition an interrupted run waits on until there are none.
_starting = 0
_started = threading.Condition(_kernels_lock)


class Interrupted(Exception):
    """A notebook thread found the run interrupted (its kernel was killed or never started)."""


def _start_kernel(job: Job):
    import tempfile
    import uuid

    from jupyter_client.manager import KernelManager

    # Local sockets (an absolute path, since the kernel runs in the
    # notebook's folder) rather than TCP ports: nothing listens on the
    # network, and the kernel has no TCP warning to print.
    ipc = Path(tempfile.gettempdir()) / f"presslens-kernel-{uuid.uuid4().hex[:12]}"
    if len(os.fsencode(ipc)) > _MAX_SOCKET_PATH:
        # A socket path is limited to about a hundred bytes; a long TMPDIR gets the system's /tmp.
        ipc = Path("/tmp") / ipc.name
    km = KernelManager(kernel_name=KERNEL_NAME, transport="ipc", ip=str(ipc))
    log = open(job.log, "wb") if job.log else open(os.devnull, "wb")  # noqa: SIM115 - closed in _run_one
    env = {**os.environ, **KERNEL_ENV}
    cwd = str(job.cwd or Path(job.notebook).resolve().parent)
    global _starting
    with _kernels_lock:
        if _stopping.is_set():
            log.close()
            raise Interrupted("interrupted before the kernel started")
        _kernels.add(km)
        _starting += 1
    try:
        km.start_kernel(cwd=cwd, env=env, stdout=log, stderr=log)
        if _stopping.is_set():  # interrupted while it started: the killer may have missed it
            raise Interrupted("interrupted while the kernel started")
    except BaseException:
        log.close()
        _stop_kernel(km)
        raise
    finally:
        with _started:
            _starting -= 1
            _started.notify_all()
    return km, log


def _run_one(job: Job, include_code: bool) -> Outcome:
    t0 = time.perf_counter()
    executed = Path(job.executed)
    km, log = _start_kernel(job)
    error = None
    try:
        pm, PapermillExecutionError = _papermill()
        try:
            # No save after every cell: each save re-validates the whole
            # notebook; the executed notebook is written once at the end,
            # and with the failing cell's traceback when a cell raises.
            pm.execute_notebook(
                str(job.notebook), str(executed), parameters=job.parameters, kernel_name=KERNEL_NAME, km=km,
                progress_bar=False, log_output=False, report_mode=False, request_save_on_cell_execute=False,
                start_timeout=120,
            )
        except PapermillExecutionError as exc:
            error = f"cell {exc.cell_index + 1} (execution count {exc.exec_count}): {exc.ename}: {exc.evalue}"
        except Exception as exc:  # kernel died, bad notebook JSON, ...
            error = f"{type(exc).__name__}: {exc}"
    finally:
        _stop_kernel(km)
        log.close()
    seconds = time.perf_counter() - t0
    html = None
    if error is None and job.html and not _stopping.is_set():
        html = Path(job.html)
        page = to_html(executed, include_code, {**job.html_resources, "seconds": round(seconds, 1)})
        # Written under the lock an interrupt takes to stop the run: once it is
        # stopping, no thread writes (its clean-up then finds every file).
        with _kernels_lock:
            if not _stopping.is_set():
                html.write_text(page, encoding="utf-8")
    if _stopping.is_set():
        raise Interrupted(job.name)
    return Outcome(job.name, executed, seconds, error, html)


def _refuse_start(*args: Any, **kwargs: Any) -> None:
    raise Interrupted("the run was interrupted: no kernel starts")


def _stop_kernel(km) -> None:
    with _kernels_lock:
        _kernels.discard(km)
    # nbclient starts a kernel anew when it finds none: a stopped one stays stopped.
    km.start_kernel = _refuse_start
    try:
        km.shutdown_kernel(now=True)
    except Exception:  # already gone: nothing to stop
        pass
    try:
        km.cleanup_resources()
    except Exception:
        pass


def stop_all_kernels() -> None:
    """Kill every kernel this process started and keep new ones from starting (an interrupt)."""
    with _kernels_lock:
        _stopping.set()
        running = list(_kernels)
    for km in running:
        _stop_kernel(km)


def run_notebooks(jobs: Sequence[Job], parallel: int, include_code: bool = False,
                  on_done: Callable[[Outcome], None] | None = None, progress: bool = False) -> list[Outcome]:
    """Run ``jobs``, at most ``parallel`` kernels at a time; outcomes in the order of ``jobs``.

    A failing notebook does not stop the others; its outcome carries the
    error (which cell, which exception) and the executed notebook is kept.
    With ``progress``, one bar (notebooks done), and only on a terminal:
    redirected output gets no bar and so no escape codes.
    """
    parallel = max(1, min(parallel, len(jobs)))
    outcomes: dict[str, Outcome] = {}
    bar = _bar(len(jobs)) if progress else None
    _stopping.clear()
    pool = ThreadPoolExecutor(max_workers=parallel, thread_name_prefix="notebook")
    futures = {pool.submit(_run_one, job, include_code): job for job in jobs}
    interrupted = False
    try:
        for fut in as_completed(futures):
            job = futures[fut]
            try:
                outcome = fut.result()
            except Exception as exc:  # the kernel did not even start
                outcome = Outcome(job.name, Path(job.executed), 0.0, f"{type(exc).__name__}: {exc}")
            outcomes[job.name] = outcome
            if bar is not None:
                bar.update(1)
            if on_done:
                on_done(outcome)
    except BaseException:
        # Interrupted (Ctrl-C): kill every kernel, and do not wait for the
        # threads, which may be waiting on a kernel that is gone; they write
        # nothing once the run is stopping. Those starting a kernel are given
        # a moment to kill it themselves.
        interrupted = True
        stop_all_kernels()
        with _started:
            _started.wait_for(lambda: _starting == 0, timeout=THREAD_GRACE)
        raise
    finally:
        pool.shutdown(wait=not interrupted, cancel_futures=interrupted)
        if bar is not None:
            bar.close()
    return [outcomes[job.name] for job in jobs]


def _bar(total: int):
    """The one progress bar of a report run, on the terminal only (None when stderr is not one)."""
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc="running the report notebooks", unit="notebook", file=sys.stderr, leave=False)


#: Elements that run or load active content: no report output holds one.
_ACTIVE_TAGS = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "form", "link",
                "portal", "noscript", "template"}
#: Attributes holding an address (a ``javascript:`` one runs when followed or loaded).
_URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "ping",
              "lowsrc", "dynsrc", "srcset", "cite", "longdesc", "usemap", "manifest"}


class _LiveMarkup(HTMLParser):
    """Finds markup that could run script in a reader's browser: event handlers, script-like elements,
    ``javascript:`` addresses, script in style sheets."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _ACTIVE_TAGS or (tag == "meta" and any(name == "http-equiv" for name, _ in attrs)):
            self.found.append(f"<{tag}>")
        self._in_style = tag == "style"
        for name, value in attrs:
            value = value or ""
            squeezed = "".join(ch for ch in value if ch > " ").lower()
            if name.startswith("on") or name == "srcdoc":
                self.found.append(f"{tag} {name}=")
            elif name in _URL_ATTRS and squeezed.startswith(("javascript:", "vbscript:", "data:text/html")):
                self.found.append(f"{tag} {name}={squeezed[:20]}")
            elif name == "style" and ("javascript:" in squeezed or "expression(" in squeezed):
                self.found.append(f"{tag} style=")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            css = "".join(ch for ch in data if ch > " ").lower()
            if "<" in css or "javascript:" in css or "expression(" in css:
                self.found.append("<style> with markup or script")


def live_markup(html: str) -> list[str]:
    """What in ``html`` could run script in a browser (empty when nothing can).

    >>> live_markup('<table><td>&lt;img src=x onerror=alert(1)&gt;</td></table>')
    []
    >>> live_markup('<td><img src=x onerror=alert(1)></td><a href=" javascript:alert(2)">x</a>')
    ['img onerror=', 'a href=javascript:alert(2)']
    """
    parser = _LiveMarkup()
    parser.feed(html)
    parser.close()
    return parser.found


_NEUTRALISED = ("[presslens: this output held markup that could run a script in the reader's browser; "
                "it is shown as text]\n")


def _neutralise(output: dict[str, Any]) -> None:
    """Show an HTML or Markdown output holding live markup as plain text instead.

    Notebooks escape every input string (presslens.report.display); this is
    the guard behind them, so that no report page ever runs a script that
    came from an article, a corpus or a configuration file.
    """
    data = output.get("data") or {}
    # (SVG is embedded as an image, which runs no script.)
    for mime in ("text/html", "text/markdown"):
        if mime not in data:
            continue
        source = data[mime] if isinstance(data[mime], str) else "".join(data[mime])
        html = source
        if mime == "text/markdown":
            with _import_lock:
                from nbconvert.filters.markdown_mistune import markdown2html_mistune
            html = markdown2html_mistune(source)
        found = live_markup(html)
        if found:
            output["data"] = {"text/plain": _NEUTRALISED + source}
            return


def to_html(executed: str | os.PathLike[str], include_code: bool = False,
            resources: Mapping[str, Any] | None = None) -> str:
    """Render an executed notebook as offline HTML: no CDN scripts, no stderr, code hidden by default."""
    with _import_lock:
        import nbformat
        from nbconvert import HTMLExporter

    nb = nbformat.read(executed, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            # stderr carries warnings and log noise, never report content.
            cell.outputs = [o for o in cell.outputs if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
            for output in cell.outputs:
                _neutralise(output)
    title = (resources or {}).get("title")
    if title:
        nb.metadata["title"] = title
    exporter = HTMLExporter(template_name="presslens", extra_template_basedirs=[str(TEMPLATE_DIR)])
    exporter.exclude_input = not include_code
    exporter.exclude_input_prompt = not include_code
    exporter.exclude_output_prompt = True
    body, _ = exporter.from_notebook_node(nb, resources={"presslens": dict(resources or {})})
    return body
