"""Plain-text rendering of a ``score_report`` for ``survey-engine score --format table``.

Scales (overall and per group, baseline and target), declared shares, theme
shares of ``multi`` items, indices per area, and the comparison with an
earlier wave when there is one. Suppressed cells say so instead of figures.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

if TYPE_CHECKING:
    from surveys.instrument import Instrument

HIDDEN = "(hidden: too few)"


def render_report(report: dict[str, Any], instrument: "Instrument | None" = None,
                  lang: str = "sv") -> str:
    """The report as aligned plain-text tables."""
    inst = report.get("instrument", {})
    min_n = report.get("suppression_min_n")
    out = [f"{inst.get('id')} {inst.get('version')} (sha256 {str(inst.get('sha256', ''))[:12]}…): "
           f"{report.get('n_respondents')} respondents"
           + (f"; cells under {min_n} are hidden" if min_n else "")]
    for scale_id, scale in report.get("scales", {}).items():
        out += ["", *_scale(scale_id, scale, report, lang)]
    if report.get("declared_shares"):
        out += ["", *_declared_shares(report, lang)]
    for item_id, shares in report.get("shares", {}).items():
        if instrument is not None and _is_multi(instrument, item_id):
            out += ["", *_multi(item_id, shares, instrument, lang)]
    for index_id, index in report.get("indices", {}).items():
        out += ["", *_index(index_id, index, report, lang)]
    return "\n".join(out)


def _label(value: Any, lang: str) -> str:
    if isinstance(value, dict):
        return value.get(lang) or value.get("sv") or next(iter(value.values()), "")
    return "" if value is None else str(value)


def _f(value: Any, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _pv(value: Any) -> str:
    """``p = 0.123`` or ``p < 0.001``."""
    if value is None:
        return "p –"
    return "p < 0.001" if value < 0.001 else f"p = {value:.3f}"


def _ci(ci: Sequence[float] | None, digits: int = 2) -> str:
    return "–" if not ci or ci[0] is None else f"{ci[0]:.{digits}f}–{ci[1]:.{digits}f}"


def _by(by: dict[str, str | None]) -> str:
    return ", ".join(f"{k}={'(no answer)' if v is None else v}" for k, v in by.items())


def _table(header: list[str], rows: list[list[str]], indent: str = "  ") -> list[str]:
    """Left-align the first column, right-align the others."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        first = str(cells[0]).ljust(widths[0])
        rest = [str(c).rjust(w) for c, w in zip(cells[1:], widths[1:])]
        return (indent + "  ".join([first, *rest])).rstrip()
    return [line(header), *(line(r) for r in rows)]


def _scale(scale_id: str, scale: dict[str, Any], report: dict[str, Any], lang: str) -> list[str]:
    items = scale.get("items", [])
    title = f"Scale {scale_id}: {_label(scale.get('label'), lang)}"
    what = (f"{scale.get('method', 'mean')} of {len(items)} items"
            + (f", {len(scale['reversed'])} reversed" if scale.get("reversed") else "")
            + f", at least {scale.get('min_answered')} answered")
    rows = []
    o = scale.get("overall", {})
    rows.append(_scale_row("all", o))
    for g in scale.get("groups", []):
        rows.append(_scale_row(_by(g["by"]), g))
    lines = [title, f"  ({what})",
             *_table(["group", "n", "mean", "sd", "95% CI", "alpha"], rows)]
    b = o.get("baseline")
    if b and not o.get("suppressed"):
        year = f" ({b['year']})" if b.get("year") else ""
        lines.append(f"  baseline {b['value']}{year}: diff {b['diff']:+.2f}, t = {_f(b.get('t'))}, "
                     f"{_pv(b.get('p'))}, d = {_f(b.get('cohens_d'))}")
    t = o.get("target")
    if t and not o.get("suppressed") and t.get("progress") is not None:
        lines.append(f"  target {t['value']}: progress {100 * t['progress']:.0f} % of the way from the baseline")
    comp = report.get("comparison", {}).get("scales", {}).get(scale_id)
    if comp:
        lines.append("  earlier wave: " + _comparison_text(comp))
        for g in comp.get("groups", []):
            lines.append(f"    {_by(g['by'])}: " + _comparison_text(g))
    return lines


def _scale_row(name: str, c: dict[str, Any]) -> list[str]:
    if c.get("suppressed"):
        return [name, HIDDEN, "", "", "", ""]
    return [name, str(c.get("n")), _f(c.get("mean")), _f(c.get("sd")), _ci(c.get("ci95")),
            _f(c.get("alpha"))]


