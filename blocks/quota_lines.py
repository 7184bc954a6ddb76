"""How a quota key result reads ("this week 38 of 50 · avg 44 over 4 weeks · quota met 2 of 9
weeks"), and its part of the check-in modal: the count field named after its period and the
menu that switches the period.

The numbers are the domain's (okr.quota); values are shown in the KR's unit with
`okr.values.format_value`, like every other value. `kr_format.kr_value` hands quota KRs
here, so every surface that shows a KR line shows this one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from slack_sdk.models.blocks import InputBlock, Option, PlainTextInputElement, StaticSelectElement

from blocks.labels import FIELD_TITLE_CHARS, field_label, one_line
from blocks.mrkdwn import escape
from blocks.view_state import element
from okr.cycles import today_in
from okr.i18n import _, ngettext
from okr.outline import CheckInNote, KRLine
from okr.periods import Period, PeriodSpan, default_period, period_from_key, period_of_day
from okr.quota import PeriodResult, QuotaBasis, QuotaSummary
from okr.values import Unit, format_value


def value_text(kr: KRLine, value: float) -> str:
    """`value` in the KR's unit, escaped for mrkdwn."""
    return escape(format_value(value, kr.unit, kr.currency))


def average_text(kr: KRLine, average: float, quota: float) -> str:
    """A mean count, whole when it is a plain count (`44`, not `43.57`), unless rounding
    would make a miss read as the quota itself."""
    shown = average
    if kr.unit is Unit.NUMBER and (round(average) != quota or average == quota):
        shown = float(round(average))
    return value_text(kr, shown)


def period_block(kr_id: int) -> str:
    return f"ci_period_{kr_id}"


def _when(span: PeriodSpan, today: date) -> str:
    """`this week`, `last week`, `this month`, `last month`, else the period's label."""
    current = period_of_day(today, span.period)
    week = span.period is Period.WEEK
    if span == current:
        return _("this week") if week else _("this month")
    if span == current.previous():
        return _("last week") if week else _("last month")
    return span.label


def _today(summary: QuotaSummary, basis: QuotaBasis) -> date:
    return today_in(basis.zone, summary.at)


def _latest(summary: QuotaSummary) -> PeriodResult | None:
    """The period a KR line leads with: the current one once it has a reading, else the
    one before it (a closed period: its reading, "no reading" or "away")."""
    if summary.current.count is not None or len(summary.results) < 2:
        return summary.current if summary.results else None
    index = summary.results.index(summary.current) if summary.current in summary.results else -1
    return summary.results[index - 1] if index > 0 else summary.current


def quota_value(kr: KRLine) -> str:
    """Where a quota KR stands: `this week 38 of 50 · avg 44 over 4 weeks · quota met 2 of 9
    weeks`; `no reading yet · quota 50 a week` before the first count."""
    summary, basis = kr.quota, kr.quota_basis
    if summary is None or basis is None:
        return _("quota {quota}").format(quota=value_text(kr, kr.target))
    period = basis.period
    quota = value_text(kr, summary.quota)
    if not summary.reported:
        if period is Period.WEEK:
            return _("no reading yet · quota {quota} a week").format(quota=quota)
        return _("no reading yet · quota {quota} a month").format(quota=quota)
    parts = []
    lead = _latest(summary)
    if lead is not None:
        when = _when(lead.span, _today(summary, basis))
        if lead.count is not None:
            count_text = value_text(kr, lead.count)
            parts.append(
                _("{when} {count} of {quota}").format(when=when, count=count_text, quota=quota)
            )
        elif lead.away:
            parts.append(_("{when} away").format(when=when))
        elif lead.closed:
            parts.append(_("{when} no reading").format(when=when))
        else:
            parts.append(_("{when} no reading yet").format(when=when))
    average = summary.average
    if average is not None:
        count = len(summary.reported)
        parts.append(
            _("avg {average} over {periods}").format(
                average=average_text(kr, average, summary.quota), periods=period.plural(count)
            )
        )
    parts.append(_met(summary.met, period.plural(len(summary.counted))))
    return " · ".join(parts)


def _met(met: int, periods: str) -> str:
    """`quota met 2 of 9 weeks`."""
    return _("quota met {met} of {periods}").format(met=f"{met:,}", periods=periods)


def quota_close(kr: KRLine) -> str:
    """A quota KR at cycle close: `quota met 7 of 13 weeks · avg 44 of 50`."""
    summary, basis = kr.quota, kr.quota_basis
    if summary is None or basis is None:
        return _("quota {quota}").format(quota=value_text(kr, kr.target))
    quota = value_text(kr, summary.quota)
    met = _met(summary.met, basis.period.plural(len(summary.counted)))
    average = summary.average
    if average is None:
        return _("{met} · no reading").format(met=met)
    return _("{met} · avg {average} of {quota}").format(
        met=met, average=average_text(kr, average, summary.quota), quota=quota
    )


def counted_for(kr: KRLine, checkin: CheckInNote) -> str:
    """` for week of 23 Nov` after a quota count in its history; empty for other kinds."""
    basis = kr.quota_basis
    if basis is None:
        return ""
    return _(" for {period}").format(period=basis.span_of(checkin.period_key, checkin.at).label)


# --- the check-in modal ---------------------------------------------------------------------


