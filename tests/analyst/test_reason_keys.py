"""Every refusal an analyst can meet is worded in Swedish (issue 16, item 5).

The reason keys are found in the code itself (every refusal made with a
constant key in ``surveys/``, ``scoring/`` and ``webapp/``, the XLSForm
problems included), so a new
key without a wording in ``webapp/analyst/messages.py`` fails here. Then real
requests in the Swedish interface show Swedish refusals for incomparable
waves and for a CSV import with bad rows.
"""
from __future__ import annotations

import ast
import html as html_lib
import io
import re
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from .conftest import SCHOOLS, register_changed_cannabis
from . import cannabis_answers as ca

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("surveys", "scoring", "webapp")


def _store_error_names() -> set[str]:
    """The names of StoreError and every subclass of it."""
    import surveys.accounts  # noqa: F401  (defines AccountError)
    from surveys.store import StoreError

    names, todo = set(), [StoreError]
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return names


def _calls() -> Iterator[tuple[str, str, ast.Call, ast.Module]]:
    """(file, called name, call, the file's tree) for every call in the three packages."""
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Call):
                    func = node.func
                    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                    yield str(path.relative_to(ROOT)), name, node, tree


#: Where the key is among the positional arguments, when not the second.
_KEY_POSITION = {"Refusal": 0, "err": 3, "error": 4, "note": 4, "Problem": 5}


def _reason_arg(name: str, call: ast.Call) -> ast.expr | None:
    """The expression giving the reason key of a refusal's constructor."""
    for kw in call.keywords:
        if kw.arg in ("reason", "key"):
            return kw.value
    position = _KEY_POSITION.get(name, 1)
    return call.args[position] if len(call.args) > position else None


def _constants(arg: ast.expr) -> list[str] | None:
    """The keys a constant (or a choice between constants) gives; None for anything else."""
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return [arg.value] if arg.value else []
    if isinstance(arg, ast.IfExp):
        body, orelse = _constants(arg.body), _constants(arg.orelse)
        return None if body is None or orelse is None else body + orelse
    return None


def _params(call: ast.Call, tree: ast.Module) -> dict[str, Any]:
    """A stand-in value (a number, which ``%s`` and ``%d`` both take) for
    every named parameter of the call, also those passed as ``**name`` of a
    dict literal assigned in the same file or as the dict literal of a ``Problem``."""
    names: list[str] = []
    for kw in call.keywords:
        if kw.arg and kw.arg != "reason":
            names.append(kw.arg)
        elif kw.arg is None and isinstance(kw.value, ast.Name):
            for node in ast.walk(tree):
                if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict)
                        and any(isinstance(t, ast.Name) and t.id == kw.value.id for t in node.targets)):
                    names += [k.value for k in node.value.keys if isinstance(k, ast.Constant)]
    # an XLSForm ``Problem`` takes its params as a dict literal after the key
    if getattr(call.func, "id", "") == "Problem" and len(call.args) > 6 and isinstance(call.args[6], ast.Dict):
        names += [k.value for k in call.args[6].keys if isinstance(k, ast.Constant)]
    # ``aspects`` lists the parts of a scale definition that differ
    return {name: ("items", "range") if name == "aspects" else 90001 + k for k, name in enumerate(names)}


def _indirect_tag_reasons() -> set[str]:
    """``surveys/store/groups.py`` returns tag refusals as (reason, group,
    value) tuples that ``codes.py`` raises with their reason: their keys."""
    tree = ast.parse((ROOT / "surveys/store/groups.py").read_text(encoding="utf-8"))
    return {node.elts[0].value for node in ast.walk(tree)
            if isinstance(node, ast.Tuple) and node.elts and isinstance(node.elts[0], ast.Constant)
            and isinstance(node.elts[0].value, str) and node.elts[0].value.startswith("tag_")}


