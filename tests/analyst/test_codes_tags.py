"""The codes form: group values of a batch only from drop-downs of the
wave's declared groups and listed values; a tagged batch has at least min_n
codes; a free-form tag cannot be given (issue 11)."""
from __future__ import annotations

import html as html_lib
import re

from .conftest import SCHOOLS

SLUG = "cannabis-2018"


def test_codes_form_offers_declared_groups_and_listed_values(env, logged_in) -> None:
    c = logged_in("a")
    page = c.get(f"/analyst/{SLUG}/codes?lang=en").get_data(as_text=True)
    school = re.search(r'<select id="tag_school" name="tag_school">(.*?)</select>', page, re.S).group(1)
    values = [html_lib.unescape(v) for v in re.findall(r'<option[^>]*value="([^"]*)"', school)]
    assert values == ["", *SCHOOLS]
    gender = re.search(r'<select id="tag_gender" name="tag_gender">(.*?)</select>', page, re.S).group(1)
    assert 'value="Flicka"' in gender
    # the wave has no list of classes: no class drop-down, and no free text box
    assert 'id="tag_class"' not in page and 'id="tags"' not in page and "<textarea" not in page


def test_free_form_values_and_small_batches_are_refused(env, logged_in) -> None:
    c = logged_in("a")
    form = f"/analyst/{SLUG}/codes"
    # a value that is not in the list
    r = c.post_form(form, {"count": "30", "tag_school": "Elev Anna", "output": "html"})
    assert r.status_code == 400
    # a tagged batch smaller than min_n (5), in Swedish
    r = c.post_form(form + "?lang=sv", {"count": "3", "tag_school": SCHOOLS[0], "output": "html"})
    assert r.status_code == 400
    assert "En omgång koder med gruppvärden har minst 5 koder." in html_lib.unescape(r.get_data(as_text=True))
    assert env.store.code_batches(SLUG) == []
    # a made-up field is no tag: the batch carries only the chosen school
    r = c.post_form(form, {"count": "5", "tag_school": SCHOOLS[1], "tag_elev": "Anna", "output": "html"})
    assert r.status_code == 200
    [batch] = env.store.code_batches(SLUG)
    assert batch.tags == {"school": SCHOOLS[1]} and batch.issued == 5


def test_class_tags_within_a_school_from_the_waves_list(env, logged_in) -> None:
    sha = env.store.survey(SLUG).instrument_sha256
    env.store.create_survey(slug="cannabis-2019", instrument_sha256=sha, label="2019", mode="codes",
                            presets={"school": SCHOOLS, "class": ["9A", "9B"]}, is_open=True)
    c = logged_in("admin")
    form = "/analyst/cannabis-2019/codes"
    r = c.post_form(form + "?lang=en", {"count": "5", "tag_class": "9A", "output": "html"})
    assert r.status_code == 400
    assert "must also be tagged with school" in html_lib.unescape(r.get_data(as_text=True))
    r = c.post_form(form, {"count": "5", "tag_school": SCHOOLS[0], "tag_class": "9A", "output": "html"})
    assert r.status_code == 200
    [batch] = env.store.code_batches("cannabis-2019")
    assert batch.tags == {"school": SCHOOLS[0], "class": "9A"}


def test_import_stores_only_declared_group_columns(env, logged_in) -> None:
    """An imported case number or name never reaches the stored answers, the
    raw downloads or the breakdowns; the analyst is told which columns."""
    import io

    c = logged_in("a")
    rows = "school;grade;use;case_no;elev\n" + "".join(
        f"{SCHOOLS[0]};1;1;2014-{i:03d};Elev{i:02d}\n" for i in range(6))
    r = c.post_form(f"/analyst/{SLUG}/import?lang=en",
                    {"file": (io.BytesIO(rows.encode()), "old.csv")},
                    content_type="multipart/form-data", follow_redirects=True)
    page = html_lib.unescape(r.get_data(as_text=True))
    assert "6 responses imported." in page
    assert "The columns case_no, elev are not groups of this survey and were not stored." in page
    assert all(set(rec["groups"]) <= {"school", "grade"} for rec in env.store.wave_records(SLUG))
    raw = c.get(f"/analyst/{SLUG}/downloads/raw-csv").data.decode("utf-8-sig")
    assert "Elev01" not in raw and "2014-001" not in raw and "case_no" not in raw
