"""The responses CSV reader against a model-built instrument."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from surveys.csvio import CsvError, read_responses_csv
from .model import small_instrument

INST = small_instrument()


def _read(tmp_path, content: str | bytes, name: str = "r.csv"):
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return read_responses_csv(path, INST)


def _error(tmp_path, content: str | bytes) -> str:
    with pytest.raises(CsvError) as info:
        _read(tmp_path, content)
    message = str(info.value)
    assert "\n" not in message
    return message.split(": ", 1)[1]  # drop the path


def test_plain_file_codes_groups_and_missing(tmp_path):
    ds = _read(tmp_path, "id,gender,school,i1,i2,use,age\n"
                         "1,1,Skola A,3,,2,15\n"
                         "2,pojke,Skola B,6,1,,\n"
                         "3,Boy, Skola A ,,2,4,20\n")
    assert ds.n == 3
    assert ds.columns[:4] == ["gender", "school", "i1", "i2"]
    np.testing.assert_array_equal(ds.column("i1"), [3, 6, np.nan])
    np.testing.assert_array_equal(ds.column("i2"), [np.nan, 1, 2])
    np.testing.assert_array_equal(ds.column("age"), [15, np.nan, 20])
    np.testing.assert_array_equal(ds.column("gender"), [1, 2, 2])
    assert list(ds.groups["gender"]) == ["flicka", "pojke", "pojke"]
    assert list(ds.groups["school"]) == ["Skola A", "Skola B", "Skola A"]
    assert list(ds.groups["id"]) == ["1", "2", "3"]
    assert np.isnan(ds.column("i3")).all()  # a column absent from the file


def test_bom_semicolon_and_decimal_comma(tmp_path):
    raw = "\ufeffgender;i1;i2;age\r\nflicka;3,0;4;12\r\n;;;\r\n2;5;;\r\n".encode("utf-8")
    ds = _read(tmp_path, raw)
    assert ds.n == 2  # the ";;;" row is Excel's blank row
    np.testing.assert_array_equal(ds.column("i1"), [3, 5])
    assert list(ds.groups["gender"]) == ["flicka", "pojke"]


def test_cp1252_fallback_and_tab(tmp_path):
    ds = _read(tmp_path, "gender\tschool\ti1\n1\tÅrby skola\t2\n".encode("cp1252"))
    assert list(ds.groups["school"]) == ["Årby skola"]


def test_multi_as_joined_codes_and_as_columns(tmp_path):
    joined = _read(tmp_path, "themes,themes_other,places\n1|9,hund,torget\n,,gatan\n2,,\n")
    cols = ["themes_1", "themes_2", "themes_9"]
    got = np.column_stack([joined.column(c) for c in cols])
    np.testing.assert_array_equal(got, [[1, 0, 1], [np.nan] * 3, [0, 1, 0]])
    assert joined.texts["themes_other"] == ["hund", None, None]
    assert joined.texts["places"] == ["torget", "gatan", None]
    split = _read(tmp_path, "themes_1,themes_2,themes_9,places\n1,0,1,\n,,,x\n0,1,0,\n", "s.csv")
    np.testing.assert_array_equal(
        np.column_stack([split.column(c) for c in cols]), got)


def test_quoted_multiline_field_counts_rows_as_lines(tmp_path):
    msg = _error(tmp_path, 'places,i1\n"rad ett\nrad två",3\nx,9\n')
    assert msg == "row 4, column 'i1': code 9 is outside the scale of 'i1' (1-6)"


#: Malformed files and the one line each gets (after the path).
MALFORMED = [
    ("", "the file is empty (expected a header row of item ids)"),
    ("\ufeff\n\n", "the file is empty (expected a header row of item ids)"),
    ("gender,i1\n", "row 1: the file has a header row but no responses"),
    ("gender,i11\n1,2\n", "row 1, column 'i11': unknown column: no item 'i11' (items i1-i8)"),
    ("gender,i9\n1,2\n", "row 1, column 'i9': unknown column: no item 'i9' (items i1-i8)"),
    ("gendr,i1\n1,2\n", "row 1, column 'gendr': unknown column (did you mean 'gender'?)"),
    ("themes_3\n1\n", "row 1, column 'themes_3': unknown column: 'themes' has no option 3"),
    ("i1,i1\n1,2\n", "row 1, column 'i1': this column appears twice"),
    ("gender,i1\n1,2\n2,abc\n", "row 3, column 'i1': text 'abc' in numeric item 'i1'"),
    ("gender,i1\n1,7\n", "row 2, column 'i1': code 7 is outside the scale of 'i1' (1-6)"),
    ("gender,i1\n1,2.5\n", "row 2, column 'i1': code 2.5 is outside the scale of 'i1' (1-6)"),
    ("use\n0\n", "row 2, column 'use': code 0 is outside the scale of 'use' (1-4)"),
    ("age\n9\n", "row 2, column 'age': 9 is outside the range of 'age' (10-20)"),
    ("age;i1\n12,5;3\n", "row 2, column 'age': 12,5 is not a whole number"),
    ("gender,i1\nboy,2\nkille,3\n",
     "row 3, column 'gender': 'kille' is not a code or label of 'gender' (1 flicka, 2 pojke)"),
    ("themes\n1|4\n", "row 2, column 'themes': '4' is not an option of 'themes' "
                      "(1, 2, 9; separate several with '|')"),
    ("themes_1\n2\n", "row 2, column 'themes_1': '2' must be 0 or 1 (empty = not answered)"),
    ("gender|i1|i2\n1|2|3\n", "row 1: only one column 'gender|i1|i2' separated by '|'; "
                              "separate the columns with ',' or ';'"),
    ("gender,i1,i2\n1;2;3\n", "row 2: 1 field, but the header has 3 "
                              "(this row seems to use ';' as delimiter)"),
    ("gender,i1\n1,2,3\n", "row 2: 3 fields, but the header has 2"),
    ("gender,,i1\n1,x,2\n", "row 2, column '#2': a column without a name holds values"),
    ("themes,themes_1\n1,1\n",
     "row 1, column 'themes': 'themes' is given both as one column and as 'themes_<code>' columns"),
    # issue 14: only separators, not text, a workbook, a header naming no question
    (",,,\n,,,\n", "the file holds only separators (','), no header row of item ids"),
    (";;;;\r\n", "the file holds only separators (';'), no header row of item ids"),
    ("gender,i1\n\x00\x01", "the file is not text in UTF-8 or Windows-1252; save it as CSV (UTF-8) and import that"),
    ("PK\x03\x04\x14\x00", "the file is a .xlsx file, not CSV text; save it as CSV (UTF-8) and import that"),
    ("name,class\nKalle,9A\n",
     "row 1: no column of the header is a question of 'small' (e.g. i1, i2, i3); is the first row the header?"),
    ("1,2\n3,4\n",
     "row 1: no column of the header is a question of 'small' (e.g. i1, i2, i3); is the first row the header?"),
]


@pytest.mark.parametrize("content, message", MALFORMED)
def test_malformed(tmp_path, content, message):
    assert _error(tmp_path, content) == message


def test_first_error_in_reading_order(tmp_path):
    # i2 is bad on row 2, i1 only on row 3: the row-2 problem is reported.
    assert _error(tmp_path, "i1,i2\n1,8\n9,1\n") == \
        "row 2, column 'i2': code 8 is outside the scale of 'i2' (1-6)"


def test_r_fixture_reads():
    # Copied from ../shared/fixtures/scoring (R-generated, written by write.csv).
    path = Path(__file__).parent / "data" / "respondents.csv"
    ds = read_responses_csv(path, INST)
    assert ds.n == 60
    first = [line.split(",")[3] for line in path.read_text().splitlines()[1:]]
    assert int(np.isnan(ds.column("i1")).sum()) == first.count("")
    assert list(ds.groups["gender"][:3]) == ["pojke", "pojke", "flicka"]
    np.testing.assert_array_equal(ds.matrix[1, 2:10], [6, 2, 6, 1, 4, np.nan, 4, 2])


def test_trailing_delimiter_and_free_extra_columns(tmp_path):
    ds = _read(tmp_path, "gender;i1;#note;klass;\n1;2;hej;9A;\n2;3;;9B;\n")
    np.testing.assert_array_equal(ds.column("i1"), [2, 3])
    assert list(ds.groups["#note"]) == ["hej", ""]
    assert list(ds.groups["klass"]) == ["9A", "9B"]
