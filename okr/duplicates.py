"""No duplicated work: when is another team's key result "the same" as one being saved.

Two KRs are taken as the same work when they measure the same thing (same unit, currency
and quota period) and their titles are near-identical by token-set similarity, the score
rapidfuzz's `fuzz.token_set_ratio` gives after lowercasing and stripping punctuation. The
scoring itself lives one floor up (handlers/duplicates.py: rapidfuzz is not pure-domain);
these are the rules it applies, kept here so they are tested without a database.

Why 85: case, punctuation and word order do not change a token-set score at all (the
tokens are lowercased, stripped and sorted), so a title reworded that way scores 100; a
filler word changed in a four-to-five-word title ("Generate 200 MQLs a month" / "... per
month") scores 96; two titles of one domain sharing a word stay below ("Quarterly revenue"
/ "Partner revenue": 81, "New prospects contacted" / "New leads contacted": 81). 85 keeps
the first two and leaves the third with room either side. The score is then corrected by
`same_work` for the two cases where it is generous (subsets, swapped short words). It is
only ever a hint: the save never waits for an answer.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher

#: A title pair at or above this token-set score (0-100) is a possible duplicate.
THRESHOLD = 85.0
#: At most this many hints in one confirmation (the best match per KR, best first).
MAX_HINTS = 3

#: Runs of CJK ideographs (and the kana a Japanese title might carry): no spaces between
#: their words, so they are split into character bigrams before scoring.
_CJK_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def _bigrams(run: str) -> str:
    if len(run) < 3:
        return f" {run} "
    return " " + " ".join(run[i : i + 2] for i in range(len(run) - 1)) + " "


def comparable(title: str) -> str:
    """`title` with every run of Chinese characters written as overlapping character
    bigrams ("生成销售线索" → "生成 成销 销售 售线 线索"), so a token-set score sees
    Chinese words the way it sees English ones: one changed character changes two
    tokens, reordering phrases separated by punctuation changes none. ASCII titles (the
    common case, 20,000 of them per check) are returned as they are, without a regex."""
    if title.isascii():
        return title
    return _CJK_RUN.sub(lambda m: _bigrams(m.group()), title)


def tokens(processed: str) -> frozenset[str]:
    """The tokens a token-set score compares: a processed title split on whitespace."""
    return frozenset(processed.split())


#: Words that may differ between two titles of the same work ("200 MQLs a month" /
#: "200 MQLs per month"): articles, prepositions, "per"/"each"/"every".
FILLER = frozenset(
    [
        "a",
        "an",
        "the",
        "per",
        "each",
        "every",
        "of",
        "in",
        "on",
        "at",
        "for",
        "by",
        "to",
        "from",
        "with",
        "and",
        "our",
        "new",
        "total",
    ]
)
#: Two swapped words are one spelling of the same word ("prospect" / "prospects") at this
#: similarity (difflib's ratio, 0-1).
SAME_WORD = 0.85


def same_work(mine: Collection[str], theirs: Collection[str]) -> bool:
    """Whether two titles whose token-set score passed THRESHOLD name the same work, by
    their tokens (see `tokens`). The score alone is generous in two ways this corrects:
    it is 100 whenever one title's tokens are all in the other's ("Revenue" / "Partner
    revenue"), so a subset must share at least two tokens; and a swapped short word keeps
    it high ("East region revenue" / "West region revenue": 95), so swapped words must be
    filler or spellings of one word. And they must share a word that is not filler (which
    lets the database pass over every title sharing none: `words_of`)."""
    mine, theirs = set(mine), set(theirs)
    shared = mine & theirs
    only_mine, only_theirs = mine - theirs, theirs - mine
    if not shared - FILLER:
        return False
    if not only_mine or not only_theirs:
        return len(shared) >= 2 or mine == theirs
    if (only_mine | only_theirs) <= FILLER:
        return True
    words = " ".join(sorted(only_mine - FILLER)), " ".join(sorted(only_theirs - FILLER))
    return all(words) and SequenceMatcher(None, *words).ratio() >= SAME_WORD


def words_of(processed: Iterable[str]) -> set[str]:
    """The tokens of processed titles that a match must share one of (filler left out)."""
    return {t for title in processed for t in tokens(title)} - FILLER


MeasureKey = tuple[str, str | None, str | None]


def measure_key(unit: str, currency: str | None, period: str | None) -> MeasureKey:
    """What must be equal for two KRs to be the same work besides the title: the unit,
    the currency of money, and the period of a quota (week / month; None otherwise)."""
    return (unit, (currency or None) if unit == "currency" else None, period or None)


@dataclass(frozen=True)
class Match:
    """One of the saved KRs (`kr_id`) near-identical to another team's (`other_id`)."""

    kr_id: int
    other_id: int
    score: float


def best_matches(
    matches: Iterable[Match],
    *,
    already: Collection[tuple[int, int]] = (),
    limit: int = MAX_HINTS,
) -> list[Match]:
    """The hints worth showing: per saved KR its best match (ties: the older KR, the lower
    id), none the KR already depends on (`already` holds (kr_id, other_id) pairs), each
    other KR hinted once, best first, at most `limit`."""
    best: dict[int, Match] = {}
    for match in sorted(matches, key=lambda m: (-m.score, m.other_id, m.kr_id)):
        if (match.kr_id, match.other_id) in already or match.kr_id in best:
            continue
        if any(kept.other_id == match.other_id for kept in best.values()):
            continue
        best[match.kr_id] = match
    return sorted(best.values(), key=lambda m: (-m.score, m.kr_id))[:limit]


@dataclass(frozen=True)
class DuplicateHint:
    """What the author's confirmation says about one possible duplicate."""

    kr_id: int
    kr_title: str
    other_id: int
    other_sentence: str
    team_name: str
    owner_id: str
