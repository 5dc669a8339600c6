"""The report's chart, drawn on the server as inline SVG (FAIR-1): one horizontal bar per shown group and stage,
its length the selection rate, a dashed mark at four fifths of the reference group's rate, and flagged bars
marked in words as well as in colour. The numbers are in the table next to it; the chart's ``<desc>`` says in
words what it shows, for people who cannot see it. The template prints these coordinates; nothing here is HTML."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from fairness.statistics import FOUR_FIFTHS

WIDTH = 720
LABEL_WIDTH = 170
BAR_WIDTH = 300
BAR_HEIGHT = 18
BAR_GAP = 6
HEADING_HEIGHT = 26


@dataclass(frozen=True)
class Bar:
    y: int
    width: float
    label: str
    value: str  # "40.0 % (2/5)"
    flagged: bool
    reference: bool


@dataclass(frozen=True)
class Heading:
    y: int
    text: str
    threshold_x: float | None  # where four fifths of the reference rate is
    top: int = 0  # the stage's bars, which the four-fifths mark spans
    bottom: int = 0


@dataclass(frozen=True)
class Chart:
    title: str
    description: str
    height: int
    headings: list[Heading]
    bars: list[Bar]
    label_width: int = LABEL_WIDTH
    bar_width: int = BAR_WIDTH
    width: int = WIDTH


def for_category(item) -> Chart | None:
    """The chart of one category's stage lines; ``None`` when no group can be shown (all hidden)."""
    y = 0
    headings, bars, described = [], [], []
    for line in item.stages:
        shown = [figure for figure in line.figures if figure.rate is not None]
        if not shown:
            continue
        reference = next((figure for figure in shown if figure.reference), None)
        threshold = (
            LABEL_WIDTH + float(reference.rate * FOUR_FIFTHS) * BAR_WIDTH
            if reference is not None and reference.rate
            else None
        )
        heading_y = y + 18
        y += HEADING_HEIGHT
        top = y
        parts = []
        for figure in shown:
            value = f"{float(figure.rate) * 100:.1f} % ({figure.n}/{figure.total})"
            bars.append(
                Bar(
                    y=y,
                    width=float(figure.rate) * BAR_WIDTH,
                    label=figure.group.label,
                    value=value + (" — " + _("below four fifths") if figure.flagged else ""),
                    flagged=figure.flagged,
                    reference=figure.reference,
                )
            )
            parts.append(
                f"{figure.group.label} {value}" + (" (" + _("below four fifths") + ")" if figure.flagged else "")
            )
            y += BAR_HEIGHT + BAR_GAP
        headings.append(
            Heading(y=heading_y, text=line.label, threshold_x=threshold, top=top - 3, bottom=y - BAR_GAP + 3)
        )
        described.append(f"{line.label}: " + "; ".join(parts))
        y += BAR_GAP
    if not bars:
        return None
    title = _("Selection rate per stage by %(category)s") % {"category": item.category.name}
    return Chart(title=title, description=". ".join(described) + ".", height=y + 4, headings=headings, bars=bars)
