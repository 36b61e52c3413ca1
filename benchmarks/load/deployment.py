"""The reference deployment on loopback, for the production test and the
fault and load benchmarks: nginx with a self-signed certificate in front of
app instances (``survey-engine run --workers N``, gunicorn), their OWN
PostgreSQL cluster (initdb in a temporary folder with Debian's binaries) and
their OWN redis-server, each on a free port. Every process is started here
and stopped by its pid; nothing touches the machine's own services.

nginx's site configuration is ``deploy/nginx/survey-engine.conf.template``,
rendered with the ports and files of this run.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "deploy" / "nginx" / "survey-engine.conf.template"
ENGINE = str(Path(sys.executable).with_name("survey-engine"))
SECRET = "production-test-secret-key-0123456789abcdef"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(check, what: str, timeout: float = 60.0, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if check():
                return
        except Exception:
            pass
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{what}: process exited with {proc.returncode}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what}: not ready after {timeout:.0f} s")
        time.sleep(0.1)


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _stop_pid(pid: int, sig: int = signal.SIGTERM, timeout: float = 20.0,
              proc: subprocess.Popen | None = None) -> None:
    """Send ``sig`` to ``pid`` and wait for it to end (SIGKILL after ``timeout``).
    ``proc``: the Popen when ``pid`` is our child (it must be reaped)."""
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        return
    if proc is not None:
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pid):
            return
        time.sleep(0.05)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for its parent to reap it counts as ended)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def children(pid: int) -> list[int]:
    """Direct child processes of ``pid`` (gunicorn's workers), from /proc."""
    found = []
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            text = Path(stat).read_text()
        except OSError:
            continue
        fields = text.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            found.append(int(stat.split("/")[2]))
    return sorted(found)


# ------------------------------------------------------------------ PostgreSQL
def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(p.split("/")[4]))
    if not found:
        raise RuntimeError(f"{name} not found under /usr/lib/postgresql (Debian's postgresql package)")
    return found[-1]


