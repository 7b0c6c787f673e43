"""Read-only queries for the project pages.

Pages that also read the programme (the brief check, the area pages) live in the
`programming` app, the layer above this one.
"""

from django.db.models import QuerySet

from projects.models import Project


def projects_visible_to(user) -> QuerySet[Project]:
    """The projects a user may see (the rule: `ProjectQuerySet.visible_to`)."""
    return Project.objects.visible_to(user)
