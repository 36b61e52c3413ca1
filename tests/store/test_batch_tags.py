"""Code batch tags: only the instrument's declared groups with their listed
values, a tagged batch of at least min_n codes, and migration 0005_privacy
dropping the free-form tags stored before (on SQLite and PostgreSQL)."""
from __future__ import annotations

import pytest
from sqlalchemy import select, update

from surveys import db
from surveys.loader import instruments_dir, load_instrument
from surveys.models import AccessCode, Response
from surveys.store import InvalidSurvey, Store

PRESETS = {"school": ["Skola A", "Skola B"], "class": ["9A", "9B"]}


def _cannabis_wave(store: Store, slug: str = "c-2018") -> None:
    path = instruments_dir() / "cannabis-attityd.yaml"
    inst = load_instrument(path)
    store.register_instrument(inst, path.read_text(encoding="utf-8"))
    store.create_survey(slug=slug, instrument_sha256=inst.sha256, label="2018", mode="codes",
                        presets=PRESETS, is_open=True)


def _refusal(store: Store, count: int, tags: dict) -> InvalidSurvey:
    with pytest.raises(InvalidSurvey) as refused:
        store.issue_codes("c-2018", count, tags)
    return refused.value


def test_tags_only_from_declared_groups_and_values(store) -> None:
    _cannabis_wave(store)
    # a free-form tag (a pupil's name) is refused, with the groups there are
    err = _refusal(store, 5, {"elev": "Anna"})
    assert err.reason == "tag_not_declared" and err.params["tag"] == "elev"
    assert err.params["known"] == "school, grade, gender, class"
    # a value outside the wave's list
    err = _refusal(store, 5, {"school": "Skola X"})
    assert (err.reason, err.params["value"], err.params["allowed"]) == ("tag_value_unknown", "Skola X",
                                                                        "Skola A, Skola B")
    # a class is a class of a school
    err = _refusal(store, 5, {"class": "9A"})
    assert (err.reason, err.params["parent"]) == ("tag_needs_parent", "school")
    # a tagged batch has at least min_n (5) codes
    err = _refusal(store, 4, {"school": "Skola A"})
    assert err.reason == "batch_too_small" and err.params["min_n"] == 5
    assert store.code_batches("c-2018") == []
    # allowed: listed values, in any case; option labels of a scale group
    codes = store.issue_codes("c-2018", 5, {"school": "skola a", "class": "9b", "gender": "flicka"})
    assert len(codes) == 5
    [batch] = store.code_batches("c-2018")
    assert batch.tags == {"school": "Skola A", "class": "9B", "gender": "Flicka"}
    handle = store.begin("c-2018", code=codes[0])
    assert handle.group_values == {"school": "Skola A", "class": "9B", "gender": "Flicka"}
    # untagged batches stay as they were (no tag can single anyone out)
    assert len(store.issue_codes("c-2018", 1)) == 1


def test_migration_drops_free_form_tags(database_url: str) -> None:
    # the data is made with today's store, then taken back to the revision
    # before 0005_privacy and given what a free-form batch of one left behind
    # there (the old store copied a code's tags into its response)
    db.upgrade(database_url, "head")
    engine = db.make_engine(database_url)
    try:
        store = Store(engine, secret_key=b"test-secret-key")
        _cannabis_wave(store)
        codes = store.issue_codes("c-2018", 5, {"school": "Skola A", "class": "9A"})
        handle = store.begin("c-2018", code=codes[0])
        db.downgrade(database_url, "0004_instrument_versions")
        free_form = {"school": "skola a", "class": "9A", "elev": "Anna", "grade": "åk 7"}
        with engine.begin() as conn:
            first = conn.execute(select(AccessCode.id).where(AccessCode.response_id == handle.id)).scalar_one()
            conn.execute(update(AccessCode).where(AccessCode.id == first).values(tags=free_form))
            conn.execute(update(Response).where(Response.id == handle.id).values(group_values=free_form))
        db.upgrade(database_url, "head")
        with engine.connect() as conn:
            tags = dict(conn.execute(select(AccessCode.id, AccessCode.tags)).all())
            values = conn.execute(select(Response.group_values)).scalars().all()
        assert tags[first] == {"school": "Skola A", "class": "9A"}
        assert all(t == {"school": "Skola A", "class": "9A"} for t in tags.values())
        assert values == [{"school": "Skola A", "class": "9A"}]
    finally:
        engine.dispose()
