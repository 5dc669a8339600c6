"""Panels a higher floor adds to a lower floor's page (ARCHITECTURE, "Dependency direction").

A page that needs a higher floor's data belongs to the higher app. Where that data is one section of a lower app's
page — the consent card on hiring's candidate page, consents pending and data expiring soon on hiring's dashboard —
the higher app registers a panel for that page in its ``AppConfig.ready()``: a template of its own and a selector
that builds the panel's context from the request and the page's object (``None`` leaves the panel out). The lower
page prints ``{% page_panels "<page>" obj %}`` at the place the panels go and imports nothing of the apps that fill
it, so ``lint-imports`` holds. Registration is explicit and visible in each app's ``apps.py``; nothing is a signal.

A table of a lower page can take a column the same way (consent's status column in hiring's candidate list):
``register_column`` names a heading, a cell template and a selector that receives the whole page of rows at once
and returns each row's cell context by primary key — one query per column, whatever the number of rows.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString


@dataclass(frozen=True)
class Panel:
    page: str
    name: str
    template: str
    context: Callable[[Any, Any], dict | None]
    order: int = 100


_PANELS: dict[str, dict[str, Panel]] = {}


def register_panel(page: str, *, name: str, template: str, context, order: int = 100) -> None:
    """Add (or replace, by ``name``: ``ready()`` may run twice in tests) a panel on ``page``."""
    _PANELS.setdefault(page, {})[name] = Panel(page=page, name=name, template=template, context=context, order=order)


def panels_for(page: str) -> list[Panel]:
    return sorted(_PANELS.get(page, {}).values(), key=lambda panel: (panel.order, panel.name))


def render_panels(page: str, request, obj=None) -> SafeString:
    """Every panel of ``page`` rendered in order. Each template autoescapes what it prints, as every template does."""
    html = SafeString()
    for panel in panels_for(page):
        context = panel.context(request, obj)
        if context is not None:
            html += render_to_string(panel.template, context, request=request)  # SafeString + SafeString stays safe
    return html


@dataclass(frozen=True)
class Column:
    table: str
    name: str
    heading: str
    template: str
    cells: Callable[[Any, list], dict]
    order: int = 100


_COLUMNS: dict[str, dict[str, Column]] = {}


def register_column(table: str, *, name: str, heading, template: str, cells, order: int = 100) -> None:
    """Add (or replace, by ``name``) a column on ``table``. ``cells(request, rows)`` returns ``{row.pk: context}``;
    a row it leaves out gets the template with an empty context."""
    _COLUMNS.setdefault(table, {})[name] = Column(
        table=table, name=name, heading=heading, template=template, cells=cells, order=order
    )


@dataclass
class TableColumns:
    headings: list
    rows: list  # (row, [cell html, …]) in the order the rows were given


def table_columns(table: str, request, rows) -> TableColumns:
    """The registered columns of ``table`` for this page of ``rows``: their headings, and each row's cells."""
    rows = list(rows)
    columns = sorted(_COLUMNS.get(table, {}).values(), key=lambda column: (column.order, column.name))
    contexts = [column.cells(request, rows) for column in columns]
    return TableColumns(
        headings=[column.heading for column in columns],
        rows=[
            (
                row,
                [
                    render_to_string(column.template, context.get(row.pk, {}), request=request)
                    for column, context in zip(columns, contexts, strict=True)
                ],
            )
            for row in rows
        ],
    )
