"""``survey-engine run``: serve the web app.

With ``--workers 0`` (the default) Werkzeug's development server runs in this
process (threaded, no reloader). With ``--workers N`` gunicorn runs N worker
processes: the way to serve real traffic on Linux, against PostgreSQL.
The database is migrated to the newest schema first.
"""
from __future__ import annotations

from typing import Any

import click

from surveys import config


@click.command("run")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option(
    "--workers",
    default=0,
    show_default=True,
    type=click.IntRange(0, 64),
    help="0: Werkzeug development server; N: gunicorn with N worker processes.",
)
@click.option("--no-migrate", is_flag=True, help="Do not migrate the database before serving.")
def command(host: str, port: int, workers: int, no_migrate: bool) -> None:
    """Serve the respondent, analyst and API pages (DATABASE_URL or instance/)."""
    url = config.database_url()
    from surveys import db

    if not no_migrate:
        try:
            db.upgrade(url, "head")
        except Exception as exc:  # one clear line, exit 1
            raise click.ClickException(f"cannot migrate the database: {str(exc).splitlines()[0]}") from None
    else:
        # Serving on an older schema would fail request by request (a missing
        # column, or on PostgreSQL the page-save function): refuse up front.
        try:
            now, newest = db.current(url), db.head()
        except Exception as exc:
            raise click.ClickException(f"cannot read the database: {str(exc).splitlines()[0]}") from None
        if now != newest:
            raise click.ClickException(
                f"the database is at revision {now or 'base (empty)'}, this version needs {newest}: "
                "run `survey-engine db upgrade` first"
            )
    try:
        from webapp import create_app

        app = create_app()
    except Exception as exc:
        raise click.ClickException(f"cannot start the web app: {str(exc).splitlines()[0]}") from None
    click.echo(f"Serving on http://{host}:{port}/ (database: {_safe(url)}); Ctrl+C stops.")
    if workers:
        app.extensions["store"].engine.dispose()  # each worker connects itself
        _gunicorn(host, port, workers)
    else:
        from werkzeug.serving import WSGIRequestHandler, run_simple

        class _NoAddressLog(WSGIRequestHandler):
            # The request log names the page and status, never the client.
            def address_string(self) -> str:
                return "-"

        run_simple(
            host, port, app, threaded=True, use_reloader=False, use_debugger=False,
            request_handler=_NoAddressLog,
        )


def _safe(url: str) -> str:
    """The URL without its password."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _gunicorn(host: str, port: int, workers: int) -> None:
    from gunicorn.app.base import BaseApplication

    class _Server(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            # gunicorn's access log would write client addresses; keep it off.
            self.cfg.set("accesslog", None)
            # gunicorn's control socket sits at one path per user
            # (~/.gunicorn/gunicorn.ctl): a second instance on the same host
            # would take it over. Instances are managed by signals and pids.
            self.cfg.set("control_socket_disable", True)

        def load(self) -> Any:
            from webapp import create_app

            return create_app()  # in the worker, after the fork

    _Server().run()
