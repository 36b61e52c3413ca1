"""Builders for the scoring tests: the R reference respondents and a
small instrument built directly from the model dataclasses."""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from surveys.dataset import Dataset
from surveys.instrument import (Baseline, Index, IndexLevel, IndexVariable, Instrument, Item, Option, Page,
                                ResponseScale, Scale, Share, Target, Text)

DATA = Path(__file__).resolve().parent.parent / "data" / "scoring"
ITEMS = [f"i{j}" for j in range(1, 9)]


def text(sv: str) -> Text:
    return Text({"sv": sv, "en": sv})


def agree6() -> ResponseScale:
    return ResponseScale("agree6", tuple(Option(c, text(f"svar {c}")) for c in range(1, 7)))


def fixture_instrument(min_n: int = 5, **scale_kw) -> Instrument:
    """The instrument of the R vectors: i1-i8 (1-6), i2 i4 i6 i8 reversed,
    min 6 answered, baseline 3.72; gender and school groups; use (1-4)."""
    scales = {
        "agree6": agree6(),
        "use": ResponseScale("use", tuple(Option(c, text(f"use {c}")) for c in range(1, 5))),
        "gender": ResponseScale("gender", (Option(1, text("flicka")), Option(2, text("pojke"))), numeric=False),
    }
    items = tuple(Item(i, "single", text(i), scale="agree6") for i in ITEMS)
    page = Page("p1", text("Sida"), (
        Item("gender", "single", text("Kön"), scale="gender", group="gender"),
        Item("school", "single", text("Skola"), group="school", options_from="preset"),
        *items,
        Item("use", "single", text("Bruk"), scale="use"),
    ))
    kw = dict(items=tuple(ITEMS), reversed=("i2", "i4", "i6", "i8"), min_answered=6,
              baseline=Baseline(3.72, 2014), target=Target(4.72))
    kw.update(scale_kw)
    scale = Scale("attityd", text("Attityd"), **kw)
    share = Share("never", "use", (1,), text("Aldrig"), baseline=Baseline(0.85, 2014), target=Target(0.9))
    return Instrument("fixture", "1", text("Test"), ("sv", "en"), scales, (page,),
                      scales={"attityd": scale}, shares={"never": share}, suppression_min_n=min_n,
                      sha256="0" * 64)


def read_respondents() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(items matrix, use, gender labels, school labels) of respondents.csv."""
    rows = list(csv.DictReader((DATA / "respondents.csv").open(encoding="utf-8")))
    X = np.array([[float(r[i]) if r[i] else np.nan for i in ITEMS] for r in rows])
    use = np.array([float(r["use"]) for r in rows])
    return X, use, np.array([r["gender"] for r in rows]), np.array([r["school"] for r in rows])


def fixture_dataset() -> Dataset:
    X, use, gender, school = read_respondents()
    return Dataset(columns=[*ITEMS, "use"], matrix=np.column_stack([X, use]),
                   groups={"gender": gender, "school": school})


def index_instrument(cut_points=(0.1, 0.2, 0.3, 0.4, 0.5, 0.6), min_answers: int = 5, min_n: int = 5) -> Instrument:
    """Three yes/no index variables (problem = 1) and an area group."""
    yn = ResponseScale("yn", (Option(1, text("ja")), Option(2, text("nej"))), numeric=False)
    items = tuple(Item(f"v{j}", "single", text(f"v{j}"), scale="yn") for j in (1, 2, 3))
    page = Page("p", text("Sida"), (Item("area", "single", text("Område"), group="area",
                                         options_from="preset"), *items))
    variables = tuple(IndexVariable(f"v{j}", f"v{j}", (1,), text(f"v{j}"), "worry", tuple(cut_points))
                      for j in (1, 2, 3))
    levels = (IndexLevel(2, text("normal"), "#0a0"), IndexLevel(3.9, text("notera"), "#aa0"),
              IndexLevel(6, text("åtgärda"), "#a00"))
    index = Index("trygghetsindex", text("Trygghetsindex"), variables, levels, min_answers=min_answers,
                  baseline=Baseline(1.67, 2014), goal_max=2)
    return Instrument("trygg", "1", text("T"), ("sv",), {"yn": yn}, (page,), indices={"trygghetsindex": index},
                      suppression_min_n=min_n)


def report_json_of(instrument: Instrument, dataset: Dataset, **kwargs) -> dict:
    """The JSON of ``score_report`` (``scoring.model_json``): the contract
    these tests check key by key."""
    from scoring.model_json import report_to_json
    from scoring.report import score_report

    return report_to_json(score_report(instrument, dataset, **kwargs))
