"""A wave to load: the cannabis instrument in code mode, codes per school,
and the counts of what the database holds afterwards (plain SQL)."""
from __future__ import annotations

from pathlib import Path

SCHOOLS = ["Skolan A", "Skolan B", "Skolan C"]
INSTRUMENT = "cannabis-attityd"
#: Every batch's class (a tag group of the instrument; the wave lists it).
CLASS = "9A"


def seed_wave(database_url: str, secret: str, respondents: int, slug: str = "bench-cannabis") -> list[str]:
    """Register the instrument, open a wave ``slug`` and issue one code per
    respondent (spread over the schools); the database must be migrated."""
    from surveys.db import make_engine
    from surveys.loader import load_all
    from surveys.store import Store

    engine = make_engine(database_url)
    try:
        store = Store(engine, secret.encode("utf-8"))
        instrument = load_all()[INSTRUMENT]
        store.register_instrument(instrument, Path(instrument.path).read_text(encoding="utf-8"))
        store.create_survey(slug=slug, instrument_sha256=instrument.sha256, label="Benchmark",
                            mode="codes", presets={"school": SCHOOLS, "class": [CLASS]})
        store.set_open(slug, True)
        codes: list[str] = []
        # a tagged batch has at least the instrument's minimum group size of codes
        per_school = max(-(-respondents // len(SCHOOLS)), instrument.suppression_min_n)
        for school in SCHOOLS:
            codes += store.issue_codes(slug, per_school, tags={"school": school, "class": CLASS})
        return codes[:respondents]
    finally:
        engine.dispose()


def stored_counts(database_url: str, slug: str) -> dict[str, int]:
    """Responses by status, spent codes, and the (response, page) pairs that
    hold answers of submitted responses (pages from the instrument)."""
    from sqlalchemy import text

    from surveys.db import make_engine
    from surveys.loader import load_all

    page_of = {item.id: page.id for page in load_all()[INSTRUMENT].pages for item in page.items}
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            rows = dict(conn.execute(text(
                "SELECT r.status, count(*) FROM responses r JOIN surveys s ON s.id = r.survey_id "
                "WHERE s.slug = :slug GROUP BY r.status"), {"slug": slug}).all())
            spent = conn.execute(text(
                "SELECT count(*) FROM access_codes c JOIN surveys s ON s.id = c.survey_id "
                "WHERE s.slug = :slug AND c.status = 'spent'"), {"slug": slug}).scalar_one()
            answered = conn.execute(text(
                "SELECT DISTINCT a.response_id, a.item_id FROM answers a JOIN responses r ON r.id = a.response_id "
                "JOIN surveys s ON s.id = r.survey_id WHERE s.slug = :slug AND r.status = 'submitted'"),
                {"slug": slug}).all()
    finally:
        engine.dispose()
    pages = {(rid, page_of.get(item.split("_other")[0], item)) for rid, item in answered}
    return {"submitted": rows.get("submitted", 0), "in_progress": rows.get("in_progress", 0),
            "spent_codes": spent, "submitted_pages": len(pages)}
