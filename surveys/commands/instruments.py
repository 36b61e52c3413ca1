"""``survey-engine instruments check|show|import-xlsform|export-xlsform``:
validate, describe, and move instruments to and from XLSForm spreadsheets.

Exit codes: 0 done, 1 refused input (every problem printed as one line,
nothing written), 2 wrong usage."""
from __future__ import annotations

import dataclasses
import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from surveys.commands.progress import EXIT_CODES
from surveys.instrument import Instrument, Text
from surveys.loader import InstrumentError, instrument_files, instruments_dir, load_all, load_instrument
from surveys.xlsform import XLSFormError, import_xlsform


def _display(path: Path) -> str:
    """``path`` relative to the working directory when it lies below it."""
    try:
        return os.path.relpath(path) if path.resolve().is_relative_to(Path.cwd().resolve()) else str(path)
    except (OSError, ValueError):
        return str(path)


def _expand(paths: tuple[str, ...]) -> list[str]:
    """Files to check: the given paths, a directory standing for its ``*.yaml`` files."""
    if not paths:
        return [_display(p) for p in instrument_files()]
    out: list[str] = []
    for raw in paths:
        p = Path(raw)
        found = instrument_files(p) if p.is_dir() else []
        # A directory without *.yaml files stays in the list and is reported as one.
        if found:
            out.extend(str(p / f.name) for f in found)
        else:
            out.append(raw)
    return out




@click.group("instruments", epilog=EXIT_CODES)
def command() -> None:
    """Check, show, import and export instruments (YAML and XLSForm)."""


@command.command("check", epilog=EXIT_CODES)
@click.argument("paths", nargs=-1)
def check(paths: tuple[str, ...]) -> None:
    """Validate instrument files (default: all in instruments/; an .xlsx is an XLSForm); exit 1 if any is bad."""
    files = _expand(paths)
    if not files:
        click.echo(f"no instrument files in {_display(instruments_dir())}", err=True)
        sys.exit(1)
    bad = 0
    for file in files:
        try:
            inst = _load_any(file)
        except InstrumentError as exc:
            bad += 1
            for err in exc.errors:
                click.echo(str(err), err=True)
            continue
        except XLSFormError as exc:
            bad += 1
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            continue
        except Exception as exc:  # a bug of ours must still not print a traceback
            bad += 1
            click.echo(f"{file}: internal error while checking: {type(exc).__name__}: {exc}", err=True)
            continue
        click.echo(f"ok {file} ({inst.id} {inst.version} sha256 {inst.sha256[:12]})")
    if bad:
        click.echo(f"{bad} of {len(files)} instrument file(s) have errors", err=True)
        sys.exit(1)


def _load_any(file: str) -> Instrument:
    """The instrument in ``file``: YAML, or an XLSForm (.xlsx)."""
    if file.lower().endswith(".xlsx"):
        return import_xlsform(file).instrument
    return load_instrument(file)


def _find(ident: str) -> Instrument:
    """The bundled instrument ``ident``, or the instrument in file ``ident`` (YAML or .xlsx)."""
    if ident.lower().endswith((".yaml", ".yml", ".xlsx")) or os.sep in ident:
        return _load_any(ident)
    file = instruments_dir() / f"{ident}.yaml"
    if file.is_file():
        inst = load_instrument(file)
        if inst.id == ident:
            return inst
    found = load_all()
    if ident not in found:
        raise click.ClickException(f"unknown instrument '{ident}' (known: {', '.join(sorted(found))})")
    return found[ident]


def _plain(value: Any) -> Any:
    """The model as JSON-ready data (Text -> {lang: text})."""
    if isinstance(value, Text):
        return dict(value.values)
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _summary(inst: Instrument, lang: str) -> list[str]:
    out = [f"{inst.id} {inst.version}  {inst.title.get(lang)}",
           f"  file {inst.path}", f"  sha256 {inst.sha256}",
           f"  languages {', '.join(inst.languages)}; suppression below n={inst.suppression_min_n}",
           f"  {len(inst.pages)} pages, {len(inst.items)} items "
           f"({sum(i.reconstructed for i in inst.items)} with reconstructed wording)"]
    for page in inst.pages:
        cond = f"  [shown if {_cond(page.show_if)}]" if page.show_if else ""
        out.append(f"  page {page.id}: {page.title.get(lang)}{cond}")
        for item in page.items:
            what = item.scale or ("preset" if item.options_from == "preset" else "")
            if item.kind == "number":
                what = f"{item.min}-{item.max}" + (f" ({item.decimals} dec.)" if item.decimals else "")
            extra = f" group={item.group}" if item.group else ""
            extra += f" [shown if {_cond(item.show_if)}]" if item.show_if else ""
            out.append(f"    {item.id:<22} {item.kind:<6} {what:<16}{extra}  {item.text.get(lang)}")
    for scale in inst.scales.values():
        out.append(f"  scale {scale.id} ({scale.method}, {scale.response_min}-{scale.response_max}): "
                   f"{', '.join(scale.items)}; reversed {', '.join(scale.reversed) or '-'}; "
                   f"min answered {scale.min_answered}"
                   + (f"; baseline {scale.baseline.value:g} ({scale.baseline.year})" if scale.baseline else "")
                   + (f"; target {scale.target.value:g}" if scale.target else ""))
    for share in inst.shares.values():
        base = ""
        if share.baseline:
            base = f"; baseline {share.baseline.value:g}" + (" (assumption)" if share.baseline.assumption else "")
        target = f"; target {share.target.value:g}" if share.target else ""
        out.append(f"  share {share.id}: {share.item} in {list(share.codes)}{base}{target}")
    for index in inst.indices.values():
        out.append(f"  index {index.id}: {len(index.variables)} variables, min answers {index.min_answers}"
                   + (f", baseline {index.baseline.value:g}" if index.baseline else "")
                   + (f", goal <= {index.goal_max:g}" if index.goal_max is not None else ""))
        lo = 0.0
        for level in index.levels:
            out.append(f"    level {lo:g}-{level.max:g} {level.colour} {level.label.get(lang)}")
            lo = level.max
        for var in index.variables:
            out.append(f"    {var.id} {var.family:<13} problem {list(var.problem)} cuts "
                       f"{', '.join(f'{c:g}' for c in var.cut_points)}  {var.label.get(lang)}")
    return out


