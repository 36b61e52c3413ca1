"""Server-side routing through an instrument: which pages and questions are
shown for the answers so far, where to resume, which answers went stale.

Pure logic over the instrument dataclasses; no Flask, no database.
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

from surveys.instrument import Instrument, Item, Note, Page

from webapp.forms import Question, answered, item_options


class Flow:
    """The respondent's path through ``instrument``.

    ``fixed_groups`` are group names whose value came with the access code
    (the question is not asked); ``presets`` are the wave's option lists for
    ``options_from: preset`` items.
    """

    def __init__(
        self,
        instrument: Instrument,
        presets: Mapping[str, Sequence[str]] | None = None,
        fixed_groups: frozenset[str] | set[str] = frozenset(),
    ) -> None:
        self.instrument = instrument
        self.presets = presets or {}
        self.fixed_groups = frozenset(fixed_groups)
        self._item_ids = {item.id for item in instrument.items}
        self._askable: dict[str, tuple[Question, ...]] = {}

    # -- what is asked --------------------------------------------------
    def askable(self, page: Page) -> Sequence[Question]:
        """The page's questions ignoring display conditions (built once per
        page: a Flow is reused across requests, see ``views._flow``)."""
        cached = self._askable.get(page.id)
        if cached is None:
            cached = self._askable[page.id] = tuple(
                Question(
                    item,
                    item_options(self.instrument, item, self.presets),
                    own_other=f"{item.id}_other" not in self._item_ids,
                )
                for item in page.items
                if not (item.group and item.group in self.fixed_groups)
            )
        return cached

    def questions(self, page: Page, answers: Mapping[str, Any]) -> list[Question]:
        """The questions shown on ``page`` for ``answers``."""
        if page.show_if is not None and not page.show_if.evaluate(answers):
            return []
        return [q for q in self.askable(page) if _shown(q.item, answers)]

    def notes(self, page: Page, answers: Mapping[str, Any]) -> dict[str | None, list[Note]]:
        """The page's conditional notes shown for ``answers``, by the shown
        question they follow (None: the top of the page); a note whose
        question is hidden moves up to the shown question before it."""
        shown = {q.item.id for q in self.questions(page, answers)}
        anchor: dict[str | None, str | None] = {None: None}
        last: str | None = None
        for item in page.items:
            anchor[item.id] = item.id if item.id in shown else last
            last = anchor[item.id]
        placed: dict[str | None, list[Note]] = {}
        for note in page.notes:
            if note.shown(answers):
                placed.setdefault(anchor.get(note.after), []).append(note)
        return placed

    def pages(self, answers: Mapping[str, Any]) -> list[Page]:
        """The pages shown for ``answers``, in order (empty pages skipped)."""
        return [p for p in self.instrument.pages if self.questions(p, answers)]

    def page(self, page_id: str) -> Page | None:
        return next((p for p in self.instrument.pages if p.id == page_id), None)

    @staticmethod
    def page_fields(questions: Sequence[Question]) -> list[str]:
        return [name for q in questions for name in q.field_names()]

    # -- where to go ----------------------------------------------------
    def complete(self, page: Page, answers: Mapping[str, Any]) -> bool:
        """A page is done when every required question is answered and at
        least one question has an answer."""
        qs = self.questions(page, answers)
        if any(q.item.required and not answered(answers.get(q.item.id)) for q in qs):
            return False
        return any(answered(answers.get(q.item.id)) for q in qs) or not qs

    def first_unanswered(self, answers: Mapping[str, Any]) -> Page | None:
        """Where a resumed respondent continues (None: ready to review)."""
        return next((p for p in self.pages(answers) if not self.complete(p, answers)), None)

    def missing_required(self, answers: Mapping[str, Any]) -> list[tuple[Page, Item]]:
        """Required questions still unanswered, with their page."""
        return [
            (p, q.item)
            for p in self.pages(answers)
            for q in self.questions(p, answers)
            if q.item.required and not answered(answers.get(q.item.id))
        ]

    def neighbour(self, page: Page, answers: Mapping[str, Any], step: int) -> Page | None:
        """The next (``step`` 1) or previous (-1) shown page around ``page``."""
        order = [p.id for p in self.instrument.pages]
        here = order.index(page.id)
        shown = {p.id for p in self.pages(answers)}
        index = here + step
        while 0 <= index < len(order):
            if order[index] in shown:
                return self.instrument.pages[index]
            index += step
        return None

    def position(self, page: Page, answers: Mapping[str, Any]) -> tuple[int, int]:
        """(number of ``page`` among the shown pages, number of shown pages)."""
        ids = [p.id for p in self.pages(answers)]
        number = ids.index(page.id) + 1 if page.id in ids else 1
        return number, max(len(ids), 1)

    # -- stale answers --------------------------------------------------
    def stale(self, answers: Mapping[str, Any]) -> dict[str, dict[str, None]]:
        """Answers to questions no longer shown, by page id, as ``{field: None}``.

        Repeated until nothing changes: clearing one answer may hide more.
        """
        current = dict(answers)
        cleared: dict[str, dict[str, None]] = {}
        while True:
            changed = False
            for page in self.instrument.pages:
                shown = {q.item.id for q in self.questions(page, current)}
                for q in self.askable(page):
                    if q.item.id in shown:
                        continue
                    for name in q.field_names():
                        if answered(current.get(name)):
                            current[name] = None
                            cleared.setdefault(page.id, {})[name] = None
                            changed = True
            if not changed:
                return cleared


def _shown(item: Item, answers: Mapping[str, Any]) -> bool:
    return item.show_if is None or item.show_if.evaluate(answers)
