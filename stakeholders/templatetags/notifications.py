"""The count of unread notifications, for the badge on the menu's "Meldingen" link::

{% load notifications %}{% unread_notifications as unread %}
<a href="{% url 'stakeholders:inbox' %}">Meldingen{% if unread %} ({{ unread }}){% endif %}</a>
"""

from django import template

from stakeholders.models import Notification

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    """Unread notifications of the user of the page (0 when nobody is logged in)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.visible_to(user).unread().count()
