"""The three bundled instruments load, validate and hold what issue 3 lists."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import yaml

from surveys.instrument import Text
from surveys.loader import instruments_dir, load_all, load_instrument, load_instrument_text

ROOT = Path(__file__).parent.parent.parent


@pytest.fixture(scope="module")
def all_instruments():
    return load_all()


def test_instruments_dir_is_the_repository_folder() -> None:
    assert instruments_dir() == (ROOT / "instruments").resolve()
    assert sorted(p.name for p in instruments_dir().glob("*.yaml")) == [
        "cannabis-attityd.yaml", "medborgardialog.yaml", "trygghet.yaml"]


def test_all_three_load(all_instruments) -> None:
    assert sorted(all_instruments) == ["cannabis-attityd", "medborgardialog", "trygghet"]
    for inst in all_instruments.values():
        assert "sv" in inst.languages and "en" in inst.languages
        assert inst.provenance and "reconstruct" in inst.provenance
        assert all(item.reconstructed for item in inst.items)
        assert all(item.text.has("sv") and item.text.has("en") for item in inst.items)
        assert inst.suppression_min_n == 5
        assert len(inst.sha256) == 64


def test_cannabis(all_instruments) -> None:
    inst = all_instruments["cannabis-attityd"]
    school = inst.item("school")
    assert (school.group, school.options_from) == ("school", "preset")
    grade = inst.response_scale(inst.item("grade"))
    assert [o.label.get() for o in grade.options] == ["Åk 9", "Gymnasiet år 1", "Gymnasiet år 2", "Gymnasiet år 3"]
    gender = inst.response_scale(inst.item("gender"))
    assert [(o.code, o.label.get()) for o in gender.options] == [
        (1, "Flicka"), (2, "Pojke"), (3, "Annat"), (4, "Vill inte svara")]
    use = inst.response_scale(inst.item("use"))
    assert use.codes == (1, 2, 3, 4)
    for follow_up in ("use_last", "use_first_age"):
        cond = inst.item(follow_up).show_if
        assert cond.item == "use" and cond.in_codes == (2, 3, 4)
        assert not cond.evaluate({"use": 1}) and cond.evaluate({"use": 3}) and not cond.evaluate({})
    assert (inst.item("use_first_age").min, inst.item("use_first_age").max) == (10, 20)
    assert inst.response_scale(inst.item("would_try")).codes == (1, 2, 3)

    atts = [f"att{i:02d}" for i in range(1, 13)]
    agree = inst.response_scales["agree6"]
    assert all(inst.item(a).scale == "agree6" for a in atts)
    assert agree.codes == (1, 2, 3, 4, 5, 6) and agree.numeric
    assert agree.label(1) == "Instämmer inte alls" and agree.label(6) == "Instämmer helt"

    r = inst.scales["restrictive"]
    assert r.items == tuple(atts[:8])
    assert r.reversed == ("att02", "att04", "att06", "att08")
    assert (r.min_answered, r.method, r.response_min, r.response_max) == (6, "mean", 1, 6)
    assert (r.baseline.value, r.baseline.year, r.target.value) == (3.72, 2014, 4.72)

    k = inst.scales["knowledge"]
    assert k.method == "correct" and len(k.items) >= 6
    assert set(k.key) == set(k.items)
    assert all(inst.item(i).scale == "truefalse" for i in k.items)
    assert [o.label.get() for o in inst.response_scales["truefalse"].options] == ["Sant", "Falskt", "Vet inte"]

    s = inst.shares
    assert (s["never"].codes, s["never"].baseline.value) == ((1,), 0.85)
    assert (s["regular"].codes, s["regular"].baseline.value) == ((4,), 0.03)
    assert (s["would_try_yes"].item, s["would_try_yes"].codes, s["would_try_yes"].baseline.value) == (
        "would_try", (1,), 0.07)
    assert (s["would_try_dont_know"].codes, s["would_try_dont_know"].baseline.value) == ((3,), 0.13)
    sr = s["sometimes_or_regular"]
    assert sr.codes == (3, 4) and sr.baseline.assumption
    assert sr.target.value == pytest.approx(sr.baseline.value / 2)
    assert not s["never"].baseline.assumption


def test_trygghet(all_instruments) -> None:
    inst = all_instruments["trygghet"]
    areas = [o.label.get() for o in inst.response_scale(inst.item("area")).options]
    for name in ("Skiftinge", "Årby", "Fröslunda", "Lagersberg", "Torshälla"):
        assert name in areas
    ages = [o.label.get() for o in inst.response_scale(inst.item("age_band")).options]
    assert ages == ["16–24 år", "25–44 år", "45–64 år", "65–85 år"]
    assert {i.group for i in inst.group_items} == {"area", "gender", "age_band"}

    index = inst.indices["trygghetsindex"]
    assert len(index.variables) == 33
    assert [v.item for v in index.variables] == [f"v{i:02d}" for i in range(1, 34)]
    assert {v.family for v in index.variables} == {"victimisation", "worry", "disorder"}
    for v in index.variables:
        assert len(v.cut_points) == 6
        assert all(0 <= a < b <= 1 for a, b in zip(v.cut_points, v.cut_points[1:]))
        assert v.problem and set(v.problem) <= set(inst.response_scale(inst.item(v.item)).codes)
    assert [lv.max for lv in index.levels] == [2.0, 3.9, 6.0]
    assert (index.baseline.value, index.baseline.year, index.goal_max) == (1.67, 2014, 2.0)
    assert "ASSUMPTION" in inst.provenance


def test_medborgardialog(all_instruments) -> None:
    inst = all_instruments["medborgardialog"]
    themes = inst.item("unsafe_themes")
    assert themes.kind == "multi"
    scale = inst.response_scale(themes)
    other = [o for o in scale.options if o.other]
    assert len(other) == 1
    follow = inst.item("unsafe_themes_other")
    assert follow.kind == "text" and follow.show_if.in_codes == (other[0].code,)
    labels = " ".join(o.label.get() for o in scale.options).lower()
    for theme in ("belysning", "nedskräpning", "skadegörelse", "konflikter", "tunnlar", "ungdomsgäng",
                  "förråd", "bil", "bränder"):
        assert theme in labels
    assert inst.item("unsafe_places").kind == "text"
    for m in ("measure_police", "measure_walks", "measure_cooperation", "measure_nightwalkers"):
        assert inst.item(m).scale == "agree5"
    assert {i.group for i in inst.group_items} == {"area", "gender", "age_band"}


def test_item_lines_point_at_the_declaration() -> None:
    path = ROOT / "instruments" / "cannabis-attityd.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    inst = load_instrument(path)
    for item in inst.items:
        assert lines[item.line - 1].strip() == f"- id: {item.id}"


def test_hash_is_sha256_of_canonical_json_and_stable() -> None:
    path = ROOT / "instruments" / "trygghet.yaml"
    source = path.read_text(encoding="utf-8")
    data = yaml.safe_load(source)
    expected = hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False,
                                         separators=(",", ":")).encode("utf-8")).hexdigest()
    first = load_instrument(path)
    assert first.sha256 == expected
    assert load_instrument_text(source, "x.yaml").sha256 == expected
    # Comments and layout are not content.
    assert load_instrument_text("# a comment\n" + source.replace("levels:", "levels:   "), "x").sha256 == expected
    # Any content change is.
    changed = load_instrument_text(source.replace('"Trygghetsindex"', '"Trygghetsindex 2"'), "x")
    assert changed.sha256 != expected


def test_text_falls_back_to_swedish(all_instruments) -> None:
    text = Text({"sv": "Hej", "en": ""})
    assert text.get("en") == "Hej" and text.get("ar") == "Hej" and text.get(None) == "Hej"
    item = all_instruments["cannabis-attityd"].item("use")
    assert item.text.get("en") == "Have you ever used cannabis?"
    assert item.text.get("so") == item.text.get("sv") == "Har du någon gång använt cannabis?"


def test_schema_is_valid_and_bundled_files_obey_it() -> None:
    import jsonschema

    schema = json.loads((ROOT / "instruments" / "instrument.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for path in sorted((ROOT / "instruments").glob("*.yaml")):
        assert list(validator.iter_errors(yaml.safe_load(path.read_text(encoding="utf-8")))) == []
    assert not validator.is_valid({"id": "x", "version": "1", "title": {"sv": "x"}, "languages": ["sv"],
                                   "response_scales": {}, "pages": []})
