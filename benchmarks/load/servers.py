"""A gunicorn server for a benchmark, with its CPU time read from /proc."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.load.deployment import ROOT, free_port


class Gunicorn:
    """``gunicorn APP`` with 2 workers on 127.0.0.1:<free port>."""

    def __init__(self, app: str, env: dict[str, str], workers: int, worker_class: str,
                 threads: int, log: Path, keep_alive: int = 2) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        cmd = [sys.executable, "-m", "gunicorn", "--workers", str(workers),
               "--worker-class", worker_class, "--threads", str(threads),
               "--bind", f"127.0.0.1:{self.port}", "--pythonpath", f"{ROOT},{ROOT / 'benchmarks'}",
               "--backlog", "2048", "--timeout", "60", "--keep-alive", str(keep_alive), "--log-level", "warning", "--error-logfile", "-", app]
        self.log = log
        self.proc = subprocess.Popen(cmd, env={**os.environ, **env}, cwd=ROOT,
                                     stdout=log.open("wb"), stderr=subprocess.STDOUT)

    def wait_ready(self, path: str, timeout: float = 60) -> None:
        import requests

        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise SystemExit(f"gunicorn exited:\n{self.log.read_text()[-2000:]}")
            try:
                requests.get(self.url + path, timeout=10)
                return
            except requests.RequestException:
                time.sleep(0.2)
        raise SystemExit(f"gunicorn did not answer within {timeout} s")

    def cpu_seconds(self) -> float:
        """CPU seconds (user + system) the master and its live workers used."""
        tick = os.sysconf("SC_CLK_TCK")
        total = 0.0
        for pid in [self.proc.pid, *self._workers()]:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
        return total

    def _workers(self) -> list[int]:
        try:
            return [int(x) for x in Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()]
        except OSError:
            return []

    def settle(self, workers: int, timeout: float = 30) -> None:
        """Wait until every worker has booted and the server is idle, so that
        :meth:`cpu_seconds` from now on counts requests, not imports."""
        end = time.monotonic() + timeout
        last = -1.0
        while time.monotonic() < end:
            time.sleep(0.3)
            now = self.cpu_seconds()
            if len(self._workers()) >= workers and now - last < 0.005:
                return
            last = now

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