def asked_period(kr: KRLine) -> PeriodSpan | None:
    """The period the check-in asks about: last period while it has no reading, else this
    one (okr.periods.default_period), one of the cycle's; None for other kinds."""
    summary, basis = kr.quota, kr.quota_basis
    if summary is None or basis is None:
        return None
    reported = {r.span.key for r in summary.reported}
    today = _today(summary, basis)
    asked = default_period(today, basis.period, reported, basis.cycle_first, basis.cycle_last)
    if basis.in_cycle(asked):
        return asked
    offered = offered_periods(kr)  # at a cycle's edge: its own last (or first) period
    return offered[-1] if offered else asked


def offered_periods(kr: KRLine) -> list[PeriodSpan]:
    """The periods the rep may switch between: the previous and the current one, those that
    belong to the cycle."""
    summary, basis = kr.quota, kr.quota_basis
    if summary is None or basis is None:
        return []
    current = period_of_day(_today(summary, basis), basis.period)
    return [span for span in (current.previous(), current) if basis.in_cycle(span)]


def count_label(kr: KRLine, span: PeriodSpan) -> str:
    """`Prospects contacted, week of 23 Nov — quota 50` (plain text: a field label); a count
    with a unit word says it (`quota 50 prospects`)."""
    return _("{title}, {period} — quota {quota}").format(
        title=field_label(kr.title), period=span.label, quota=kr.measure.text(kr.target)
    )


def corrected_count_input(
    kr: KRLine, checkin: CheckInNote, block_id: str, initial: str
) -> InputBlock:
    """The count field of an edited quota check-in: named after the period it counts for
    (which an edit keeps), prefilled with the count being corrected."""
    basis = kr.quota_basis
    span = basis.span_of(checkin.period_key, checkin.at) if basis else None
    label = count_label(kr, span) if span else field_label(kr.title)
    return InputBlock(
        block_id=block_id,
        label=label,
        element=PlainTextInputElement(action_id="value", initial_value=initial),
    )


def quota_inputs(kr: KRLine, value_block_id: str) -> list[InputBlock]:
    """The count field (empty: a count never carries over) and the period menu."""
    asked = asked_period(kr)
    offered = offered_periods(kr)
    if asked is None:
        return []
    if asked not in offered:
        offered.append(asked)
    today = _today(kr.quota, kr.quota_basis) if kr.quota and kr.quota_basis else asked.first
    options = [Option(value=s.key, label=f"{s.label} ({_when(s, today)})") for s in offered]
    initial = next(o for o, s in zip(options, offered, strict=True) if s == asked)
    return [
        InputBlock(
            block_id=value_block_id,
            label=count_label(kr, asked),
            optional=True,
            hint=_("How many in that period; leave it empty to report it later."),
            element=PlainTextInputElement(action_id="value", placeholder=_("e.g. 38")),
        ),
        InputBlock(
            block_id=period_block(kr.id),
            label=_("Counts for"),
            element=StaticSelectElement(action_id="value", options=options, initial_option=initial),
        ),
    ]


def read_period(
    values: Mapping[str, Any], kr_id: int, basis: QuotaBasis
) -> tuple[str | None, str | None]:
    """The period key picked for a quota's count, or a field error: it must be one of the
    KR's periods inside its cycle. (None, None) when the modal had no period menu (an edit
    keeps the period of the check-in it corrects)."""
    chosen = element(values, period_block(kr_id)).get("selected_option")
    if chosen is None and period_block(kr_id) not in values:
        return None, None
    key = (chosen or {}).get("value")
    span = period_from_key(key, basis.period) if isinstance(key, str) else None
    if span is None or not basis.in_cycle(span):
        first, last = basis.cycle_first.isoformat(), basis.cycle_last.isoformat()
        if basis.period is Period.WEEK:
            error = _("Pick a week of this cycle ({first} to {last}).")
        else:
            error = _("Pick a month of this cycle ({first} to {last}).")
        return None, error.format(first=first, last=last)
    return span.key, None


def left_unreported(quotas: Sequence[str], unread: Sequence[str]) -> dict[str, Any]:
    """The DM after *No change*: which KRs it left unreported and why, and how to report
    them. A quota's count starts again every period, so last period's is never copied
    forward; a KR nobody has reported on has no reading to repeat, and none is invented."""
    parts = []
    if quotas:
        parts.append(
            ngettext(
                "*No change* does not apply to quotas, so {names} was left unreported: a count "
                "starts again every period.",
                "*No change* does not apply to quotas, so {names} were left unreported: a count "
                "starts again every period.",
                len(quotas),
            ).format(names=_names(quotas))
        )
    if unread:
        parts.append(
            ngettext(
                "{names} has no reading yet, so *No change* left it unreported.",
                "{names} have no reading yet, so *No change* left them unreported.",
                len(unread),
            ).format(names=_names(unread))
        )
    text = " ".join(parts) + " " + _("Press *Check in* to enter a value.")
    return {"text": text, "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]}


def _names(titles: Sequence[str]) -> str:
    names = ", ".join(f"*{escape(one_line(t))[:FIELD_TITLE_CHARS]}*" for t in titles[:10])
    if len(titles) > 10:
        names = _("{names} and {count} more").format(names=names, count=f"{len(titles) - 10:,}")
    return names
