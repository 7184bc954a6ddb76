"""What a key-result sentence says (`KRReading`) or why it cannot be read
(`SentenceProblem`): the answers of `okr.kr_sentence.read_kr`, and what `kr_sentence` reads
of a stored KR (`StoredKR`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from okr.display import Measure
from okr.drafts import KRDraft
from okr.due_dates import DueDay
from okr.field_errors import FieldError
from okr.periods import Period
from okr.progress import KRKind
from okr.sentence_words import EXAMPLES, EXAMPLES_LEAD
from okr.values import Unit

MAX_SENTENCE_CHARS = 150
SENTENCE_FIELD = "sentence"


@dataclass(frozen=True)
class KRReading:
    """What a sentence says a key result is. Values as `okr.drafts.KRDraft` holds them: a
    milestone is 0 → 1, a quota starts at 0, a threshold's start is its threshold."""

    title: str
    kind: KRKind
    start: float
    target: float
    unit: Unit = Unit.NUMBER
    currency: str | None = None
    unit_word: str | None = None
    relative_target: str | None = None
    """The target as a change of the start (`+20%`); `target` holds what it makes."""
    period: Period | None = None
    """A quota's period."""
    due: DueDay | None = None
    """A milestone's due date as typed (inside the cycle); None: the cycle's last day."""
    lang: str = "en"
    """The sentence's language (`en`, `zh`), so an answer can be in kind."""

    @property
    def measure(self) -> Measure:
        return Measure(self.unit, self.currency, self.unit_word)

    def draft(
        self,
        *,
        row: int,
        owner_id: str,
        baseline: float | None = None,
        weight: float = 1.0,
        kr_id: int | None = None,
    ) -> KRDraft:
        """The KR as the form stores it, with what a sentence does not say (its row, owner,
        baseline, weight, and the id of the KR it edits)."""
        return KRDraft(
            row=row,
            title=self.title,
            kind=self.kind,
            unit=self.unit,
            currency=self.currency,
            start=self.start,
            target=self.target,
            owner_id=owner_id,
            baseline=baseline,
            weight=weight,
            kr_id=kr_id,
            unit_word=self.unit_word,
            relative_target=self.relative_target,
            period=self.period,
            due=self.due,
        )


@dataclass(frozen=True)
class SentenceProblem:
    """Why a sentence could not be read (`reason`), in `lang` (the sentence's language
    unless a reader's was asked for); `key` and `values` name a refusal of the grammar's
    own (okr.sentence_words.MESSAGES), which can be said in either language."""

    reason: str
    lang: str = "en"
    key: str | None = None
    values: tuple[tuple[str, object], ...] = ()

    @property
    def message(self) -> str:
        """The reason and one example of each form, for a field error under the row."""
        return f"{self.reason} {EXAMPLES_LEAD[self.lang]}{EXAMPLES[self.lang]}"

    def field_error(self, field: str = SENTENCE_FIELD) -> FieldError:
        return FieldError(field, self.message)


class StoredKR(Protocol):
    """What `kr_sentence` reads of a KR (okr.outline.KRLine, okr.drafts.KRDraft, KRReading);
    a milestone's due date comes from `due` (a DueDay or date) or `due_date`."""

    @property
    def title(self) -> str: ...
    @property
    def kind(self) -> KRKind | str: ...
    @property
    def unit(self) -> Unit | str: ...
    @property
    def currency(self) -> str | None: ...
    @property
    def start(self) -> float: ...
    @property
    def target(self) -> float: ...
    @property
    def unit_word(self) -> str | None: ...
    @property
    def relative_target(self) -> str | None: ...
    @property
    def period(self) -> Period | str | None: ...
