"""``survey-engine instruments check|show``: validate and describe instrument files."""
from __future__ import annotations

import dataclasses
import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from surveys.instrument import Instrument, Text
from surveys.loader import InstrumentError, instrument_files, instruments_dir, load_all, load_instrument


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


@click.group("instruments")
def command() -> None:
    """Check and show instrument files."""


@command.command("check")
@click.argument("paths", nargs=-1)
def check(paths: tuple[str, ...]) -> None:
    """Validate instrument files (default: all in instruments/); exit 1 if any is bad."""
    files = _expand(paths)
    if not files:
        click.echo(f"no instrument files in {_display(instruments_dir())}", err=True)
        sys.exit(1)
    bad = 0
    for file in files:
        try:
            inst = load_instrument(file)
        except InstrumentError as exc:
            bad += 1
            for err in exc.errors:
                click.echo(str(err), err=True)
            continue
        except Exception as exc:  # a bug of ours must still not print a traceback
            bad += 1
            click.echo(f"{file}: internal error while checking: {type(exc).__name__}: {exc}", err=True)
            continue
        click.echo(f"ok {file} ({inst.id} {inst.version} sha256 {inst.sha256[:12]})")
    if bad:
        click.echo(f"{bad} of {len(files)} instrument file(s) have errors", err=True)
        sys.exit(1)


def _find(ident: str) -> Instrument:
    """The bundled instrument ``ident``, or the instrument in file ``ident``."""
    if ident.endswith((".yaml", ".yml")) or os.sep in ident:
        return load_instrument(ident)
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
                what = f"{item.min}-{item.max}"
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


@command.command("show")
@click.argument("ident", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print the loaded model as JSON.")
@click.option("--lang", default="sv", show_default=True, help="Language of the texts in the summary.")
def show(ident: str, as_json: bool, lang: str) -> None:
    """Describe instrument ID (or an instrument file): pages, items, scales, shares, indices."""
    try:
        inst = _find(ident)
    except InstrumentError as exc:
        for err in exc.errors:
            click.echo(str(err), err=True)
        sys.exit(1)
    if as_json:
        click.echo(json.dumps(_plain(inst), ensure_ascii=False, indent=2))
    else:
        click.echo("\n".join(_summary(inst, lang)))
