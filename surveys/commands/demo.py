"""``survey-engine demo``: the synthetic demo waves, as CSV files or a database.

``demo --out DIR`` writes one CSV per wave (the format ``score`` reads).
``demo`` alone builds the demo database (``DATABASE_URL`` or the instance
SQLite file): migrates it, registers the three instruments, creates the waves
(imported 2014-2016 waves; open waves of the current year, each already
holding a season's synthetic answers so that its results and yearly report
read as a real wave's, and still taking answers), the analyst
``analyst@example.org`` with a fresh random password, and issues a sample code.
Running it again adds nothing twice: existing waves are kept, a new password
and a new sample code are issued.
"""
from __future__ import annotations

import datetime as dt
import secrets
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from surveys.commands.progress import EXIT_CODES, progress

if TYPE_CHECKING:
    from surveys.instrument import Instrument
    from surveys.store import Store
    from surveys.synthetic import Wave

ANALYST_EMAIL = "analyst@example.org"
BASE_URL = "http://127.0.0.1:5000"
#: Codes issued for the open cannabis wave on the first run (tagged by school).
FIRST_CODES = 30
#: Respondents of the open cannabis wave who answer through codes on the first run.
FIRST_ANSWERS = 8


@click.command("demo", epilog=EXIT_CODES)
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Write the synthetic waves as CSV files into DIR instead.")
@click.option("--seed", type=int, default=None, help="Seed of the synthetic waves.")
@click.option("--quiet", "-q", is_flag=True,
              help="No progress bar and, with --out, no list of files (the database's login is still printed).")
def command(out_dir: str | None, seed: int | None, quiet: bool) -> None:
    """Build the demo database, or write the demo waves as CSV (--out)."""
    from surveys import synthetic
    from surveys.loader import InstrumentError, load_all

    try:
        instruments = load_all()
    except InstrumentError as exc:
        for e in exc.errors:
            click.echo(str(e), err=True)
        sys.exit(1)
    waves = synthetic.demo_waves(instruments, synthetic.SEED if seed is None else seed)
    try:
        if out_dir is not None:
            write_csvs(Path(out_dir), waves, instruments, quiet)
        else:
            build_database(waves, instruments, quiet, seed)
    except _DemoError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)


class _DemoError(Exception):
    """An expected failure, reported in one line."""


def write_csvs(out: Path, waves: list["Wave"], instruments: dict[str, "Instrument"], quiet: bool = False) -> None:
    """Write one CSV per wave into ``out`` and say what was written."""
    from surveys.synthetic import write_csv

    try:
        out.mkdir(parents=True, exist_ok=True)
        for wave in progress(waves, desc="writing waves", unit="wave", quiet=quiet):
            instrument = instruments[wave.instrument_id]
            path = out / f"{wave.name}.csv"
            rows = write_csv(wave, instrument, path)
            if not quiet:
                click.echo(f"wrote {path} ({rows} respondents, instrument {instrument.id} "
                           f"{instrument.version})")
    except OSError as exc:
        raise _DemoError(f"{out}: cannot write ({exc.strerror or exc})") from None
    if quiet:
        return
    click.echo("The data are synthetic; the school names are fictional. "
               f"Score one with: survey-engine score --instrument instruments/"
               f"{waves[0].instrument_id}.yaml --responses {out / waves[0].name}.csv --format table")


# --- the database ---------------------------------------------------------------