def _cond(cond: Any) -> str:
    if cond.all_of:
        return " and ".join(_cond(c) for c in cond.all_of)
    if cond.any_of:
        return " or ".join(_cond(c) for c in cond.any_of)
    if cond.in_codes:
        return f"{cond.item} in {list(cond.in_codes)}"
    return f"{cond.item} not in {list(cond.not_in_codes)}"


@command.command("show", epilog=EXIT_CODES)
@click.argument("ident", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print the loaded model as JSON.")
@click.option("--lang", default="sv", show_default=True, help="Language of the texts in the summary.")
def show(ident: str, as_json: bool, lang: str) -> None:
    """Describe instrument ID (or an instrument file, YAML or XLSForm): pages, items, scales, shares, indices."""
    try:
        inst = _find(ident)
    except InstrumentError as exc:
        for err in exc.errors:
            click.echo(str(err), err=True)
        sys.exit(1)
    except XLSFormError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        sys.exit(1)
    if as_json:
        click.echo(json.dumps(_plain(inst), ensure_ascii=False, indent=2))
    else:
        click.echo("\n".join(_summary(inst, lang)))


@command.command("import-xlsform", epilog=EXIT_CODES)
@click.argument("file", metavar="FILE.xlsx")
@click.option("--id", "instrument_id", default=None, help="Instrument id (default: the form_id setting).")
@click.option("--out", default=None, metavar="PATH",
              help="Where to write the YAML (default: instruments/ID.yaml).")
@click.option("--force", is_flag=True, help="Replace an existing file at PATH.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but problems.")
def import_xlsform_cmd(file: str, instrument_id: str | None, out: str | None, force: bool, quiet: bool) -> None:
    """Read an XLSForm (survey, choices, settings, scoring sheets) into an instrument file.

    Every problem is one line FILE:SHEET:ROW:COLUMN: message; then nothing is written."""
    from surveys.xlsform import XLSFormError, import_xlsform

    try:
        result = import_xlsform(file, instrument_id)
    except XLSFormError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        click.echo(f"{len(exc.problems)} problem(s); nothing was written", err=True)
        sys.exit(1)
    for note in result.notes:
        if not quiet:
            click.echo(str(note), err=True)
    inst = result.instrument
    target = Path(out) if out else Path("instruments") / f"{inst.id}.yaml"
    if target.is_dir():
        target = target / f"{inst.id}.yaml"
    if target.exists() and not force and target.read_text(encoding="utf-8") != result.yaml_text:
        click.echo(f"{target}: exists; give --force to replace it, or another --out", err=True)
        sys.exit(1)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(result.yaml_text, encoding="utf-8")
    except OSError as exc:
        click.echo(f"{target}: cannot write: {exc.strerror}", err=True)
        sys.exit(1)
    if not quiet:
        click.echo(f"wrote {target} ({inst.id} {inst.version}, {len(inst.pages)} pages, {len(inst.items)} items, "
                   f"sha256 {inst.sha256[:12]})")


@command.command("export-xlsform", epilog=EXIT_CODES)
@click.argument("ident", metavar="ID|FILE")
@click.option("--out", required=True, metavar="FILE.xlsx", help="The workbook to write.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but problems.")
def export_xlsform_cmd(ident: str, out: str, quiet: bool) -> None:
    """Write instrument ID (or an instrument file) as an XLSForm workbook."""
    from surveys.loader import parse_document
    from surveys.xlsform import export_xlsform

    if not out.lower().endswith(".xlsx"):
        raise click.UsageError("--out must name an .xlsx file")
    try:
        if ident.lower().endswith(".xlsx"):  # an XLSForm rewritten in the exported layout
            result = import_xlsform(ident)
            inst, doc = result.instrument, result.document
        else:
            inst = _find(ident)
            doc, _ = parse_document(Path(inst.path).read_text(encoding="utf-8"), inst.path)
    except InstrumentError as exc:
        for err in exc.errors:
            click.echo(str(err), err=True)
        sys.exit(1)
    except XLSFormError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        sys.exit(1)
    try:
        Path(out).write_bytes(export_xlsform(doc))
    except OSError as exc:
        click.echo(f"{out}: cannot write: {exc.strerror}", err=True)
        sys.exit(1)
    if not quiet:
        click.echo(f"wrote {out} ({inst.id} {inst.version}, sha256 {inst.sha256[:12]})")
