"""The yearly report's fixed phrases in Swedish and English, and its figures
through the report model's :class:`surveys.formatting.Formatter` (decimal
comma in Swedish, "–" for a hidden or missing figure).

This module is the report's translation table: the template asks for a
phrase by key (``t("summary")``) and never holds a language of its own.
"""
from __future__ import annotations

from typing import Sequence

from surveys.formatting import HIDDEN, Formatter

#: Languages the report is written in; Swedish is the default.
LANGUAGES = ("sv", "en")
DEFAULT_LANGUAGE = "sv"

_PHRASES: dict[str, dict[str, str]] = {
    "report": {"sv": "Årsrapport", "en": "Yearly report"},
    "wave": {"sv": "Omgång", "en": "Wave"},
    "compared_with": {"sv": "Jämförs med", "en": "Compared with"},
    "no_comparison": {"sv": "Ingen tidigare jämförbar omgång.", "en": "No earlier comparable wave."},
    "respondents": {"sv": "svarande", "en": "respondents"},
    "contents": {"sv": "Innehåll", "en": "Contents"},
    "summary": {"sv": "Sammanfattning: målen", "en": "Summary: the goals"},
    "summary_intro": {
        "sv": "Varje mål med utgångsvärde, målvärde, läget nu med 95 % konfidensintervall och en "
              "bedömning. På väg: hela intervallet ligger på målets sida om utgångsvärdet (eller målet "
              "är nått). Inte på väg: hela intervallet ligger på fel sida om utgångsvärdet, eller "
              "området ligger över målvärdet. Oklart: intervallet rymmer utgångsvärdet, eller värdet "
              "är dolt.",
        "en": "Each goal with its baseline, target, the value now with its 95 % confidence interval "
              "and an assessment. On track: the whole interval lies on the target's side of the "
              "baseline (or the target is reached). Not on track: the whole interval lies on the "
              "wrong side of the baseline, or the area is above the target. Unclear: the interval "
              "holds the baseline, or the figure is hidden."},
    "goal": {"sv": "Mål", "en": "Goal"},
    "baseline": {"sv": "Utgångsvärde", "en": "Baseline"},
    "target": {"sv": "Målvärde", "en": "Target"},
    "now": {"sv": "Nu", "en": "Now"},
    "ci": {"sv": "95 % KI", "en": "95 % CI"},
    "assessment": {"sv": "Bedömning", "en": "Assessment"},
    "on_track": {"sv": "På väg", "en": "On track"},
    "not_on_track": {"sv": "Inte på väg", "en": "Not on track"},
    "unclear": {"sv": "Oklart", "en": "Unclear"},
    "no_goals": {"sv": "Instrumentet anger inga målvärden.", "en": "The instrument states no targets."},
    "assumed": {"sv": "antaget", "en": "assumed"},
    "index_goal": {"sv": "%(index)s högst %(goal)s: %(area)s", "en": "%(index)s at most %(goal)s: %(area)s"},
    "whole_city": {"sv": "Hela staden", "en": "Whole city"},
    "no_ci_index": {"sv": "Indexet har inget konfidensintervall (ett medelvärde av klasser).",
                    "en": "The index has no confidence interval (a mean of classes)."},
    "scales": {"sv": "Skalor", "en": "Scales"},
    "shares": {"sv": "Andelar", "en": "Shares"},
    "group": {"sv": "Grupp", "en": "Group"},
    "all": {"sv": "Alla", "en": "All"},
    "no_answer": {"sv": "Inget svar", "en": "No answer"},
    "mean": {"sv": "Medelvärde", "en": "Mean"},
    "percent": {"sv": "Andel", "en": "Percent"},
    "of": {"sv": "av", "en": "of"},
    "change": {"sv": "Förändring", "en": "Change"},
    "previous": {"sv": "Förra omgången", "en": "Previous wave"},
    "difference": {"sv": "Skillnad", "en": "Difference"},
    "chart_of": {"sv": "Diagram: %(title)s. Samma siffror står i tabellen nedan.",
                 "en": "Chart: %(title)s. The table below gives the same figures."},
    "change_text_scale": {
        "sv": "Jämfört med %(wave)s (n = %(n)s, medelvärde %(before)s): skillnad %(diff)s, Welch t-test "
              "%(p)s, Hedges g %(g)s.",
        "en": "Compared with %(wave)s (n = %(n)s, mean %(before)s): difference %(diff)s, Welch t test "
              "%(p)s, Hedges' g %(g)s."},
    "change_text_share": {
        "sv": "Jämfört med %(wave)s (%(before)s av %(n)s): skillnad %(diff)s procentenheter, %(p)s.",
        "en": "Compared with %(wave)s (%(before)s of %(n)s): difference %(diff)s percentage points, %(p)s."},
    "baseline_test": {"sv": "Mot utgångsvärdet %(base)s (%(year)s): skillnad %(diff)s, %(p)s.",
                      "en": "Against the baseline %(base)s (%(year)s): difference %(diff)s, %(p)s."},
    "index_baseline": {"sv": "Hela staden mot utgångsvärdet %(base)s (%(year)s): skillnad %(diff)s.",
                       "en": "The whole city against the baseline %(base)s (%(year)s): difference %(diff)s."},
    "index_by_area": {"sv": "%(index)s per område", "en": "%(index)s by area"},
    "area": {"sv": "Område", "en": "Area"},
    "index": {"sv": "Index", "en": "Index"},
    "level": {"sv": "Nivå", "en": "Level"},
    "at_4_6": {"sv": "Variabler på 4–6", "en": "Variables at 4–6"},
    "none": {"sv": "inga", "en": "none"},
    "levels_text": {"sv": "Nivåer", "en": "Levels"},
    "goal_index": {"sv": "Mål: högst %(goal)s i varje område.", "en": "Goal: at most %(goal)s in every area."},
    "themes": {"sv": "Medborgardialog: teman per område", "en": "Citizen dialogue: themes by area"},
    "theme": {"sv": "Tema", "en": "Theme"},
    "themes_note": {
        "sv": "Andel som nämnt temat; inom parentes förändringen i procentenheter sedan %(wave)s.",
        "en": "Share naming the theme; in brackets the change in percentage points since %(wave)s."},
    "themes_note_alone": {"sv": "Andel av de svarande i området som nämnt temat.",
                          "en": "Share of the area's respondents naming the theme."},
    "hidden_note": {
        "sv": "– betyder dold: färre än %(min_n)s svarande i cellen, eller färre än %(min_n)s som gav "
              "(eller inte gav) svaret, eller dold för att en annan dold cell inte ska kunna räknas fram "
              "ur summor.",
        "en": "– means hidden: fewer than %(min_n)s respondents in the cell, or fewer than %(min_n)s who "
              "gave (or did not give) the answer, or hidden so that another hidden cell cannot be worked "
              "out from totals."},
    "trend": {"sv": "Utveckling över omgångarna", "en": "Trend over the waves"},
    "trend_intro": {"sv": "Varje jämförbar omgång (efter undersökningsår) med medelvärde, andel eller index.",
                    "en": "Every comparable wave (by survey year) with its mean, share or index."},
    "measure": {"sv": "Mått", "en": "Measure"},
    "trend_significant": {
        "sv": "* = förändringen från omgången före är statistiskt signifikant (p < %(level)s; Welchs t-test för "
              "skalor, tvåproportionstest för andelar; index testas inte). ↑/↓ visar riktningen.",
        "en": "* = the change from the wave before is statistically significant (p < %(level)s; Welch's t test "
              "for scales, two-proportion test for shares; an index is not tested). ↑/↓ give the direction."},
    "bra_caution": {
        "sv": "Brå avråder från att dra slutsatser av förändringar mellan två enskilda år: en skillnad mellan två "
              "mätningar kan bero på slumpen och på vilka som svarade. Läs utvecklingen över flera omgångar.",
        "en": "Brå (the Swedish National Council for Crime Prevention) advises against drawing conclusions from "
              "changes between two single years: a difference between two measurements may come from chance and "
              "from who answered. Read the development over several waves."},
    "method": {"sv": "Metodbilaga", "en": "Method annex"},
    "population": {"sv": "Population", "en": "Population"},
    "population_codes": {"sv": "De som fått en svarskod: %(issued)s koder utdelade.",
                         "en": "Those given an access code: %(issued)s codes issued."},
    "population_open": {"sv": "Öppen länk: alla som nåtts av inbjudan; populationens storlek är okänd.",
                        "en": "Open link: everyone the invitation reached; the size of the population is "
                              "unknown."},
    "responses": {"sv": "Svar", "en": "Responses"},
    "responses_text": {"sv": "%(submitted)s inskickade svar (%(imported)s importerade från fil), %(open)s "
                             "påbörjade men inte inskickade.",
                       "en": "%(submitted)s submitted responses (%(imported)s imported from a file), "
                             "%(open)s begun but not submitted."},
    "response_rate": {"sv": "Svarsfrekvens", "en": "Response rate"},
    "response_rate_text": {"sv": "%(rate)s: %(spent)s av %(issued)s utdelade koder användes.",
                           "en": "%(rate)s: %(spent)s of %(issued)s issued codes were used."},
    "response_rate_none": {"sv": "Kan inte beräknas: omgången har inga utdelade koder (öppen länk eller "
                                 "importerade svar).",
                           "en": "Cannot be computed: the wave has no issued codes (an open link or "
                                 "imported responses)."},
    "dates": {"sv": "Insamling", "en": "Collection"},
    "dates_text": {"sv": "Svaren skickades in vecka %(first)s till %(last)s (ISO-veckor; dagen sparas inte).",
                   "en": "The responses were submitted in weeks %(first)s to %(last)s (ISO weeks; the day "
                         "is not stored)."},
    "methods": {"sv": "Beräkningar", "en": "Methods"},
    "methods_text": {
        "sv": "Skalvärde per svarande: medelvärdet av besvarade påståenden efter omkodning (7 − x) av de "
              "liberala, om minst det angivna antalet besvarats. Medelvärden med 95 % konfidensintervall "
              "enligt Students t; andelar med Wilsons intervall. Mot utgångsvärdet: t-test för ett "
              "stickprov (skalor) och exakt binomialtest (andelar). Mot förra omgången: Welchs t-test "
              "med Hedges g, och Fishers exakta test eller tvåproportionstest för andelar. Grupper mot "
              "övriga: Holm-korrigerade p-värden. Alla test är tvåsidiga. Trygghetsindex: varje variabels "
              "andel med problem klassas 0–6 efter instrumentets gränsvärden; indexet är medelvärdet av "
              "klasserna.",
        "en": "Scale score per respondent: the mean of the answered statements after reverse coding "
              "(7 − x) of the liberal ones, when at least the stated number is answered. Means with 95 % "
              "confidence intervals by Student's t; shares with Wilson intervals. Against the baseline: "
              "one-sample t test (scales) and exact binomial test (shares). Against the previous wave: "
              "Welch's t test with Hedges' g, and Fisher's exact test or the two-proportion test for "
              "shares. Groups against the rest: Holm-corrected p values. Every test is two-sided. "
              "Safety index: each variable's share with problems is classed 0–6 by the instrument's cut "
              "points; the index is the mean of the classes."},
    "suppression": {"sv": "Skydd av små grupper", "en": "Protection of small groups"},
    "suppression_text": {
        "sv": "En cell med färre än %(min_n)s svarande visas aldrig, och en andel k av n visas bara när "
              "både k och n − k är 0 eller minst %(min_n)s. Ytterligare celler döljs där en dold cell annars "
              "kunde räknas fram ur summor (samma skydd som resultatsidan, API:et och nedladdningarna).",
        "en": "A cell with fewer than %(min_n)s respondents is never shown, and a share k of n only when "
              "both k and n − k are 0 or at least %(min_n)s. Further cells are hidden where a hidden cell "
              "could otherwise be worked out from totals (the same protection as the results page, the "
              "API and the downloads)."},
    "instrument": {"sv": "Instrument", "en": "Instrument"},
    "instrument_text": {"sv": "%(id)s version %(version)s, sha256 %(sha256)s.",
                        "en": "%(id)s version %(version)s, sha256 %(sha256)s."},
    "reconstructed": {"sv": "Rekonstruerat", "en": "Reconstructed"},
    "reconstructed_text": {
        "sv": "%(n)s av %(total)s frågor har rekonstruerad ordalydelse (källdokumentet ger fakta och "
              "siffror men inte frågornas text).",
        "en": "%(n)s of %(total)s questions have reconstructed wording (the source document gives facts "
              "and figures but not the questions' text)."},
    "assumed_baselines": {"sv": "Antagna utgångsvärden (inte publicerade siffror): %(names)s.",
                          "en": "Assumed baselines (not published figures): %(names)s."},
    "page": {"sv": "Sida", "en": "Page"},
}