def _plan(waves: list["Wave"]) -> list[dict[str, Any]]:
    """The demo surveys: slug, wave (imported) or None, mode, open; a wave
    without imported answers names its survey year (an imported one has its
    wave's year)."""
    by_name = {w.name: w for w in waves}
    return [
        {"slug": "cannabis-2014", "wave": by_name["cannabis-2014"], "mode": "codes", "open": False},
        {"slug": "cannabis-2018", "wave": None, "instrument": "cannabis-attityd", "mode": "codes",
         "open": True, "label": "Cannabisenkäten 2018 (demo, pågår)", "year": 2018},
        {"slug": "trygghet-2014", "wave": by_name["trygghet-2014"], "mode": "open", "open": False},
        {"slug": "trygghet", "wave": None, "instrument": "trygghet", "mode": "open", "open": True,
         "label": "Trygghetsundersökning (demo, öppen länk)", "year": 2018},
        {"slug": "medborgardialog-2015", "wave": by_name["medborgardialog-2015"], "mode": "open",
         "open": False},
        {"slug": "medborgardialog-2016", "wave": by_name["medborgardialog-2016"], "mode": "open",
         "open": False},
        {"slug": "medborgardialog", "wave": None, "instrument": "medborgardialog", "mode": "open",
         "open": True, "label": "Medborgardialog (demo, öppen länk)", "year": 2017},
    ]


def _dated(records: list[dict[str, Any]], year: int) -> list[dict[str, Any]]:
    """The records with a submission day spread over March-April of ``year``."""
    start = dt.date(year, 3, 3)
    return [{**rec, "submitted_on": start + dt.timedelta(days=k % 50)}
            for k, rec in enumerate(records)]


def _season(slug: str, instruments: dict[str, "Instrument"], by_name: dict[str, "Wave"],
            seed: int) -> "Wave":
    """The synthetic answers an open demo wave already holds."""
    from surveys import synthetic

    if slug == "cannabis-2018":
        return by_name["cannabis-2018"]
    if slug == "trygghet":
        return synthetic.trygghet_wave(instruments["trygghet"], 2018, seed)
    return synthetic.medborgardialog_wave(instruments["medborgardialog"], 2017, seed)


def build_database(waves: list["Wave"], instruments: dict[str, "Instrument"], quiet: bool = False,
                   seed: int | None = None) -> None:
    """Create (or top up) the demo database and print what it holds."""
    from surveys import accounts, config, db
    from surveys.store import Store, StoreError
    from surveys.synthetic import SCHOOLS, SEED

    url = config.database_url()
    try:
        db.upgrade(url)
        store = Store(db.make_engine(url), config.secret_key())
        shas = {}
        for inst_id, instrument in instruments.items():
            source = Path(instrument.path).read_text(encoding="utf-8")
            shas[inst_id] = store.register_instrument(instrument, source)
        existing = {s.slug for s in store.surveys()}
        lines = []
        by_name = {w.name: w for w in waves}
        plan = _plan(waves)
        for entry in progress(plan, total=len(plan), desc="building demo waves", unit="wave", quiet=quiet):
            slug, wave = entry["slug"], entry["wave"]
            inst_id = wave.instrument_id if wave else entry["instrument"]
            if slug in existing:
                submitted = store.progress(slug)["total"]["submitted"]
                if wave is None or submitted:
                    lines.append((slug, f"kept (already there, {submitted} submitted)"))
                    continue
                # created by an earlier run whose import failed: import now
                count = store.import_responses(slug, _dated(wave.records, wave.year))
                lines.append((slug, f"imported {count} synthetic responses"))
                continue
            presets = {"school": list(SCHOOLS)} if inst_id == "cannabis-attityd" else {}
            store.create_survey(slug=slug, instrument_sha256=shas[inst_id],
                                label=wave.label if wave else entry["label"], mode=entry["mode"],
                                presets=presets, is_open=entry["open"],
                                year=wave.year if wave else entry["year"])
            if wave is not None:
                count = store.import_responses(slug, _dated(wave.records, wave.year))
                lines.append((slug, f"imported {count} synthetic responses"))
                continue
            season = _season(slug, instruments, by_name, SEED if seed is None else seed)
            answered: list[dict[str, Any]] = []
            if slug == "cannabis-2018":
                answered = first_pupils(season)
                issued = _first_codes(store, instruments[inst_id], answered)
            rest = [r for r in season.records if all(r is not a for a in answered)]
            count = store.import_responses(slug, _dated(rest, entry["year"]))
            if slug == "cannabis-2018":
                lines.append((slug, f"{issued} codes issued by school, {len(answered)} answered through "
                                    f"codes, {count} synthetic responses imported"))
            else:
                lines.append((slug, f"created with {count} synthetic responses"))
        password = _analyst(store, [e["slug"] for e in _plan(waves)])
        # a tagged batch has at least min_n codes (docs/privacy.md); one is printed
        min_n = instruments["cannabis-attityd"].suppression_min_n
        sample = store.issue_codes("cannabis-2018", min_n, tags={"school": SCHOOLS[0]})[0]
    except (StoreError, accounts.AccountError) as exc:
        raise _DemoError(f"demo database: {exc}") from None
    _report(store, url, lines, password, sample)


