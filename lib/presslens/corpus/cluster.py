"""Running partitions on a Dask cluster: a local one (``--jobs N``) or an existing one (``--scheduler``).
"""

from __future__ import annotations


import contextlib
import os
from collections.abc import Iterator
from typing import Any

import pandas as pd


def local_cluster_config() -> dict[str, Any]:
    """Dask settings for the local cluster of ``--jobs N``.

    Workers do not sample their stacks (every 10 ms) or watch the GIL (every
    1 ms): diagnostics for a dashboard nobody looks at here. And they start
    without ``MALLOC_TRIM_THRESHOLD_``, which Dask sets to hand memory back
    to the system: setting it turns off glibc's adaptive mmap threshold, so
    every temporary array of the attribution model is freshly mapped memory,
    page-faulted in; numpy arithmetic ran ten times slower and two workers
    needed 70% more CPU than one process for the same documents. (Workers of
    an existing cluster, ``--scheduler``, keep the settings they were started with.)

    >>> "MALLOC_TRIM_THRESHOLD_" in local_cluster_config()["distributed.nanny.pre-spawn-environ"]
    False
    """
    import dask
    import distributed  # noqa: F401 - registers the distributed.* defaults read here

    environ = {k: v for k, v in (dask.config.get("distributed.nanny.pre-spawn-environ", None) or {}).items()
               if k != "MALLOC_TRIM_THRESHOLD_"}
    return {"distributed.worker.profile.enabled": False, "distributed.admin.system-monitor.gil.enabled": False,
            "distributed.nanny.pre-spawn-environ": environ}


def run_on_dask(tasks: Iterator[tuple[str, pd.DataFrame]], annotate, options: dict[str, Any], record, jobs: int,
                scheduler: str | None) -> None:
    """Run ``annotate(records, **options)`` on every partition of ``tasks``, passing each result to ``record``."""
    import logging
    import tempfile

    import dask
    from distributed import Client, LocalCluster, as_completed

    for name in ("distributed", "distributed.worker", "distributed.scheduler", "distributed.nanny"):
        logging.getLogger(name).setLevel(logging.ERROR)
    with contextlib.ExitStack() as stack:
        stack.enter_context(dask.config.set(local_cluster_config()))
        if scheduler:
            client = stack.enter_context(Client(scheduler))
        else:
            # The workers' scratch space (and Dask's lock files in it) goes with the run.
            scratch = stack.enter_context(tempfile.TemporaryDirectory(prefix="presslens-dask-"))
            stack.enter_context(dask.config.set({"temporary-directory": scratch}))
            with _workers_quiet():
                cluster = stack.enter_context(LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                                                           dashboard_address=":0", silence_logs=logging.ERROR,
                                                           local_directory=scratch))
            # Run first when leaving: killed workers let the cluster close at once.
            stack.push(lambda kind, exc, tb: _kill_workers(cluster, kind is not None))
            client = stack.enter_context(Client(cluster))
        n_workers = max(1, len(client.scheduler_info().get("workers", {})) or jobs)
        # Two partitions per worker in flight: workers never idle, and the
        # driver holds at most 2 x workers partitions of text, whatever the corpus size.
        # The parties text travels with each task (small); workers parse it once (lru_cache).
        limit = 2 * n_workers
        pending: dict[Any, tuple[str, pd.DataFrame]] = {}
        queue = as_completed()

        def submit_next() -> bool:
            try:
                name, records = next(tasks)
            except StopIteration:
                return False
            fut = client.submit(annotate, records, **options, key=f"annotate-{name}-{os.getpid()}",
                                pure=False)
            pending[fut] = (name, records)
            queue.add(fut)
            return True

        while len(pending) < limit and submit_next():
            pass
        for fut in queue:
            name, records = pending.pop(fut)
            record(name, records, fut.result())
            fut.release()
            submit_next()


@contextlib.contextmanager
def _workers_quiet() -> Iterator[None]:
    """Start the cluster's worker processes with their error output going nowhere.

    The terminal sends Ctrl-C to every process of the command: a worker
    still importing its modules would print a traceback of its own, while
    the command, not each worker, decides what happens (it kills them).
    Workers inherit this process's error output at their start, so it
    points to ``/dev/null`` while they start; their failures still reach the
    command as the failed tasks' exceptions.
    """
    import sys

    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    except BaseException:
        # Interrupted while the cluster starts: workers being spawned would
        # print their own tracebacks once the error output is back, and the
        # cluster its failed start.
        _silence_cluster()
        _kill_children()
        raise
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def _silence_cluster() -> None:
    """The cluster then stops around dead workers: what it logs about them is no news."""
    import logging

    for name in ("distributed", "asyncio", "tornado"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def _kill_children() -> None:
    """Kill this process's child processes (the workers of a cluster being started) and reap them."""
    from multiprocessing import resource_tracker

    import psutil  # a dependency of distributed

    # The resource tracker stays: it removes the semaphores the workers leave.
    tracker = getattr(resource_tracker._resource_tracker, "_pid", None)
    children = [c for c in psutil.Process().children(recursive=True) if c.pid != tracker]
    for child in children:
        with contextlib.suppress(psutil.Error):
            child.kill()
    psutil.wait_procs(children, timeout=2)


def _kill_workers(cluster, stopped_early: bool) -> None:
    """Kill the local cluster's worker processes at once when the run stops early (an interrupt)."""
    if not stopped_early:
        return
    _silence_cluster()
    for nanny in list(getattr(cluster, "workers", {}).values()):
        proc = getattr(getattr(nanny, "process", None), "process", None)
        with contextlib.suppress(Exception):
            proc.kill()
