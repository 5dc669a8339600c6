"""How the report prints a figure: a rate as a percentage with one decimal, an impact ratio with two (FAIR-1)."""

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def percent(value) -> str:
    return (
        "" if value is None else number_format(round(float(value) * 100, 1), 1) + " %"
    )  # rounded (number_format cuts)


@register.filter
def ratio(value) -> str:
    return "" if value is None else number_format(round(float(value), 2), 2)
