"""The golden report JSON of the demo waves (``tests/data/report_json``).

Each case scores a seeded synthetic demo wave (``surveys.synthetic``) with a
breakdown and, for some, an earlier wave to compare with. The files (the JSON and the
``score --format table`` text) were written by the report code before the
typed report model existed; ``test_report_json_golden.py`` checks that the
serialiser and the table renderer still give the same output. Run ``PYTHONPATH=. python tests/scoring/report_golden.py`` to
write them again (only when the JSON contract changes on purpose).
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

GOLDEN = Path(__file__).resolve().parent.parent / "data" / "report_json"

#: The seed of every wave (the demo's default).
SEED = 2014


@lru_cache(maxsize=None)
def _instruments() -> dict[str, Any]:
    from surveys.loader import load_all

    return load_all()


@lru_cache(maxsize=None)
def _wave(name: str):
    """(instrument, dataset) of one synthetic wave, built once."""
    from surveys import synthetic as S
    from surveys.dataset import from_records

    ins = _instruments()
    can, tr, md = ins["cannabis-attityd"], ins["trygghet"], ins["medborgardialog"]
    build: dict[str, Callable[[], Any]] = {
        "cannabis-2014": lambda: (can, S.cannabis_wave(can, S.CANNABIS_2014, SEED)),
        "cannabis-2018": lambda: (can, S.cannabis_wave(can, S.CANNABIS_2018, SEED)),
        "trygghet-2014": lambda: (tr, S.trygghet_wave(tr, 2014, SEED)),
        "trygghet-2016": lambda: (tr, S.trygghet_wave(tr, 2016, SEED + 2)),
        "medborgardialog-2015": lambda: (md, S.medborgardialog_wave(md, 2015, SEED)),
        "medborgardialog-2016": lambda: (md, S.medborgardialog_wave(md, 2016, SEED)),
    }
    instrument, wave = build[name]()
    return instrument, from_records(instrument, wave.records, presets=wave.presets)


#: name -> (wave, breakdown, earlier wave or None)
CASES: dict[str, tuple[str, tuple[str, ...], str | None]] = {
    "cannabis-2014": ("cannabis-2014", (), None),
    "cannabis-2018-vs-2014": ("cannabis-2018", (), "cannabis-2014"),
    "cannabis-2018-by-school-vs-2014": ("cannabis-2018", ("school",), "cannabis-2014"),
    "cannabis-2018-by-gender-grade": ("cannabis-2018", ("gender", "grade"), None),
    "cannabis-2014-by-school-gender-vs-2018": ("cannabis-2014", ("school", "gender"), "cannabis-2018"),
    "cannabis-2014-by-grade": ("cannabis-2014", ("grade",), None),
    "trygghet-2014": ("trygghet-2014", (), None),
    "trygghet-2014-by-area": ("trygghet-2014", ("area",), None),
    "trygghet-2016-by-area-vs-2014": ("trygghet-2016", ("area",), "trygghet-2014"),
    "trygghet-2014-by-area-gender": ("trygghet-2014", ("area", "gender"), None),
    "medborgardialog-2015": ("medborgardialog-2015", (), None),
    "medborgardialog-2016-by-area-vs-2015": ("medborgardialog-2016", ("area",), "medborgardialog-2015"),
    "medborgardialog-2016-by-gender-vs-2015": ("medborgardialog-2016", ("gender",), "medborgardialog-2015"),
}


def inputs(case: str) -> tuple[Any, Any, tuple[str, ...], Any]:
    """(instrument, dataset, by, compare) of ``case``, as ``score_report`` takes them."""
    name, by, earlier = CASES[case]
    instrument, dataset = _wave(name)
    compare = None
    if earlier is not None:
        compare = _wave(earlier)
    return instrument, dataset, by, compare


def golden(case: str) -> dict[str, Any]:
    """The stored JSON of ``case``."""
    return json.loads((GOLDEN / f"{case}.json").read_text(encoding="utf-8"))


def golden_table(case: str) -> str:
    """The stored ``score --format table`` text of ``case`` (without the final newline)."""
    return (GOLDEN / f"{case}.table.txt").read_text(encoding="utf-8")[:-1]


def main() -> None:
    """Write the JSON of every case with the report code of this checkout."""
    from scoring.report import score_report
    from surveys.commands.score_table import render_report
    from surveys.exports.report import report_json

    GOLDEN.mkdir(parents=True, exist_ok=True)
    for case in CASES:
        instrument, dataset, by, compare = inputs(case)
        report = score_report(instrument, dataset, by=by, compare=compare)
        (GOLDEN / f"{case}.json").write_bytes(report_json(report) + b"\n")
        (GOLDEN / f"{case}.table.txt").write_text(render_report(report, instrument) + "\n", encoding="utf-8")
        print(f"wrote {GOLDEN / case}.json")


if __name__ == "__main__":
    main()