@dataclass
class PostgresCluster:
    """A private PostgreSQL cluster: initdb in ``folder``, own port."""

    folder: Path
    port: int = field(default_factory=free_port)

    def __post_init__(self) -> None:
        self.data = self.folder / "data"
        self.socket_dir = self.folder / "run"
        self.log = self.folder / "postgres.log"
        self._as_postgres = os.geteuid() == 0  # initdb refuses to run as root
        for path in (self.folder, self.socket_dir):
            path.mkdir(parents=True, exist_ok=True)
        if self._as_postgres:
            user = pwd.getpwnam("postgres")
            for path in (self.folder, self.socket_dir):
                os.chown(path, user.pw_uid, user.pw_gid)
        self._run([_pg_bin("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                   "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"])

    def _run(self, args: list[str], check: bool = True) -> subprocess.CompletedProcess[str]:
        if self._as_postgres:
            args = ["runuser", "-u", "postgres", "--", *args]
        return subprocess.run(args, capture_output=True, text=True, check=check)

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    @property
    def pid(self) -> int | None:
        try:
            return int((self.data / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def start(self) -> None:
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.socket_dir} "
                   "-c max_connections=60 -c shared_buffers=64MB")
        done = self._run([_pg_bin("pg_ctl"), "start", "-w", "-t", "60", "-D", str(self.data),
                          "-l", str(self.log), "-o", options], check=False)
        if done.returncode != 0:
            raise RuntimeError(f"PostgreSQL did not start: {done.stderr or done.stdout}\n{self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        """Fast shutdown of this cluster's postmaster, by its pid."""
        pid = self.pid
        if pid:
            _stop_pid(pid, signal.SIGINT, timeout=30)

    def restart(self) -> None:
        self.stop()
        self.start()

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


# ------------------------------------------------------------------ Redis
@dataclass
class RedisServer:
    folder: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder), "--protected-mode", "yes"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait(lambda: _port_open(self.port), "redis-server", proc=self.proc)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            _stop_pid(self.proc.pid, proc=self.proc)


# ------------------------------------------------------------------ app instances
@dataclass
class AppInstance:
    """``survey-engine run --workers N`` (gunicorn) on its own port."""

    env: dict[str, str]
    workers: int = 2
    port: int = field(default_factory=free_port)
    log: Path | None = None
    proc: subprocess.Popen | None = None

    def start(self, migrate: bool = False) -> None:
        args = [ENGINE, "run", "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(self.workers)]
        if not migrate:
            args.append("--no-migrate")
        out = open(self.log, "ab") if self.log else subprocess.DEVNULL
        self.proc = subprocess.Popen(args, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        _wait(lambda: self.get("/healthz") == 200, f"app instance on port {self.port}", proc=self.proc)
        _wait(lambda: len(self.workers_pids()) >= self.workers, "gunicorn workers", proc=self.proc)

    def get(self, path: str) -> int:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=5) as r:
                return r.status
        except urllib.error.HTTPError as e:
            return e.code

    def workers_pids(self) -> list[int]:
        return children(self.proc.pid) if self.proc and self.proc.poll() is None else []

    def kill_worker(self) -> int:
        """SIGKILL one gunicorn worker (the master starts a new one)."""
        pid = self.workers_pids()[0]
        os.kill(pid, signal.SIGKILL)
        return pid

    def kill(self) -> None:
        """The whole instance dies at once: master and workers, SIGKILL."""
        if self.proc and self.proc.poll() is None:
            pids = self.workers_pids()
            os.kill(self.proc.pid, signal.SIGKILL)
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            pids = self.workers_pids()
            _stop_pid(self.proc.pid, signal.SIGINT, proc=self.proc)  # gunicorn: quick shutdown
            for pid in pids:
                _stop_pid(pid, signal.SIGKILL, timeout=5)


# ------------------------------------------------------------------ nginx
def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
    if not found:
        raise RuntimeError("nginx missing: run scripts/install-nginx.sh (make test does)")
    return found


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
        check=True, capture_output=True)
    return cert, key


def render_site(values: dict[str, str]) -> str:
    """The deploy/ template with only its own ${NAMES} replaced."""
    text = TEMPLATE.read_text(encoding="utf-8")
    for name, value in values.items():
        text = text.replace("${" + name + "}", value)
    if "${" in text:
        missing = sorted({part.split("}")[0] for part in text.split("${")[1:]})
        raise RuntimeError(f"template variables left: {missing}")
    return text


@dataclass
class Nginx:
    folder: Path
    upstreams: list[int]
    https_port: int = field(default_factory=free_port)
    http_port: int = field(default_factory=free_port)
    proc: subprocess.Popen | None = None

    def __post_init__(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        os.chmod(self.folder, 0o755)
        self.cert, self.key = self_signed_certificate(self.folder)
        state = self.folder / "state"
        for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (state / sub).mkdir(parents=True, exist_ok=True)
            os.chmod(state / sub, 0o777)
        os.chmod(state, 0o755)
        site = render_site({
            "SERVER_NAME": "127.0.0.1 localhost",
            "PUBLIC_HOST": f"127.0.0.1:{self.https_port}",
            "HTTP_PORT": f"127.0.0.1:{self.http_port}",
            "HTTPS_PORT": f"127.0.0.1:{self.https_port}",
            "TLS_CERT": str(self.cert),
            "TLS_KEY": str(self.key),
            "APP_1": f"127.0.0.1:{self.upstreams[0]}",
            "APP_2": f"127.0.0.1:{self.upstreams[1]}",
            "STATE_DIR": str(state),
            "PAGES_DIR": str(TEMPLATE.parent),
        })
        (self.folder / "site.conf").write_text(site)
        (self.folder / "nginx.conf").write_text(
            "worker_processes 1;\n"
            f"pid {self.folder / 'nginx.pid'};\n"
            f"error_log {self.folder / 'error.log'} warn;\n"
            "events { worker_connections 1024; }\n"
            "http {\n"
            "    default_type application/octet-stream;\n"
            f"    include {self.folder / 'site.conf'};\n"
            "}\n")

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    def start(self) -> None:
        binary = nginx_binary()
        check = subprocess.run([binary, "-t", "-p", str(self.folder), "-c", str(self.folder / "nginx.conf")],
                               capture_output=True, text=True)
        if check.returncode != 0:
            raise RuntimeError(f"nginx configuration refused: {check.stderr}")
        self.proc = subprocess.Popen([binary, "-p", str(self.folder), "-c", str(self.folder / "nginx.conf"),
                                      "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait(lambda: _port_open(self.https_port), "nginx", proc=self.proc)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            _stop_pid(self.proc.pid, signal.SIGQUIT, proc=self.proc)


# ------------------------------------------------------------------ the whole
@dataclass
class Deployment:
    """nginx + two app instances + own PostgreSQL + own Redis, on loopback."""

    folder: Path
    workers: int = 2
    database: str = "surveys"

    def __post_init__(self) -> None:
        self.pg = PostgresCluster(self.folder / "pg")
        self.redis = RedisServer(self.folder)
        self.apps: list[AppInstance] = []
        self.nginx: Nginx | None = None

    @property
    def database_url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.pg.port}/{self.database}"

    def app_env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "REDIS_URL"))}
        env.update({
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis.url,
            "SECRET_KEY": SECRET,
            "TRUSTED_PROXIES": "1",
            "SURVEY_ENGINE_INSTANCE": str(self.folder / "instance"),
            "PYTHONUNBUFFERED": "1",
        })
        return env

    def start(self) -> None:
        """Start everything; the database is created and migrated."""
        from sqlalchemy import create_engine, text
        from sqlalchemy.pool import NullPool

        from surveys import db

        self.pg.start()
        admin = create_engine(self.pg.url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{self.database}"'))
        admin.dispose()
        db.upgrade(self.database_url, "head")
        self.redis.start()
        env = self.app_env()
        self.apps = [AppInstance(env, self.workers, log=self.folder / f"app{i}.log") for i in (1, 2)]
        for app in self.apps:
            app.start()
        self.nginx = Nginx(self.folder / "nginx", [a.port for a in self.apps])
        self.nginx.start()

    def stop(self) -> None:
        """Stop everything (the app instances are killed: nothing is in flight)."""
        for app in self.apps:
            try:
                app.kill()
            except Exception:
                pass
        for part in (self.nginx, self.redis):
            if part is not None:
                try:
                    part.stop()
                except Exception:
                    pass
        self.pg.stop()

    def logs(self) -> str:
        """The apps' output (for a failing test's report)."""
        return "\n".join(p.read_text(errors="replace")[-3000:] for p in sorted(self.folder.glob("app*.log")))


def new_folder(prefix: str = "survey-prod-") -> Path:
    """A temporary folder others may traverse (PostgreSQL runs as postgres, nginx workers as nobody)."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    os.chmod(path, 0o755)
    return path
