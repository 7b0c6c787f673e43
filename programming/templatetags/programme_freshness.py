"""The stale-results banner of the programme pages (`programming.freshness`), as a tag
so every page on `_programme_base.html` shows it without each view computing it."""

from django import template

from programming import freshness
from programming.models import Programme

register = template.Library()


@register.simple_tag
def stale_banner(programme: Programme) -> dict[str, object] | None:
    """The banner: its sentence and whether a computation is already queued or running
    (then the page offers no second one). None when the results follow from today's
    inputs. One query (`freshness.stale_state`)."""
    reasons, computing = freshness.stale_state(programme)
    if not reasons:
        return None
    return {"message": freshness.stale_message(reasons), "computing": computing}