def raised_keys() -> dict[str, dict[str, dict[str, Any]]]:
    """family -> reason key -> stand-in params, from the code."""
    store_errors = _store_error_names()
    families = {"Refusal": "import", "InvalidAnswer": "answer", "IncomparableError": "incomparable",
                "BreakdownError": "breakdown", "ScoringError": "scoring", "PasswordRefused": "account",
                "AccountError": "account"}
    xlsform = {"err", "error", "note", "Problem", "ExpressionError", "LanguageError", "_Bad"}
    found: dict[str, dict[str, dict[str, Any]]] = {}
    indirect: list[tuple[str, dict[str, Any]]] = []
    for path, name, call, tree in _calls():
        if path.startswith("surveys/xlsform/") and name in xlsform:
            family = "xlsform"
        elif (name not in families and name not in store_errors) or name == "InvalidRecords":
            continue  # InvalidRecords carries the InvalidAnswer refusals, found on their own
        else:
            family = families.get(name, "store")
        arg = _reason_arg(name, call)
        if arg is None:
            continue  # a refusal without a key keeps its English message
        keys = _constants(arg)
        if keys is not None:
            for key in keys:
                key = "password_" + key if name == "PasswordRefused" else key
                found.setdefault(family, {}).setdefault(key, {}).update(_params(call, tree))
        elif family == "xlsform" and isinstance(arg, (ast.Name, ast.Attribute)):
            pass  # passes on the key of a caught problem, found where that was raised
        elif isinstance(arg, ast.Name) and path == "surveys/store/codes.py":
            indirect.append((family, _params(call, tree)))
        elif not (isinstance(arg, ast.BinOp) and path == "surveys/accounts.py"):  # "password_" + reason
            raise AssertionError(f"{path}:{call.lineno}: a reason key this test cannot read; "
                                 "name it as a constant or teach the test where it comes from")
    for key in _indirect_tag_reasons():
        for family, params in indirect:
            found.setdefault(family, {}).setdefault(key, {}).update(params)
    return found


def _tables() -> dict[str, dict[str, Callable[[dict], str]]]:
    from webapp.analyst import messages as m

    return {"import": m._IMPORT, "answer": m._ANSWER, "incomparable": m._INCOMPARABLE,
            "breakdown": m._BREAKDOWN, "scoring": m._SCORING, "account": m._ACCOUNT, "store": m._MESSAGES,
            "xlsform": m._XLSFORM}


def _in(env: Any, lang: str, make: Callable[[], str]) -> str:
    with env.app.test_request_context(f"/analyst/?lang={lang}"):
        env.app.preprocess_request()
        return make()


def test_the_keys_are_found_in_the_code() -> None:
    keys = raised_keys()
    # a few known ones, so that the scan itself is checked
    assert "scale_differs" in keys["incomparable"] and "no_answers" in keys["incomparable"]
    assert "not_declared" in keys["breakdown"] and "unknown_column" in keys["scoring"]
    assert "out_of_scale" in keys["import"] and "answer_not_code" in keys["answer"]
    assert {"slug_taken", "tag_not_declared", "tag_needs_parent", "code_count"} <= set(keys["store"])
    assert "password_common" in keys["account"]
    assert {"expr_syntax", "type_unsupported", "language_unknown", "cell_not_number",
            "baseline_value_missing", "target_value_missing"} <= set(keys["xlsform"])


def test_every_reason_key_has_a_swedish_wording(env) -> None:
    tables = _tables()
    missing, same = [], []
    for family, keys in raised_keys().items():
        for key, params in keys.items():
            message = tables[family].get(key)
            if message is None:
                missing.append(f"{family}: {key}")
                continue
            swedish = _in(env, "sv", lambda: message(params))
            english = _in(env, "en", lambda: message(params))
            if swedish == english:
                same.append(f"{family}: {key}: {swedish}")
            for value in map(str, params.values()):  # the values named in English are named in Swedish too
                if value in english:
                    assert value in swedish, (family, key, swedish)
    assert not missing, "reason keys without a wording in webapp/analyst/messages.py: " + ", ".join(missing)
    assert not same, "not translated into Swedish: " + "; ".join(same)


