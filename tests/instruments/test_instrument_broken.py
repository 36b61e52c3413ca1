"""Broken instruments: each yields its exact one-line message (file:line: path: message).

Most cases edit ``mini.yaml`` (a small valid instrument next to this file) at one
place; its line numbers are fixed, so the expected lines are written out. The
cases on the real instrument files compute the expected line by finding the
edited text in the source, so that rewording an instrument does not break them.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from surveys.loader import InstrumentError, load_instrument, load_instrument_text

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
MINI = (HERE / "mini.yaml").read_text(encoding="utf-8")


def errors_of(text: str, name: str) -> list[str]:
    with pytest.raises(InstrumentError) as info:
        load_instrument_text(text, name)
    return [str(e) for e in info.value.errors]


def edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"edit target not unique: {old!r}"
    return text.replace(old, new)


# (case id, old text, new text, the one expected message)
MINI_CASES = [
    ("yaml-syntax", "title: {sv: Sida 1}\n", "title: {sv: Sida 1\n",
     "mini.yaml:19: (yaml): YAML syntax error: expected ',' or '}', but got ':' "
     "(while parsing a flow mapping started on line 18)"),
    ("duplicate-key", "kind: single\n        scale: yn\n", "kind: single\n        kind: multi\n        scale: yn\n",
     "mini.yaml:22: pages[0].items[0].kind: duplicate key 'kind'"),
    ("bool-key", "  q1_yes:\n", "  yes:\n",
     "mini.yaml:47: shares: key True must be a plain name (quote it: YAML reads yes/no/on/off as true/false)"),
    ("duplicate-item-id", "- id: q4\n", "- id: q3\n",
     "mini.yaml:36: pages[1].items[0].id: duplicate item id 'q3' (also pages[0].items[2])"),
    ("duplicate-option-code", "{code: 3, label: {sv: Ja}}", "{code: 2, label: {sv: Ja}}",
     "mini.yaml:10: response_scales.agree.options[2].code: duplicate code 2 (also options[1])"),
    ("scale-unknown-item", "items: [q2, q3]", "items: [q2, q3, q9]",
     "mini.yaml:43: scales.s.items[2]: unknown item 'q9'"),
    ("reversed-outside-scale", "reversed: [q3]", "reversed: [q3, q1]",
     "mini.yaml:44: scales.s.reversed[1]: item 'q1' is not in this scale"),
    ("scale-mixed-response-scales", "items: [q2, q3]", "items: [q2, q3, q1]",
     "mini.yaml:43: scales.s.items[2]: item 'q1' uses response scale 'yn', not 'agree' like 'q2'"),
    ("scale-not-numeric", "  agree:\n    options:", "  agree:\n    numeric: false\n    options:",
     "mini.yaml:44: scales.s.items[0]: item 'q2' uses response scale 'agree', which is not numeric; "
     "a mean scale needs numeric items"),
    ("min-answered-too-high", "min_answered: 1", "min_answered: 3",
     "mini.yaml:45: scales.s.min_answered: min_answered 3 is more than the 2 items of the scale"),
    ("missing-swedish", "text: {sv: Fråga 3}", "text: {en: Question 3}",
     "mini.yaml:32: pages[0].items[2].text: missing Swedish text (sv)"),
    ("condition-on-later-item", "show_if: {item: q1, in: [1]}", "show_if: {item: q3, in: [1]}",
     "mini.yaml:27: pages[0].items[1].show_if.item: item 'q3' comes later; a condition may only name an earlier item"),
    ("condition-on-unknown-item", "show_if: {item: q1, in: [1]}", "show_if: {item: q0, in: [1]}",
     "mini.yaml:27: pages[0].items[1].show_if.item: unknown item 'q0'"),
    ("condition-code-outside-scale", "show_if: {item: q1, in: [1]}", "show_if: {item: q1, in: [1, 3]}",
     "mini.yaml:27: pages[0].items[1].show_if.in[1]: code 3 is not in the response scale 'yn' of item 'q1'"),
    ("page-condition-same-page", "title: {sv: Sida 2}\n", "title: {sv: Sida 2}\n    show_if: {item: q4, in: [1]}\n",
     "mini.yaml:35: pages[1].show_if.item: item 'q4' is not on an earlier page"),
    ("share-code-outside-scale", "codes: [1]", "codes: [5]",
     "mini.yaml:49: shares.q1_yes.codes[0]: code 5 is not in the response scale 'yn' of item 'q1'"),
    ("share-unknown-item", "item: q1\n", "item: q7\n",
     "mini.yaml:48: shares.q1_yes.item: unknown item 'q7'"),
    ("unknown-response-scale", "scale: yn\n        text: {sv: Fråga 4}", "scale: yesno\n        text: {sv: Fråga 4}",
     "mini.yaml:38: pages[1].items[0].scale: unknown response scale 'yesno'"),
    ("languages-without-sv", "languages: [sv, en]", "languages: [en]",
     "mini.yaml:4: languages: must include 'sv' (Swedish is required)"),
    ("group-item-not-single", "kind: multi\n", "kind: multi\n        group: area\n",
     "mini.yaml:38: pages[1].items[0].group: a group item must be kind single, not multi"),
    ("schema-missing-field", 'version: "1"\n', "",
     "mini.yaml:1: version: required field is missing"),
    ("schema-unknown-field", "min_answered: 1", "min_answerd: 1",
     "mini.yaml:45: scales.s.min_answerd: unknown field 'min_answerd'"),
    ("schema-wrong-type", "{code: 2, label: {sv: Delvis}}", '{code: "2", label: {sv: Delvis}}',
     "mini.yaml:9: response_scales.agree.options[1].code: must be an integer, not '2'"),
    ("schema-unquoted-yes", "{code: 1, label: {sv: Ja}}", "{code: 1, label: {sv: yes}}",
     "mini.yaml:14: response_scales.yn.options[0].label.sv: must be a text, not true (quote it if you mean text)"),
    ("schema-bad-kind", "kind: multi\n", "kind: many\n",
     "mini.yaml:37: pages[1].items[0].kind: 'many' is not one of: single, multi, text, number"),
]


def test_mini_is_valid() -> None:
    inst = load_instrument(HERE / "mini.yaml")
    assert [i.id for i in inst.items] == ["q1", "q2", "q3", "q4"]


@pytest.mark.parametrize("old,new,expected", [c[1:] for c in MINI_CASES], ids=[c[0] for c in MINI_CASES])
def test_mini_broken(old: str, new: str, expected: str) -> None:
    assert errors_of(edit(MINI, old, new), "mini.yaml") == [expected]


def test_all_errors_of_a_file_are_reported_in_line_order() -> None:
    text = edit(MINI, "reversed: [q3]", "reversed: [q3, q1]")
    text = edit(text, "text: {sv: Fråga 3}", "text: {en: Question 3}")
    text = edit(text, "codes: [1]", "codes: [5]")
    assert errors_of(text, "mini.yaml") == [
        "mini.yaml:32: pages[0].items[2].text: missing Swedish text (sv)",
        "mini.yaml:44: scales.s.reversed[1]: item 'q1' is not in this scale",
        "mini.yaml:49: shares.q1_yes.codes[0]: code 5 is not in the response scale 'yn' of item 'q1'",
    ]


# (case id, file, old line text, new line text, field path: message)
REAL_CASES = [
    ("issue-example", "cannabis-attityd", "reversed: [att02, att04, att06, att08]",
     "reversed: [att02, att04, att13, att08]",
     "scales.restrictive.reversed[2]: item 'att13' is not in this scale"),
    ("knowledge-key-outside-scale", "cannabis-attityd", "know07: 2, know08: 1}", "know07: 2, know08: 4}",
     "scales.knowledge.key.know08: code 4 is not in the response scale 'truefalse' of item 'know08'"),
    ("scale-baseline-outside-range", "cannabis-attityd", "value: 3.72", "value: 7.2",
     "scales.restrictive.baseline.value: 7.2 lies outside the scale's range 1..6"),
    ("share-baseline-not-a-proportion", "cannabis-attityd", "baseline: {value: 0.85,", "baseline: {value: 85,",
     "shares.never.baseline.value: a share is a proportion: 85 lies outside 0..1"),
    ("follow-up-on-later-item", "cannabis-attityd", "show_if: {item: use, in: [2, 3, 4]}\n        text: {sv: \"När",
     "show_if: {item: offered, in: [1]}\n        text: {sv: \"När",
     "pages[1].items[1].show_if.item: item 'offered' comes later; a condition may only name an earlier item"),
    ("cut-points-not-rising", "trygghet", "cut_points: [0.01, 0.02, 0.03, 0.05, 0.07, 0.1]\n      - id: v02",
     "cut_points: [0.01, 0.02, 0.02, 0.05, 0.07, 0.1]\n      - id: v02",
     "indices.trygghetsindex.variables[0].cut_points[2]: cut point 0.02 does not rise above the previous one (0.02)"),
    ("cut-point-outside-0-1", "trygghet", "cut_points: [0.005, 0.01, 0.02, 0.03, 0.05, 0.07]\n      - id: v03",
     "cut_points: [0.005, 0.01, 0.02, 0.03, 0.05, 1.2]\n      - id: v03",
     "indices.trygghetsindex.variables[1].cut_points[5]: cut point 1.2 lies outside 0..1 (a share)"),
    ("five-cut-points", "trygghet", "cut_points: [0.01, 0.02, 0.03, 0.05, 0.07, 0.1]\n      - id: v02",
     "cut_points: [0.01, 0.02, 0.03, 0.05, 0.07]\n      - id: v02",
     "indices.trygghetsindex.variables[0].cut_points: needs exactly 6 cut points (one per class 1-6), not 5"),
    ("levels-not-rising", "trygghet", "{max: 3.9,", "{max: 1.5,",
     "indices.trygghetsindex.levels[1].max: level max 1.5 does not rise above the previous level's (2)"),
    ("problem-code-outside-scale", "trygghet", "problem: [3, 4, 5]", "problem: [3, 4, 6]",
     "indices.trygghetsindex.variables[11].problem[2]: code 6 is not in the response scale 'unsafe' of item 'v12'"),
    ("other-condition-code", "medborgardialog", "show_if: {item: unsafe_themes, in: [99]}",
     "show_if: {item: unsafe_themes, in: [98]}",
     "pages[1].items[1].show_if.in[0]: code 98 is not in the response scale 'themes' of item 'unsafe_themes'"),
]


@pytest.mark.parametrize("stem,old,new,expected", [c[1:] for c in REAL_CASES], ids=[c[0] for c in REAL_CASES])
def test_real_instrument_broken(stem: str, old: str, new: str, expected: str) -> None:
    name = f"instruments/{stem}.yaml"
    source = (ROOT / name).read_text(encoding="utf-8")
    text = edit(source, old, new)
    line = text[: text.index(new)].count("\n") + 1  # the line the edit starts on
    assert errors_of(text, name) == [f"{name}:{line}: {expected}"]
