"""Reproducible synthetic waves for the demo, generated from the instruments.

Every figure is made up: the schools are FICTIONAL (invented names in an
Eskilstuna style), the respondents are random draws from a seeded
``numpy.random.Generator``. The waves are tuned to the published 2014 figures
the instruments cite (cannabis: 2576 respondents, 85 % never tried, 3 %
regular use, would try 7 % yes and 13 % don't know, restrictive scale mean
3.72; trygghet: city index 1.67 with the four priority areas at 4-6), so that
the scored demo looks like the real thing. Answers are generated per
respondent and item, then every item whose ``show_if`` fails is blanked, so a
respondent is consistent (follow-ups only after use, "other" text only when
"other" was chosen).

A wave is a list of records, item id -> code (int), text (str) or chosen codes
(list[int]); group items hold their label. :func:`write_csv` writes the CSV
``survey-engine score`` reads; the same records go into the demo database.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from surveys.instrument import Instrument

#: The default seed of the demo waves.
SEED = 2014

#: FICTIONAL schools: six with åk 9, six gymnasier (names invented).
SCHOOLS_AK9 = ("Ekbackeskolan", "Hyttbacksskolan", "Kvarnängsskolan",
               "Smedjebackens skola", "Stålbergsskolan", "Ärlaholmsskolan")
SCHOOLS_GY = ("Bruksgymnasiet", "Hammarbygymnasiet", "Järnbäraregymnasiet",
              "Mälarstrandsgymnasiet", "Rinmansdals gymnasium", "Ågatans gymnasium")
SCHOOLS = SCHOOLS_AK9 + SCHOOLS_GY

#: The four priority areas of the agreement (labels in trygghet's area scale).
PRIORITY_AREAS = ("Skiftinge", "Årby", "Fröslunda", "Lagersberg")

@dataclass
class Wave:
    """One synthetic wave of one instrument."""

    name: str                      # also the CSV file stem and the demo slug
    instrument_id: str
    year: int
    records: list[dict[str, Any]]
    presets: dict[str, list[str]] = field(default_factory=dict)
    label: str = ""


@dataclass(frozen=True)
class CannabisTargets:
    """Marginals of one cannabis wave (shares of all respondents)."""

    n: int
    year: int
    use: tuple[float, float, float, float]       # aldrig, provat, ibland, regelbundet
    would_try_yes: float
    would_try_dont_know: float
    restrictive_mean: float


CANNABIS_2014 = CannabisTargets(n=2576, year=2014, use=(0.85, 0.07, 0.05, 0.03),
                                would_try_yes=0.07, would_try_dont_know=0.13,
                                restrictive_mean=3.72)
#: A follow-up that moved towards the targets (4.72; halve ibland/regelbundet).
CANNABIS_2018 = CannabisTargets(n=2412, year=2018, use=(0.88, 0.06, 0.04, 0.02),
                                would_try_yes=0.06, would_try_dont_know=0.12,
                                restrictive_mean=4.08)


# --- shared helpers --------------------------------------------------------------

def _by_rank(score: np.ndarray, shares: tuple[float, ...]) -> np.ndarray:
    """Category 0..k-1 by rank of ``score`` (low score = category 0), with
    exactly the given shares (rounded) of the entries in each category."""
    n = len(score)
    order = np.argsort(score, kind="stable")
    bounds = np.round(np.cumsum(shares) * n).astype(int)
    cat = np.empty(n, dtype=int)
    start = 0
    for k, stop in enumerate(bounds):
        cat[order[start:stop]] = k
        start = stop
    cat[order[start:]] = len(shares) - 1
    return cat


def _pick(rng: np.random.Generator, labels: tuple[str, ...] | list[str],
          p: list[float] | np.ndarray, n: int) -> np.ndarray:
    p = np.asarray(p, dtype=float)
    return np.asarray(labels, dtype=object)[rng.choice(len(labels), size=n, p=p / p.sum())]


def _apply_conditions(instrument: "Instrument", records: list[dict[str, Any]]) -> None:
    """Blank every item (and page) whose display condition fails."""
    for rec in records:
        for page in instrument.pages:
            page_shown = page.show_if is None or page.show_if.evaluate(rec)
            for item in page.items:
                if not page_shown or (item.show_if and not item.show_if.evaluate(rec)):
                    rec.pop(item.id, None)


def _non_response(rng: np.random.Generator, instrument: "Instrument",
                  records: list[dict[str, Any]], item_rate: float, partial_rate: float,
                  keep: set[str] = frozenset()) -> None:
    """Drop ``item_rate`` of the answers at random, and let ``partial_rate``
    of the respondents stop after a random page (group items stay)."""
    pages = instrument.pages
    n = len(records)
    stops = np.where(rng.random(n) < partial_rate,
                     rng.integers(1, max(len(pages), 2), size=n), len(pages))
    items = [(p, item.id) for p, page in enumerate(pages) for item in page.items
             if not item.group and item.id not in keep]
    dropped = rng.random((n, len(items))) < item_rate
    for r, rec in enumerate(records):
        for k, (p, item_id) in enumerate(items):
            if p >= stops[r] or dropped[r, k]:
                rec.pop(item_id, None)


def _group_label(instrument: "Instrument", item_id: str, code: int) -> str:
    item = instrument.item(item_id)
    return instrument.response_scale(item).label(code)


# --- cannabis-attityd -------------------------------------------------------------

def cannabis_wave(instrument: "Instrument", targets: CannabisTargets = CANNABIS_2014,
                  seed: int = SEED, name: str | None = None) -> Wave:
    """A cannabis-attityd wave with the marginals of ``targets``."""
    rng = np.random.default_rng([seed, targets.year, 1])
    n = targets.n
    # Schools: åk 9 schools are smaller than the gymnasier; åk 9 only in the former.
    sizes = np.array([150, 120, 170, 110, 140, 160, 330, 290, 260, 310, 280, 256], float)
    school_idx = rng.choice(len(SCHOOLS), size=n, p=sizes / sizes.sum())
    is_ak9 = school_idx < len(SCHOOLS_AK9)
    grade = np.where(is_ak9, 1, rng.choice([2, 3, 4], size=n, p=[0.36, 0.33, 0.31]))
    gender = rng.choice([1, 2, 3, 4], size=n, p=[0.48, 0.475, 0.015, 0.03])

    # Liberal leaning: schools differ, boys and older pupils are more liberal.
    school_effect = np.linspace(-0.45, 0.45, len(SCHOOLS))[rng.permutation(len(SCHOOLS))]
    liberal = (rng.normal(0, 1, n) + school_effect[school_idx]
               + 0.35 * (gender == 2) - 0.1 * (gender == 1) + 0.12 * (grade - 1))
    use = 1 + _by_rank(liberal + rng.normal(0, 0.8, n), targets.use)
    user = use >= 2
    # would_try: users answer yes more often; the overall shares hit the targets.
    yes_u, dk_u = 0.30, 0.20
    n_user = user.mean()
    yes_n = max(targets.would_try_yes - yes_u * n_user, 0.0) / (1 - n_user)
    dk_n = max(targets.would_try_dont_know - dk_u * n_user, 0.0) / (1 - n_user)
    wt_score = liberal + rng.normal(0, 0.7, n)
    would_try = np.empty(n, dtype=int)
    for mask, yes, dk in ((user, yes_u, dk_u), (~user, yes_n, dk_n)):
        cat = _by_rank(-wt_score[mask], (yes, dk, 1 - yes - dk))  # most liberal first
        would_try[mask] = np.array([1, 3, 2])[cat]

    age_now = 14 + grade  # åk 9 ~ 15, gy 3 ~ 18
    records: list[dict[str, Any]] = []
    for r in range(n):
        rec: dict[str, Any] = {
            "school": SCHOOLS[school_idx[r]],
            "grade": _group_label(instrument, "grade", int(grade[r])),
            "gender": _group_label(instrument, "gender", int(gender[r])),
            "use": int(use[r]),
            "would_try": int(would_try[r]),
        }
        if use[r] >= 2:
            rec["use_last"] = int(rng.choice([1, 2, 3], p={2: [0.1, 0.4, 0.5], 3: [0.45, 0.45, 0.1],
                                                           4: [0.85, 0.15, 0.0]}[int(use[r])]))
            rec["use_first_age"] = int(min(age_now[r], max(12, round(rng.normal(age_now[r] - 1.2, 1.0)))))
        p_offered = 0.92 if use[r] >= 2 else 0.18 + 0.05 * (grade[r] - 1)
        rec["offered"] = int(rng.choice([1, 2, 3], p=[p_offered, (1 - p_offered) * 0.85,
                                                      (1 - p_offered) * 0.15]))
        ease = 1 + np.clip(np.round(1.6 + 0.4 * liberal[r] + 0.6 * (use[r] >= 2)
                                    + rng.normal(0, 0.8)), 0, 3)
        rec["ease_to_get"] = 9 if rng.random() < 0.15 else int(ease)
        records.append(rec)

    _attitudes(rng, instrument, records, liberal, use)
    _knowledge(rng, instrument, records, grade)
    _generic(rng, instrument, records)
    _non_response(rng, instrument, records, item_rate=0.03, partial_rate=0.04,
                  keep={"use", "would_try"})
    _calibrate_scale(instrument, records, "restrictive", targets.restrictive_mean)
    _apply_conditions(instrument, records)
    return Wave(name=name or f"cannabis-{targets.year}", instrument_id=instrument.id,
                year=targets.year, records=records, presets={"school": list(SCHOOLS)},
                label=f"Cannabisenkäten {targets.year} (syntetisk)")


def _attitudes(rng: np.random.Generator, instrument: "Instrument",
               records: list[dict[str, Any]], liberal: np.ndarray, use: np.ndarray) -> None:
    """att01..att12: restrictive statements fall and liberal ones rise with the
    liberal leaning (and use); a latent continuous response is kept for the
    calibration of the scale mean, rounded later."""
    scale = instrument.scales.get("restrictive")
    reversed_ = set(scale.reversed) if scale else set()
    att_items = [i.id for i in instrument.items if i.id.startswith("att")]
    lean = liberal + 0.5 * (use - 1)
    for j, item_id in enumerate(att_items):
        loading = 0.9 + 0.15 * np.sin(j)
        sign = 1.0 if item_id in reversed_ else -1.0
        if scale is None or item_id not in scale.items:
            sign = 1.0 if j % 2 else -1.0
            loading *= 0.6
        latent = sign * loading * lean + rng.normal(0, 0.85, len(records))
        for r, rec in enumerate(records):
            rec[item_id] = float(latent[r])  # shifted and rounded in _calibrate_scale


def _calibrate_scale(instrument: "Instrument", records: list[dict[str, Any]],
                     scale_id: str, target: float) -> None:
    """Turn the latent attitude values into codes 1-6, with a common shift
    found by bisection so that the mean of the per-respondent scale scores
    (reverse-coded, min_answered respected) is ``target``."""
    att_items = [i.id for i in instrument.items if i.id.startswith("att")]
    if not att_items:
        return
    scale = instrument.scales.get(scale_id)
    lo_code, hi_code = (scale.response_min, scale.response_max) if scale else (1, 6)
    latent = np.array([[rec.get(i, np.nan) for i in att_items] for rec in records], float)
    if scale is None:
        codes = np.clip(np.round(3.5 + latent), lo_code, hi_code)
    else:
        cols = [att_items.index(i) for i in scale.items]
        rev = np.array([i in scale.reversed for i in scale.items])

        def mean_score(shift: float) -> float:
            x = np.clip(np.round(latent[:, cols] + 3.5 + np.where(rev, -shift, shift)),
                        lo_code, hi_code)
            x = np.where(rev, lo_code + hi_code - x, x)
            answered = (~np.isnan(x)).sum(axis=1)
            with np.errstate(invalid="ignore"):
                s = np.nanmean(np.where(answered[:, None] > 0, x, 0), axis=1)
            s = s[answered >= scale.min_answered]
            return float(s.mean())

        lo, hi = -4.0, 4.0
        for _ in range(50):
            mid = (lo + hi) / 2
            if mean_score(mid) < target:
                lo = mid
            else:
                hi = mid
        shift = (lo + hi) / 2
        shifts = np.array([(-shift if i in scale.reversed else shift) if i in scale.items
                           else 0.0 for i in att_items])
        codes = np.clip(np.round(latent + 3.5 + shifts), lo_code, hi_code)
    for r, rec in enumerate(records):
        for j, item_id in enumerate(att_items):
            if item_id in rec:
                rec[item_id] = int(codes[r, j])


def _knowledge(rng: np.random.Generator, instrument: "Instrument",
               records: list[dict[str, Any]], grade: np.ndarray) -> None:
    scale = instrument.scales.get("knowledge")
    if scale is None or not scale.key:
        return
    ability = rng.normal(0, 1, len(records)) + 0.2 * (grade - 1)
    for j, (item_id, key) in enumerate(scale.key.items()):
        codes = instrument.response_scale(instrument.item(item_id)).codes
        wrong = [c for c in codes if c != key and c != 3]
        difficulty = -0.4 + 0.25 * j % 1.2
        p_right = 1 / (1 + np.exp(-(0.9 * ability - difficulty + 0.4)))
        u = rng.random(len(records))
        for r, rec in enumerate(records):
            if u[r] < p_right[r]:
                rec[item_id] = key
            elif u[r] < p_right[r] + (1 - p_right[r]) * 0.55:
                rec[item_id] = 3 if 3 in codes else wrong[0]
            else:
                rec[item_id] = wrong[int(rng.integers(len(wrong)))] if wrong else key


def _generic(rng: np.random.Generator, instrument: "Instrument",
             records: list[dict[str, Any]]) -> None:
    """Any item the tuned generators did not fill: a plausible random answer
    (so the demo keeps working when an instrument gains an item)."""
    for item in instrument.items:
        if item.group:
            continue
        scale = instrument.response_scale(item)
        for rec in records:
            if item.id in rec:
                continue
            if item.kind == "single" and scale is not None:
                codes = scale.valid_codes or scale.codes
                rec[item.id] = int(codes[int(rng.integers(len(codes)))])
            elif item.kind == "number" and item.min is not None and item.max is not None:
                lo, hi = item.code_bounds  # a decimal item's record holds its stored code
                rec[item.id] = int(rng.integers(lo, hi + 1))


# --- trygghet ------------------------------------------------------------------------

def _class_share(cuts: tuple[float, ...], k: float) -> float:
    """A problem share in the middle of class ``k`` (0-6) for these cut points."""
    k = int(round(k))
    if k <= 0:
        return cuts[0] / 2
    if k >= 6:
        return min(0.95, cuts[5] * 1.25)
    return (cuts[k - 1] + cuts[k]) / 2


def trygghet_wave(instrument: "Instrument", year: int = 2014, seed: int = SEED,
                  city_target: float = 1.67, name: str | None = None) -> Wave:
    """A trygghet wave over every area: the city index (all respondents) near
    ``city_target`` and the four priority areas at 4-6."""
    rng = np.random.default_rng([seed, year, 2])
    index = next(iter(instrument.indices.values()))
    area_item = instrument.item("area")
    area_labels = [o.label.get() for o in instrument.response_scale(area_item).options]
    size = {a: (115 if a in PRIORITY_AREAS else 60 if a.startswith("Annan") else 135)
            for a in area_labels}
    priority_level = {"Skiftinge": 4.6, "Årby": 5.1, "Fröslunda": 4.9, "Lagersberg": 4.5}
    rest = [a for a in area_labels if a not in PRIORITY_AREAS]
    # Some of the other areas are a little worse or better than the rest.
    rest_factor = dict(zip(rest, np.linspace(0.55, 1.45, len(rest))[rng.permutation(len(rest))]))
    n_pri = sum(size[a] for a in PRIORITY_AREAS)
    n_rest = sum(size[a] for a in rest)
    weights_rest = np.array([size[a] * rest_factor[a] for a in rest]) / n_rest

    shares: dict[str, dict[str, float]] = {a: {} for a in area_labels}
    # City classes: a mix of classes floor/ceil(city_target) averaging to it.
    frac = city_target - np.floor(city_target)
    n_vars = len(index.variables)
    n_up = int(round(frac * n_vars))
    up = set(rng.permutation(n_vars)[:n_up].tolist())
    for v, var in enumerate(index.variables):
        k_city = np.floor(city_target) + (1 if v in up else 0)
        city = _class_share(var.cut_points, k_city)
        total_pri = 0.0
        for a in PRIORITY_AREAS:
            lvl = priority_level[a]
            k = np.floor(lvl) + (1 if rng.random() < lvl - np.floor(lvl) else 0)
            shares[a][var.id] = _class_share(var.cut_points, k)
            total_pri += size[a] * shares[a][var.id]
        base = max((city * (n_pri + n_rest) - total_pri) / n_rest, var.cut_points[0] * 0.25)
        norm = base / weights_rest.sum()
        for a in rest:
            shares[a][var.id] = min(0.95, norm * rest_factor[a])

    records: list[dict[str, Any]] = []
    for a in area_labels:
        n = size[a]
        gender = rng.choice([1, 2, 3, 4], size=n, p=[0.5, 0.47, 0.01, 0.02])
        age = rng.choice([1, 2, 3, 4], size=n, p=[0.16, 0.34, 0.3, 0.2])
        answers = {}
        for var in index.variables:
            p = np.full(n, shares[a][var.id])
            if var.family == "worry":  # women worry more (the seed: out alone late)
                p = np.minimum(0.95, p * np.select([gender == 1, gender == 2], [1.3, 0.7], 1.0))
            answers[var.item] = _problem_answers(rng, instrument, var.item, var.problem, p)
        for r in range(n):
            rec: dict[str, Any] = {
                "area": a,
                "gender": _group_label(instrument, "gender", int(gender[r])),
                "age_band": _group_label(instrument, "age_band", int(age[r])),
            }
            for item_id, values in answers.items():
                rec[item_id] = int(values[r])
            records.append(rec)
    order = rng.permutation(len(records))
    records = [records[i] for i in order]
    _generic(rng, instrument, records)
    _non_response(rng, instrument, records, item_rate=0.02, partial_rate=0.0)
    _apply_conditions(instrument, records)
    return Wave(name=name or f"trygghet-{year}", instrument_id=instrument.id, year=year,
                records=records, label=f"Trygghetsundersökning {year} (syntetisk)")


def _problem_answers(rng: np.random.Generator, instrument: "Instrument", item_id: str,
                     problem: tuple[int, ...], p: np.ndarray) -> np.ndarray:
    """One answer per respondent: a problem response with probability ``p``."""
    scale = instrument.response_scale(instrument.item(item_id))
    codes = scale.valid_codes
    out = np.empty(len(p), dtype=int)
    is_bad = rng.random(len(p)) < p
    for mask, pool in ((is_bad, [c for c in codes if c in problem]),
                       (~is_bad, [c for c in codes if c not in problem])):
        # Milder answers are more common: weights 1, 1/2, 1/4 ... along the pool.
        w = np.array([2.0 ** -k for k in range(len(pool))])
        out[mask] = np.asarray(pool)[rng.choice(len(pool), size=int(mask.sum()), p=w / w.sum())]
    return out


# --- medborgardialog ------------------------------------------------------------------

_THEME_BASE = {1: 0.42, 2: 0.38, 3: 0.33, 4: 0.18, 5: 0.36, 6: 0.3, 7: 0.22, 8: 0.2,
               9: 0.15, 10: 0.19, 11: 0.27, 12: 0.31, 99: 0.06}
_OTHER_TEXTS = ("Hundar utan koppel", "Hög musik på nätterna", "Trasiga lekplatser",
                "Folk som dricker vid busshållplatsen", "För få vuxna ute på kvällarna")
_PLACES = ("Gångtunneln under stora vägen", "Parkeringen bakom centrum",
           "Cykelvägen genom skogsdungen", "Lekplatsen vid skolan", "Busshållplatsen vid torget",
           "Källarförråden i höghusen", "Fotbollsplanen på kvällen")


def medborgardialog_wave(instrument: "Instrument", year: int = 2015, seed: int = SEED,
                         name: str | None = None) -> Wave:
    """A medborgardialog wave in the four priority areas; later years name
    lighting and tunnels a little less often (measures taken)."""
    rng = np.random.default_rng([seed, year, 3])
    theme_item = next(i for i in instrument.items if i.kind == "multi")
    scale = instrument.response_scale(theme_item)
    change = {1: -0.08, 5: -0.06, 2: -0.03, 12: -0.05} if year > 2015 else {}
    area_bias = {"Skiftinge": {6: 0.1, 11: 0.08}, "Årby": {7: 0.1, 9: 0.07},
                 "Fröslunda": {4: 0.1, 10: 0.06}, "Lagersberg": {2: 0.08, 3: 0.08}}
    records: list[dict[str, Any]] = []
    for a in PRIORITY_AREAS:
        n = int(rng.integers(55, 80))
        for _ in range(n):
            rec: dict[str, Any] = {
                "area": a,
                "gender": _group_label(instrument, "gender", int(rng.choice([1, 2, 3, 4], p=[0.52, 0.44, 0.01, 0.03]))),
                "age_band": _group_label(instrument, "age_band", int(rng.choice([1, 2, 3, 4], p=[0.15, 0.35, 0.3, 0.2]))),
            }
            chosen = [c for c in scale.codes
                      if rng.random() < _THEME_BASE.get(c, 0.15) + change.get(c, 0.0)
                      + area_bias[a].get(c, 0.0)]
            if chosen:  # nothing chosen is "not answered", as in the CSV
                rec[theme_item.id] = chosen
            if any(o.other and o.code in chosen for o in scale.options):
                rec[f"{theme_item.id}_other"] = str(rng.choice(_OTHER_TEXTS))
            if rng.random() < 0.45:
                rec["unsafe_places"] = str(rng.choice(_PLACES))
            for item in instrument.items:
                if item.id.startswith("measure_"):
                    codes = instrument.response_scale(item).codes
                    p = np.array([0.05, 0.08, 0.2, 0.3, 0.32, 0.05][: len(codes)])
                    rec[item.id] = int(rng.choice(codes, p=p / p.sum()))
            records.append(rec)
    _generic(rng, instrument, records)
    _non_response(rng, instrument, records, item_rate=0.03, partial_rate=0.03)
    _apply_conditions(instrument, records)
    # The "other" text goes with the choice: drop it when the choice was dropped.
    for rec in records:
        if theme_item.id not in rec:
            rec.pop(f"{theme_item.id}_other", None)
    return Wave(name=name or f"medborgardialog-{year}", instrument_id=instrument.id,
                year=year, records=records, label=f"Medborgardialog {year} (syntetisk)")


# --- all demo waves, CSV ----------------------------------------------------------------

def demo_waves(instruments: dict[str, "Instrument"], seed: int = SEED) -> list[Wave]:
    """The demo waves, in a fixed order: cannabis 2014 and 2018, trygghet
    2014, medborgardialog 2015 and 2016."""
    can, tr, md = (instruments["cannabis-attityd"], instruments["trygghet"],
                   instruments["medborgardialog"])
    return [cannabis_wave(can, CANNABIS_2014, seed), cannabis_wave(can, CANNABIS_2018, seed),
            trygghet_wave(tr, 2014, seed),
            medborgardialog_wave(md, 2015, seed), medborgardialog_wave(md, 2016, seed)]


def csv_columns(instrument: "Instrument") -> list[str]:
    """The CSV header for ``instrument``: every item id in questionnaire
    order (a ``multi`` item is one column of codes joined by ``|``, followed
    by its ``_other`` text when an option asks for one)."""
    cols: list[str] = []
    ids = {i.id for i in instrument.items}
    for item in instrument.items:
        cols.append(item.id)
        if item.kind == "multi":
            scale = instrument.response_scale(item)
            other = f"{item.id}_other"
            if scale and any(o.other for o in scale.options) and other not in ids:
                cols.append(other)
    return cols


def write_csv(wave: Wave, instrument: "Instrument", path: str | Path) -> int:
    """Write ``wave`` as the CSV ``survey-engine score`` reads (UTF-8, ``,``);
    returns the number of rows."""
    cols = csv_columns(instrument)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(cols)
        for rec in wave.records:
            writer.writerow([_cell(rec.get(c)) for c in cols])
    return len(wave.records)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "|".join(str(v) for v in value)
    return str(value)