def test_scale_differences_are_named_in_swedish(env) -> None:
    from scoring.comparison import check_comparable
    from scoring.errors import IncomparableError
    from webapp.analyst.messages import scoring_message
    from surveys.loader import instruments_dir, load_instrument_text

    inst = load_instrument_text((instruments_dir() / "cannabis-attityd.yaml").read_text(encoding="utf-8"),
                                "c.yaml")
    scale = inst.scales["restrictive"]
    from dataclasses import replace

    other = replace(scale, reversed=tuple(scale.reversed)[:2], min_answered=scale.min_answered - 1)
    with pytest.raises(IncomparableError) as info:
        check_comparable(scale, other)
    assert info.value.params["aspects"] == ("reversed", "min_answered")
    swedish = _in(env, "sv", lambda: scoring_message(info.value))
    assert swedish == ("Skalan restrictive är definierad på olika sätt i de två omgångarna (dess omvänt kodade "
                       "frågor, minsta antal besvarade frågor).")
    assert "reversed" not in swedish and "min_answered" not in swedish


def _page(response: Any) -> str:
    return html_lib.unescape(response.get_data(as_text=True))


def test_incomparable_waves_are_refused_in_swedish_on_the_page(env, logged_in) -> None:
    ca.answer_all(env.store, lambda n: env.store.issue_codes("cannabis-2018", n))
    env.store.create_survey(slug="cannabis-2019", instrument_sha256=register_changed_cannabis(env.store),
                            label="2019", mode="codes", presets={"school": SCHOOLS})
    c = logged_in("admin")
    r = c.get("/analyst/cannabis-2019/results?compare=cannabis-2018")
    assert r.status_code == 409
    refusal = re.search(r'<div class="error-box" role="alert"><p>(.*?)</p>', _page(r), re.S).group(1)
    assert refusal == ("Skalan restrictive är definierad på olika sätt i de två omgångarna (dess omvänt kodade "
                       "frågor).")
    r = c.get("/analyst/cannabis-2019/results?compare=cannabis-2018&lang=en")
    assert "The scale restrictive is defined differently in the two waves (its reverse-coded items)." in _page(r)
    # an undeclared breakdown, in Swedish too
    r = c.get("/analyst/cannabis-2018/results?by=nonesuch&lang=sv")
    assert r.status_code == 400
    assert "Resultaten kan inte delas upp efter nonesuch" in _page(r)


def _rejected_rows(c: Any, rows: str) -> str:
    """Import ``rows`` as a CSV file into cannabis-2018 (refused): the table of rejected rows."""
    r = c.post_form("/analyst/cannabis-2018/import", {"file": (io.BytesIO(rows.encode()), "w.csv")},
                    content_type="multipart/form-data")
    assert r.status_code == 400
    page = _page(r)
    return page[page.index('id="rejected"'):page.index("</table>", page.index('id="rejected"'))]


def test_a_csv_import_with_bad_rows_is_explained_in_swedish(env, logged_in) -> None:
    c = logged_in("a")
    rows = ("school,grade,gender,use,att01\n"
            "Rinmansskolan,1,1,1,5\n"
            "Rinmansskolan,1,1,1,9\n"      # att01 outside its scale (csvio)
            "Rinmansskolan,1,1,x,5\n")     # text in a number item (csvio)
    table = _rejected_rows(c, rows)
    reasons = re.findall(r"<td>([^<]*)</td></tr>", table)
    assert len(reasons) == 2, table
    assert reasons[0].startswith("Koden 9 finns inte på skalan för att01"), reasons
    assert "att01" not in reasons[1] and "use" in reasons[1], reasons
    for english in ("outside", "expects", "number", "not a"):
        assert english not in table, english
    assert env.store.progress("cannabis-2018")["total"]["submitted"] == 0


