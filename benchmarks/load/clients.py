"""Simulated respondents for benchmarks on one server: each completes the
survey page by page like a browser without JavaScript (``complete_survey``),
run on threads (``run_clients``) or forked processes (``run_client_processes``)."""
from __future__ import annotations

import queue
import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import urljoin

from benchmarks.load.forms import fill, forward_button, parse_forms


class Failure(Exception):
    pass


@dataclass
class Tally:
    save_ms: list[float] = field(default_factory=list)
    requests: int = 0
    completed: int = 0
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, save_ms: list[float], requests: int, completed: bool, failure: str | None) -> None:
        with self.lock:
            self.save_ms.extend(save_ms)
            self.requests += requests
            self.completed += int(completed)
            if failure:
                self.failures.append(failure)


def complete_survey(base: str, slug: str, code: str, seed: int, session: Any = None,
                    think: float = 0.0) -> tuple[list[float], int, int]:
    """One respondent: enter the code, answer page by page, submit.
    Returns (page-save latencies in ms, requests sent, pages saved).
    ``session`` defaults to a ``requests.Session``; the profiler passes the
    app's test client behind the same interface. ``think``: mean seconds
    spent reading and answering each page before it is sent."""
    import requests

    pace = random.Random(seed)

    session = session or requests.Session()
    sent = 0
    saves: list[float] = []

    def get(url: str):
        nonlocal sent
        sent += 1
        r = session.get(url, allow_redirects=False, timeout=30)
        if r.status_code >= 400:
            raise Failure(f"GET {url} -> {r.status_code}")
        return r

    def post(url: str, data: list[tuple[str, str]]):
        nonlocal sent
        sent += 1
        r = session.post(url, data=data, allow_redirects=False, timeout=30)
        if r.status_code >= 400:
            raise Failure(f"POST {url} -> {r.status_code}: {r.text[:200]!r}")
        return r

    def follow(r, url: str):
        while r.is_redirect:
            url = urljoin(url, r.headers["Location"])
            r = get(url)
        return r, url

    url = f"{base}/s/{slug}/"
    r, url = follow(get(url), url)
    forms = [f for f in parse_forms(r.text) if "code" in f.texts]
    if not forms:
        raise Failure("no code form on the welcome page")
    form = forms[0]
    data = list(form.hidden.items()) + [("code", code)]
    button = forward_button(form)
    if button and button[0]:
        data.append(button)
    r, url = follow(post(urljoin(url, form.action) or url, data), url)

    for _ in range(60):
        page_forms = [f for f in parse_forms(r.text) if f.method == "post" and forward_button(f)]
        if not page_forms:
            return saves, sent, len(saves)  # no form moves on: the thank-you page
        form = page_forms[-1]
        data = fill(form, seed)
        name, value = forward_button(form)
        if name:
            data.append((name, value))
        target = urljoin(url, form.action) if form.action else url
        if think:
            time.sleep(think * pace.uniform(0.5, 1.5))
        t0 = time.perf_counter()
        r = post(target, data)
        if "/p/" in target:  # a question page (the review's submit is not a page save)
            saves.append((time.perf_counter() - t0) * 1000)
        if not r.is_redirect:
            raise Failure(f"page at {url} not accepted (status {r.status_code}, no redirect)")
        r, url = follow(r, target)
    raise Failure("more than 60 pages: the survey never ended")


def run_clients(jobs: list[Callable[[], tuple[list[float], int, bool]]], concurrency: int,
                deadline: float) -> tuple[Tally, float]:
    """Runs the jobs on ``concurrency`` threads until done or past the deadline."""
    work: queue.Queue = queue.Queue()
    for job in jobs:
        work.put(job)
    tally = Tally()

    def worker() -> None:
        while time.monotonic() < deadline:
            try:
                job = work.get_nowait()
            except queue.Empty:
                return
            try:
                lat, sent, ok = job()
                tally.add(lat, sent, ok, None)
            except Exception as exc:  # counted and reported, never hidden
                tally.add([], 0, False, f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()) + 35)
    return tally, time.perf_counter() - t0


def run_client_processes(jobs: list[Callable[[], tuple[list[float], int, bool]]], concurrency: int,
                         deadline: float, processes: int) -> tuple[Tally, float, float]:
    """Runs the jobs on ``concurrency`` threads spread over ``processes``
    forked client processes (one process: threads in this one). Returns the
    tally, the elapsed seconds and the CPU seconds the clients used.

    Many client threads in one process queue for its GIL: a thread whose
    response has arrived may wait for other threads' HTML parsing before it
    can stop its clock, which would count in the server's latency. Separate
    processes, like separate phones, do not wait for each other."""
    if processes <= 1:
        cpu0 = time.process_time()
        tally, elapsed = run_clients(jobs, concurrency, deadline)
        return tally, elapsed, time.process_time() - cpu0
    import multiprocessing

    fork = multiprocessing.get_context("fork")
    results = fork.Queue()

    def child(k: int) -> None:
        threads = concurrency // processes + (1 if k < concurrency % processes else 0)
        part, _ = run_clients(jobs[k::processes], threads, deadline)
        results.put((part.save_ms, part.requests, part.completed, part.failures, time.process_time()))

    children = [fork.Process(target=child, args=(k,), daemon=True) for k in range(processes)]
    t0 = time.perf_counter()
    for c in children:
        c.start()
    tally, cpu = Tally(), 0.0
    for _ in children:
        save_ms, requests, completed, failures, used = results.get(timeout=max(1.0, deadline - time.monotonic()) + 60)
        tally.save_ms += save_ms
        tally.requests += requests
        tally.completed += completed
        tally.failures += failures
        cpu += used
    elapsed = time.perf_counter() - t0
    for c in children:
        c.join(10)
    return tally, elapsed, cpu
