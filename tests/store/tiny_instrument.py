"""A small instrument built from the dataclasses, for the store tests (the
real instruments come from instruments/*.yaml)."""
from __future__ import annotations

import hashlib

from surveys.instrument import Condition, Instrument, Item, Option, Page, ResponseScale, TagGroup, Text

SOURCE_YAML = "id: tiny\nversion: '1'\n# a stand-in source text for the store tests\n"


def _t(sv: str, en: str | None = None) -> Text:
    return Text({"sv": sv, **({"en": en} if en else {})})


def _scale(scale_id: str, *labels: str, other: int | None = None) -> ResponseScale:
    return ResponseScale(
        scale_id,
        tuple(Option(i, _t(label), other=(i == other)) for i, label in enumerate(labels, start=1)),
    )


def tiny_instrument(version: str = "1") -> Instrument:
    """Three pages: groups (school from the wave preset, grade, gender), use
    with a follow-up and a multi item with an "other" text, three attitudes."""
    scales = {
        s.id: s
        for s in (
            _scale("grade", "åk 9", "gy 1", "gy 2", "gy 3"),
            _scale("gender", "flicka", "pojke", "annat", "vill inte svara"),
            _scale("use", "aldrig", "provat någon gång", "ibland", "regelbundet"),
            _scale("themes", "belysning", "buskage", "annat", other=3),
            _scale("agree6", *(f"{i}" for i in range(1, 7))),
        )
    }
    pages = (
        Page(
            "about",
            _t("Om dig"),
            (
                Item("school", "single", _t("Skola"), group="school", options_from="preset"),
                Item("grade", "single", _t("Årskurs"), scale="grade", group="grade"),
                Item("gender", "single", _t("Kön"), scale="gender", group="gender"),
            ),
        ),
        Page(
            "use",
            _t("Användning"),
            (
                Item("use", "single", _t("Har du använt cannabis?"), scale="use", required=True),
                Item(
                    "use_first_age",
                    "number",
                    _t("Hur gammal var du första gången?"),
                    min=10,
                    max=20,
                    show_if=Condition(item="use", in_codes=(2, 3, 4)),
                ),
                Item("themes", "multi", _t("Otrygga platser"), scale="themes"),
                Item("comment", "text", _t("Kommentar"), max_length=50),
            ),
        ),
        Page(
            "attitudes",
            _t("Attityder"),
            tuple(Item(f"att0{i}", "single", _t(f"Påstående {i}"), scale="agree6") for i in (1, 2, 3)),
        ),
    )
    sha = hashlib.sha256((SOURCE_YAML + version).encode()).hexdigest()
    return Instrument(
        id="tiny",
        version=version,
        title=_t("Liten enkät"),
        languages=("sv", "en"),
        response_scales=scales,
        pages=pages,
        sha256=sha,
        # the store tests issue batches of one code: no disclosure minimum here
        suppression_min_n=1,
        tag_groups=(TagGroup("class", _t("Klass"), within="school", values=("9A", "9B")),),
    )


SCHOOLS = ["Skolan A", "Skolan B", "Skolan C"]


def make_survey(store, slug: str = "tiny-2024", mode: str = "codes", is_open: bool = True):
    """Register the tiny instrument and create an open wave of it."""
    inst = tiny_instrument()
    store.register_instrument(inst, SOURCE_YAML)
    return store.create_survey(
        slug=slug,
        instrument_sha256=inst.sha256,
        label="2024",
        mode=mode,
        presets={"school": SCHOOLS},
        is_open=is_open,
    )
