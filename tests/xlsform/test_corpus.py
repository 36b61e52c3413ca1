"""The XLSForms of pyxform's test suite (../shared/fixtures/xlsform-corpus): the
forms reduced to the supported subset import; every other one is refused with
problem lines, never a traceback."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from surveys.xlsform import XLSFormError, import_xlsform

CORPUS = Path(__file__).parent.parent.parent.parent / "shared" / "fixtures" / "xlsform-corpus"
#: derived forms that use what survey-engine cannot hold (none since decimals and conditional notes)
REFUSED_DERIVED: dict[str, str] = {}


def _files(folder: str) -> list[Path]:
    files = sorted((CORPUS / folder).glob("*.xlsx"))
    if not files:
        pytest.fail(f"no XLSForm corpus at {CORPUS}")
    return files


@pytest.mark.parametrize("path", _files("derived"), ids=lambda p: p.name)
def test_derived_forms_import(path: Path) -> None:
    if path.name in REFUSED_DERIVED:
        with pytest.raises(XLSFormError) as err:
            import_xlsform(path)
        assert all(str(p).startswith(f"{path}:survey:") for p in err.value.problems)
        assert any(REFUSED_DERIVED[path.name] in str(p) for p in err.value.problems)
        return
    result = import_xlsform(path)
    assert result.instrument.items and result.instrument.sha256


def test_derived_decimals_and_conditional_notes() -> None:
    """pyxform's own forms with decimal questions and notes with a relevant
    of their own import into decimal items and conditional notes."""
    biomass = import_xlsform(CORPUS / "derived" / "UCL_Biomass_Plot_Form.xlsx").instrument
    decimal = [i for i in biomass.items if i.decimals]
    assert {i.id for i in decimal} >= {"tree_distance", "bole_height", "stem_height", "stump_distance"}
    assert all(i.kind == "number" and i.decimals == 2 for i in decimal)
    spec = import_xlsform(CORPUS / "derived" / "xlsform_spec_test.xlsx").instrument
    notes = {n.id: n for p in spec.pages for n in p.notes}
    skip = spec.item("skip_to_end")
    yes = next(o.code for o in spec.response_scale(skip).options if o.label.get() == "Yes")
    note = notes["email_note"]
    assert note.after == "address"
    # not(selected(${skip_to_end}, 'yes')): shown for "no" and, as in ODK, while unanswered
    other = next(c for c in spec.response_scale(skip).codes if c != yes)
    assert note.shown({"skip_to_end": other}) and not note.shown({"skip_to_end": yes})
    assert note.shown({}) and note.shown({"skip_to_end": None})


def test_derived_or_other_and_groups() -> None:
    doc = import_xlsform(CORPUS / "derived" / "or_other.xlsx").document
    fav, fav_other, pastel = doc["pages"][0]["items"]
    assert fav["scale"] == "colors_or_other" and pastel["scale"] == "colors"
    assert fav_other["show_if"] == {"item": "fav_color", "in": [99]}
    spec = import_xlsform(CORPUS / "derived" / "field-list.xlsx").document
    assert spec["languages"] == ["sv", "zh"]
    assert spec["response_scales"]["yes_no"]["options"][0]["label"] == {"sv": "Yes", "zh": "是"}


@pytest.mark.parametrize("path", _files("forms") + _files("malformed"), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_other_forms_never_crash(path: Path) -> None:
    try:
        result = import_xlsform(path)
    except XLSFormError as err:
        lines = [str(p) for p in err.problems]
        assert lines and all(line.startswith(f"{path}:") and ": " in line for line in lines)
        assert all("Traceback" not in line and "object has no attribute" not in line for line in lines)
    else:
        assert result.instrument.items


def test_sheet_declaring_a_million_rows_is_read_row_by_stored_row() -> None:
    """malformed/UCL_Biomass_Plot_Form.xlsx declares A1:AMJ1048576 and stores a row at 1048576:
    it is read (in read-only mode, dimensions reset) and refused for its content, not its size."""
    path = CORPUS / "malformed" / "UCL_Biomass_Plot_Form.xlsx"
    start = time.perf_counter()
    with pytest.raises(XLSFormError) as err:
        import_xlsform(path)
    elapsed = time.perf_counter() - start
    lines = [str(p) for p in err.value.problems]
    assert not any("rows" in line for line in lines)
    assert f"{path}:survey:9:relevant: the quote \u2018 at character 18 is a typographic quote; write straight " \
           "quotes ' (Excel's autocorrect makes them curly)" in lines
    print(f"read a sheet declaring 1048576 rows in {elapsed:.2f} s")
