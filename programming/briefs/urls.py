"""The `projects` namespace with the project and brief pages served by programming's views.

Projects' own routes, with the project page's view swapped for the one that shows what
happens nearby, and the brief page's for the one that can test the brief against the
programme (same routes, same names). The swap is made here, in the top layer, so that
projects needs no reference to programming; the root URLconf includes this module
instead of `projects.urls`.
"""

from django.urls import URLPattern, path

from programming.briefs.views import ProjectBriefCheckView, ProjectNearbyView
from projects import urls as project_urls

app_name = project_urls.app_name

SWAPPED = {"brief_detail": ProjectBriefCheckView, "project_detail": ProjectNearbyView}


def _swapped(pattern: URLPattern) -> URLPattern:
    view = SWAPPED.get(pattern.name)
    if view is None:
        return pattern
    return path(str(pattern.pattern), view.as_view(), name=pattern.name)


urlpatterns = [_swapped(pattern) for pattern in project_urls.urlpatterns]