def _comparison_text(comp: dict[str, Any]) -> str:
    if comp.get("suppressed") or not comp.get("previous"):
        return HIDDEN
    prev, welch = comp["previous"], comp.get("welch") or {}
    text = f"n {prev.get('n')}, mean {_f(prev.get('mean'))}, diff {comp['diff']:+.2f}"
    if welch:
        text += f", Welch t = {_f(welch.get('t'))}, {_pv(welch.get('p'))}"
    if comp.get("hedges_g") is not None:
        text += f", Hedges' g = {_f(comp['hedges_g'])} ({_ci(comp.get('hedges_g_ci95'))})"
    return text


def _declared_shares(report: dict[str, Any], lang: str) -> list[str]:
    rows = []
    comparison = report.get("comparison", {}).get("declared_shares", {})
    for share_id, s in report["declared_shares"].items():
        rows.append(_share_row(share_id, s, comparison.get(share_id)))
        for g in s.get("groups", []):
            rows.append(_share_row("  " + _by(g["by"]), g, None))
    header = ["share", "n/of", "%", "95% CI", "baseline"]
    if comparison:
        header.append("earlier wave")
    rows = [r + ([""] if comparison and len(r) < len(header) else []) for r in rows]
    return ["Shares", *_table(header, rows)]


def _share_row(name: str, s: dict[str, Any], comp: dict[str, Any] | None) -> list[str]:
    if s.get("suppressed"):
        row = [name, HIDDEN, "", "", ""]
    else:
        b = s.get("baseline")
        base = ""
        if b:
            base = (f"{b['pct']:.1f} %{' (' + str(b['year']) + ')' if b.get('year') else ''}"
                    f"{' assumed' if b.get('assumption') else ''}, {_pv(b.get('p'))}")
        row = [name, f"{s.get('n')}/{s.get('of')}", _f(s.get("pct"), 1), _ci(s.get("ci95"), 1), base]
    if comp is not None:
        if comp.get("suppressed") or not comp.get("previous"):
            row.append(HIDDEN)
        else:
            row.append(f"{comp['previous']['pct']:.1f} %, diff {comp['diff_pct']:+.1f}, "
                       f"{_pv(comp.get('p'))}")
    return row


def _is_multi(instrument: "Instrument", item_id: str) -> bool:
    try:
        return instrument.item(item_id).kind == "multi"
    except KeyError:
        return False


def _multi(item_id: str, shares: dict[str, Any], instrument: "Instrument", lang: str) -> list[str]:
    scale = instrument.response_scale(instrument.item(item_id))
    rows = []
    for code, s in shares.items():
        if not isinstance(s, dict) or "pct" not in s:
            continue
        label = scale.label(int(code), lang) if scale and code.lstrip("-").isdigit() else code
        rows.append([f"{code} {label}", str(s.get("n", "")), _f(s.get("pct"), 1),
                     _ci(s.get("ci95"), 1)])
    return [f"{item_id}: share naming each option", *_table(["option", "n", "%", "95% CI"], rows)]


def _index(index_id: str, index: dict[str, Any], report: dict[str, Any], lang: str) -> list[str]:
    goal = index.get("goal_max")
    lines = [f"Index {index_id}: {_label(index.get('label'), lang)}"
             + (f" (goal: at most {goal} in every area)" if goal is not None else "")]
    comp = report.get("comparison", {}).get("indices", {}).get(index_id)
    prev = {tuple(sorted(g["by"].items())): g for g in (comp or {}).get("groups", [])}
    header = ["area", "n", "index", "level", "variables at 4-6"]
    if comp:
        header.append("change")

    def row(name: str, c: dict[str, Any], change: Any) -> list[str]:
        if c.get("suppressed"):
            r = [name, HIDDEN, "", "", ""]
        else:
            at = c.get("variables_at_4_6") or []
            r = [name, str(c.get("n")), _f(c.get("index")), _label(c.get("level_label"), lang),
                 str(len(at))]
        if comp:
            r.append("–" if change is None else f"{change:+.2f}")
        return r
    o = index.get("overall", {})
    rows = [row("all", o, (comp or {}).get("change"))]
    for g in index.get("groups", []):
        p = prev.get(tuple(sorted(g["by"].items())), {})
        rows.append(row(_by(g["by"]), g, p.get("change")))
    lines += _table(header, rows)
    b = o.get("baseline")
    if b and o.get("index") is not None:
        year = f" ({b['year']})" if b.get("year") else ""
        lines.append(f"  baseline {b['value']}{year}: diff {b['diff']:+.2f}")
    return lines