def test_rows_the_store_refuses_are_explained_in_swedish(env, logged_in) -> None:
    """A school code outside the wave's list passes the CSV reader (which
    knows no presets) and is refused by the store; its row is still named."""
    c = logged_in("a")
    rows = "school,grade,gender,use,att01\n1,1,1,1,5\n7,1,1,1,5\n"
    table = _rejected_rows(c, rows)
    assert re.findall(r'<th scope="row">(\d+)</th>', table) == ["3"]
    assert "7 är inte en av svarskoderna för school" in table


def test_a_refused_breakdown_is_titled_as_such(env, logged_in) -> None:
    r = logged_in("admin").get("/analyst/cannabis-2018/results?by=nonesuch&lang=sv")
    assert r.status_code == 400
    assert "<h1>Den här uppdelningen publiceras inte</h1>" in _page(r)


def test_form_validation_errors_are_in_swedish(env, logged_in) -> None:
    """WTForms' own messages and ours, in the Swedish interface, each next to
    its field and linked to it."""
    c = logged_in("admin")
    r = c.post_form("/analyst/cannabis-2018/codes?lang=sv", {"count": "0", "output": "html"})
    assert r.status_code == 400
    page = _page(r)
    assert '<p class="field-error" id="count-error-1"><span class="visually-hidden">Fel:</span> ' \
           "Numret måste vara mellan 1 och 2000.</p>" in page
    assert re.search(r'<input [^>]*aria-describedby="count-error-1"[^>]*aria-invalid="true"', page) or \
        re.search(r'<input [^>]*aria-invalid="true"[^>]*aria-describedby="count-error-1"', page), page
    sha = env.store.survey("cannabis-2018").instrument_sha256
    r = c.post_form("/analyst/waves/new?lang=sv", {"instrument": sha, "slug": "Inte En Adress", "label": "",
                                                   "mode": "codes", "presets": ""})
    assert r.status_code == 400
    page = _page(r)
    assert "Det här fältet är obligatoriskt." in page  # the label
    assert "This field is required" not in page and "Use lower-case" not in page
    # a hint is text: its <slug> is shown, not taken for a tag
    assert '<p class="hint" id="slug-hint">Enkäten besvaras på /s/&lt;slug&gt;/.</p>' in r.get_data(as_text=True)


def test_xlsform_problems_are_listed_in_swedish(env, logged_in, tmp_path) -> None:
    """Expression and scoring-sheet problems of an uploaded XLSForm, in the
    Swedish interface (the location stays FILE:SHEET:ROW:COLUMN)."""
    from tests.xlsform.workbook import write_form
    from .test_instrument_versions import _upload

    data = write_form(tmp_path / "w.xlsx",
                      [["type", "name", "label", "relevant"], ["integer", "age", "Ålder"],
                       ["text", "why", "Varför?", "${age} > 'x'"], ["text", "how", "Hur?", "string-length(.) > 3"]],
                      settings=[["form_id", "version", "default_language"], ["agetest", "1", "Svenska (sv)"]],
                      scoring=[["type", "name", "value"], ["setting", "suppression_min_n", "fem"],
                               ["setting", "colour", "blå"]]).read_bytes()
    r = _upload(logged_in("admin"), "w.xlsx", data)
    assert r.status_code == 400
    assert [html_lib.unescape(c) for c in re.findall(r"<code>(.*?)</code>", r.get_data(as_text=True))] == [
        "w.xlsx:survey:3:relevant: ${age} > behöver ett tal, inte x.",
        "w.xlsx:survey:4:relevant: string-length(.) hör hemma i constraint, inte i relevant.",
        "w.xlsx:scoring:2:value: 'fem' är inget heltal.",
        "w.xlsx:scoring:3:name: 'colour' är ingen inställning; använd en av title, description, provenance, "
        "suppression_min_n, languages, version."]
