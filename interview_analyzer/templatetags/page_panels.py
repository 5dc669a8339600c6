"""``{% page_panels "<page>" obj %}``: the panels higher floors registered for this page (see ``page_panels.py``)."""

from django import template

from interview_analyzer.page_panels import render_panels

register = template.Library()


@register.simple_tag(takes_context=True)
def page_panels(context, page: str, obj=None):
    return render_panels(page, context["request"], obj)