#: How the report names the usual group columns (others show their own name).
_GROUPS: dict[str, dict[str, str]] = {
    "school": {"sv": "Skola", "en": "School"},
    "grade": {"sv": "Årskurs", "en": "Grade"},
    "gender": {"sv": "Kön", "en": "Gender"},
    "area": {"sv": "Område", "en": "Area"},
    "age_band": {"sv": "Åldersgrupp", "en": "Age group"},
    "class": {"sv": "Klass", "en": "Class"},
}


class Texts:
    """The report's phrases and figure formats in one language."""

    def __init__(self, lang: str) -> None:
        if lang not in LANGUAGES:
            raise ValueError(f"the report is written in {' or '.join(LANGUAGES)}, not {lang!r}")
        self.lang = lang
        self.figures = Formatter.for_readers(lang)

    def __call__(self, key: str, **params: object) -> str:
        """The phrase ``key``, with ``%(name)s`` filled from ``params``."""
        text = _PHRASES[key][self.lang]
        return text % params if params else text

    def group(self, column: str) -> str:
        return _GROUPS.get(column, {}).get(self.lang, column)

    # ----------------------------------------------------------- figures
    # The numbers are the report model's Formatter (surveys/formatting.py),
    # with the decimal comma for Swedish readers.
    def num(self, value: float | int | None, digits: int = 2) -> str:
        """A figure with ``digits`` decimals; whole counts as they are."""
        return self.figures.number(value, digits)

    def short(self, value: float) -> str:
        """A chart's figure: at most two decimals, trailing zeros dropped (4,72; 20)."""
        return self.figures.short(value)

    def signed(self, value: float | None, digits: int = 2) -> str:
        """A change with its sign (+0,40 / -1,00)."""
        return self.figures.signed(value, digits)

    def pct(self, value: float | None, digits: int = 1) -> str:
        return self.figures.percent(value, digits)

    def ci(self, ci: Sequence[float | None] | None, digits: int = 2, unit: str = "") -> str:
        return self.figures.interval(ci, digits, unit)

    def p(self, p: float | None) -> str:
        """``p < 0,001`` or ``p = 0,053`` (in a sentence)."""
        return self.figures.p_text(p)
