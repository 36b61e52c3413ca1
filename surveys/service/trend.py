"""The trend of a wave: this wave and every earlier comparable wave the user
may see, in survey-year order, scored and compared step by step."""
from __future__ import annotations

from typing import Any, Sequence

from scoring.errors import IncomparableError
from scoring.model_json import report_to_json
from scoring.trend import Trend, TrendWave, build_trend
from surveys.service.comparison import earlier_waves, why_not_comparable
from surveys.service.waves import load_wave, report
from surveys.store import SurveyInfo


def trend_waves(store: Any, survey: SurveyInfo, visible: Sequence[SurveyInfo]) -> list[SurveyInfo]:
    """The waves of ``survey``'s trend, oldest first: the earlier waves among
    ``visible`` that can be compared with it (as for the previous wave:
    scales defined the same way, submitted answers), then ``survey`` itself."""
    earlier = [o for o in earlier_waves(survey, visible) if why_not_comparable(store, survey, o) is None]
    return list(reversed(earlier)) + [survey]


def wave_trend(store: Any, survey: SurveyInfo, visible: Sequence[SurveyInfo]) -> Trend:
    """The trend of ``survey`` over its comparable waves among ``visible``
    (the waves the user may see): each wave's figures through its
    disclosure control, each step the comparison with the wave before
    (none where those two cannot be compared)."""
    chain = trend_waves(store, survey, visible)
    loaded = [load_wave(store, s.slug) for s in chain]
    reports = []
    for i, wave in enumerate(loaded):
        try:
            reports.append(report_to_json(report(wave, (), loaded[i - 1] if i else None)))
        except IncomparableError:
            reports.append(report_to_json(report(wave, (), None)))
    return build_trend([TrendWave(s.slug, s.label, s.year) for s in chain], reports)