def first_pupils(wave: "Wave") -> list[dict[str, Any]]:
    """The synthetic pupils of the open cannabis wave who answer through
    codes, page by page, on the first run (the first few of three schools)."""
    from surveys.synthetic import SCHOOLS

    pupils: list[dict[str, Any]] = []
    for k, school in enumerate(SCHOOLS[:3]):
        answering = FIRST_ANSWERS // 3 + (1 if k < FIRST_ANSWERS % 3 else 0)
        pupils += [r for r in wave.records if r.get("school") == school][:answering]
    return pupils


def _first_codes(store: "Store", instrument: "Instrument", pupils: list[dict[str, Any]]) -> int:
    """Issue codes for the open cannabis wave (tagged by school) and let
    ``pupils`` answer page by page through them and submit."""
    from surveys.synthetic import SCHOOLS

    per_school = FIRST_CODES // 3
    issued = 0
    for school in SCHOOLS[:3]:
        codes = store.issue_codes("cannabis-2018", per_school, tags={"school": school})
        issued += len(codes)
        for code, record in zip(codes, [p for p in pupils if p.get("school") == school]):
            handle = store.begin("cannabis-2018", code=code)
            for page in instrument.pages:
                if page.show_if is not None and not page.show_if.evaluate(record):
                    continue
                values = {i.id: _stored(instrument, i, record[i.id]) for i in page.items
                          if i.id in record and i.options_from != "preset"}
                store.save_page(handle.id, page.id, values)
            store.submit(handle.id)
    return issued


def _stored(instrument: "Instrument", item, value: Any) -> Any:
    """A group item's label back to its code (the form posts codes)."""
    if item.group and isinstance(value, str):
        scale = instrument.response_scale(item)
        for option in scale.options if scale else ():
            if option.label.get() == value:
                return option.code
    return value


def _analyst(store: "Store", slugs: list[str]) -> str:
    """Create the demo analyst, or give it a new password; grant the demo surveys."""
    from surveys import accounts

    password = secrets.token_urlsafe(12)
    user = accounts.user_by_email(store, ANALYST_EMAIL)
    if user is None:
        user = accounts.create_user(store, ANALYST_EMAIL, "analyst", password)
    else:
        accounts.set_password(store, user.id, password)
    for slug in slugs:
        accounts.grant_survey(store, user.id, slug)
    return password


def _report(store: "Store", url: str, lines: list[tuple[str, str]], password: str,
            sample: str) -> None:
    shown = url
    if "@" in shown and "://" in shown:  # never print a database password
        scheme, rest = shown.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        shown = f"{scheme}://{creds.split(':', 1)[0]}@{host}"
    click.echo(f"Demo database: {shown}")
    click.echo("Surveys (synthetic data; the school names are fictional):")
    states = {s.slug: s for s in store.surveys()}
    width = max(len(slug) for slug, _ in lines)
    for slug, what in lines:
        s = states[slug]
        click.echo(f"  {slug.ljust(width)}  {s.instrument_id} {s.instrument_version}, {s.mode}, "
                   f"{'open' if s.is_open else 'closed'}: {what}")
    click.echo(f"Analyst login: {BASE_URL}/analyst/login  e-mail {ANALYST_EMAIL}  "
               f"password {password}")
    click.echo(f"Sample code for cannabis-2018: {sample}  at {BASE_URL}/s/cannabis-2018/")
    click.echo(f"Open links: {BASE_URL}/s/trygghet/  {BASE_URL}/s/medborgardialog/")
