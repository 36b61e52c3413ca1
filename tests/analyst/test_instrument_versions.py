"""Instrument versions in the workspace: an admin uploads an XLSForm (or YAML),
sees the problems as one line each, previews every page per language with
conditions tried, publishes; versions are listed with hash and what changed,
a draft cannot carry a wave, and the comparability rule uses the changes."""
from __future__ import annotations

import copy
import io
import re
from typing import Any

import pytest
from werkzeug.http import parse_options_header

from .conftest import Client, csrf_token


def _cannabis_doc() -> dict[str, Any]:
    from surveys.loader import instruments_dir, parse_document

    path = instruments_dir() / "cannabis-attityd.yaml"
    return parse_document(path.read_text(encoding="utf-8"), str(path))[0]


def _reworded(version: str = "2019.1") -> dict[str, Any]:
    doc = copy.deepcopy(_cannabis_doc())
    doc["version"] = version
    att03 = next(i for p in doc["pages"] for i in p["items"] if i["id"] == "att03")
    att03["text"]["sv"] = "Cannabis är farligt för hälsan, ny formulering."
    doc["pages"][-1]["items"].append({"id": "extra", "kind": "text", "text": {"sv": "Något mer?"}})
    return doc


def _upload(c: Client, name: str, data: bytes) -> Any:
    html = c.get("/analyst/instruments/").get_data(as_text=True)
    return c.client.post("/analyst/instruments/upload", data={
        "csrf_token": csrf_token(html), "file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def test_upload_preview_publish_and_compare(env, logged_in) -> None:
    from scoring.comparison import check_instruments_comparable
    from scoring.errors import IncomparableError
    from surveys.xlsform import export_xlsform

    admin = logged_in("admin")
    r = _upload(admin, "cannabis-2019.xlsx", export_xlsform(_reworded()))
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    preview_url = r.headers["Location"]
    sha = preview_url.rstrip("/").rsplit("/", 1)[1]
    assert env.store.instrument_info(sha).published is False
    page = admin.get(preview_url).get_data(as_text=True)
    assert "Filen är giltig." in page  # flashed, in Swedish
    assert "att03 omformulerad (sv)" in page and "extra tillagd" in page
    # every page, in Swedish; the follow-up question is hidden until "use" is answered 2-4
    instrument = env.store.instrument(sha)
    for p in instrument.pages:
        assert f'id="page-{p.id}"' in page
    assert "Vilken skola går du på?" in page and 'id="use"' in page and 'id="use_last"' not in page
    assert "use_last visas inte med de här svaren; visas bara om use in [2, 3, 4]" in page
    tried = admin.get(preview_url + "?language=sv&use=2").get_data(as_text=True)
    assert 'id="use_last"' in tried and "Visas, eftersom: use in [2, 3, 4]" in tried
    english = admin.get(preview_url + "?language=en").get_data(as_text=True)
    assert "Which school do you attend?" in english and 'lang="en"' in english
    # a draft is not offered for a new wave and cannot carry one
    assert sha not in admin.get("/analyst/waves/new").get_data(as_text=True)
    from surveys.store import InvalidSurvey
    with pytest.raises(InvalidSurvey) as err:
        env.store.create_survey(slug="early", instrument_sha256=sha, label="x", presets={"school": ["A"]})
    assert err.value.reason == "draft_instrument"
    # publish
    r = admin.post_form(preview_url, {}, action=f"/analyst/instruments/{sha}/publish")
    assert r.status_code == 302
    listing = admin.get("/analyst/instruments/").get_data(as_text=True)
    assert "Version 2019.1 av cannabis-attityd är publicerad" in listing
    row = re.search(rf'<tr id="version-{sha[:12]}">(.*?)</tr>', listing, re.S).group(1)
    assert "2019.1" in row and "Publicerad" in row and "att03 omformulerad (sv)" in row and "från XLSForm" in row
    info = env.store.instrument_info(sha)
    old_sha = env.store.survey("cannabis-2018").instrument_sha256
    assert info.published and info.previous_sha256 == old_sha and info.source_format == "xlsform"
    assert sha in admin.get("/analyst/waves/new").get_data(as_text=True)
    # the old wave keeps its version; the reworded scale item makes the versions incomparable
    assert env.store.survey("cannabis-2018").instrument_sha256 == old_sha
    with pytest.raises(IncomparableError) as why:
        check_instruments_comparable(env.store.instrument(sha), env.store.instrument(old_sha))
    assert why.value.reason == "item_reworded" and why.value.params == {"item": "att03", "scale": "restrictive"}
    # publishing twice, or another content under the same version label, is refused in Swedish
    assert 'id="publish"' not in admin.get(preview_url).get_data(as_text=True)
    r = admin.post_form(preview_url, {}, action=f"/analyst/instruments/{sha}/publish")
    assert r.status_code == 302
    assert "Version 2019.1 av cannabis-attityd är redan publicerad." in admin.get(preview_url).get_data(as_text=True)
    other = _reworded()
    other["title"]["sv"] = "Annan titel"
    r = _upload(admin, "again.xlsx", export_xlsform(other))
    other_url = r.headers["Location"]
    r = admin.post_form(other_url, {}, action=other_url.rstrip("/") + "/publish")
    assert r.status_code == 302
    assert "Version 2019.1 av cannabis-attityd är redan publicerad med annat innehåll" in \
        admin.get(other_url).get_data(as_text=True)


def test_upload_problems_are_listed_line_by_line(env, logged_in) -> None:
    from surveys.xlsform import export_xlsform

    doc = _reworded()
    doc["scales"]["restrictive"]["reversed"] = ["att02", "nope"]
    admin = logged_in("admin")
    r = _upload(admin, "broken.xlsx", export_xlsform(doc))
    assert r.status_code == 400
    page = r.get_data(as_text=True)
    assert "Filen sparades inte." in page
    assert "<code>broken.xlsx:scoring:17:reversed: Frågan &#39;nope&#39; ingår inte i den här skalan.</code>" in page
    r = _upload(admin, "broken.yaml", b"id: x\nversion: '1'\n")
    assert r.status_code == 400
    assert re.findall(r"<code>(.*?)</code>", r.get_data(as_text=True)) == [
        f"broken.yaml:1: {field}: Ett obligatoriskt fält saknas."
        for field in ("languages", "pages", "response_scales", "title")]
    from tests.xlsform.workbook import write_form
    import tempfile
    from pathlib import Path
    with tempfile.TemporaryDirectory() as tmp:
        named = write_form(Path(tmp) / "named.xlsx", [["type", "name", "label"], ["select_one yn", "q", "Fråga"]],
                           [["list_name", "name", "label"], ["yn", "yes", "Ja"], ["yn", "no", "Nej"]],
                           [["form_id", "version"], ["named", "1"]]).read_bytes()
        dated = write_form(Path(tmp) / "dated.xlsx", [["type", "name", "label", "relevant"],
                                                      ["date", "when", "När?"],
                                                      ["text", "why", "Varför?", "${when} = '1'"]],
                           settings=[["form_id", "version"], ["Dated Form", "1"]]).read_bytes()
    r = _upload(admin, "dated.xlsx", dated)
    assert r.status_code == 400
    assert re.findall(r"<code>(.*?)</code>", r.get_data(as_text=True)) == [
        "dated.xlsx:survey:2:type: &#39;date&#39; är ingen typ som stöds; använd text, integer, decimal, select_one LISTA, "
        "select_multiple LISTA (båda kan sluta med or_other), note, begin group eller end group.",
        "dated.xlsx:survey:3:relevant: ${when} är ingen fråga före den här raden (ett villkor kan bara använda "
        "tidigare frågor)."]
    r = _upload(admin, "named.xlsx", named)
    assert r.status_code == 302
    assert "named.xlsx:choices:2:name: obs: alternativen i listan yn är inte heltal; de kodas 1..n i listans " \
           "ordning (yes=1, no=2)." in admin.get(r.headers["Location"]).get_data(as_text=True)
    r = _upload(admin, "notes.txt", b"hello")
    assert r.status_code == 400 and "notes.txt: välj en XLSForm (.xlsx) eller en instrumentfil (.yaml)." in \
        r.get_data(as_text=True)


def test_yaml_upload_and_who_may_do_what(env, logged_in) -> None:
    from surveys.loader import instruments_dir

    analyst = logged_in("a")
    assert analyst.get("/analyst/instruments/").status_code == 200
    text = (instruments_dir() / "trygghet.yaml").read_text(encoding="utf-8").replace(
        'version: "2018.1"', 'version: "2019.1"')
    assert _upload(analyst, "trygghet.yaml", text.encode()).status_code == 403
    admin = logged_in("admin")
    r = _upload(admin, "trygghet.yaml", text.encode())
    assert r.status_code == 302
    page = admin.get(r.headers["Location"]).get_data(as_text=True)
    assert "Ingen fråga ändrades" in page
    # any version downloads as an XLSForm that imports back into the same content
    from surveys.xlsform import import_xlsform_bytes

    sha = r.headers["Location"].rstrip("/").rsplit("/", 1)[1]
    link = re.search(r'href="([^"]+\.xlsx)"', page).group(1)
    xlsx = analyst.get(link)
    assert xlsx.status_code == 200
    assert parse_options_header(xlsx.headers["Content-Disposition"]) == \
        ("attachment", {"filename": "trygghet-2019.1.xlsx"})
    assert import_xlsform_bytes(xlsx.get_data(), "t.xlsx").instrument.sha256 == sha
    assert "استبيان" in admin.get(r.headers["Location"] + "?language=ar").get_data(as_text=True)
