"""The stale-results banner of the programme pages (`programming.freshness`), as a tag
so every page on `_programme_base.html` shows it without each view computing it."""

from django import template

from programming import freshness
from programming.models import Programme

register = template.Library()


@register.simple_tag
def stale_message(programme: Programme) -> str:
    """The banner's sentence, empty when the results follow from today's inputs."""
    reasons = freshness.stale_reasons(programme)
    return freshness.stale_message(reasons) if reasons else ""
