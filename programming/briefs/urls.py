"""The `projects` namespace with the brief page served by `ProjectBriefCheckView`.

Projects' own routes, with the brief page's view swapped for the one that can test the
brief against the programme (same route, same name). The swap is made here, in the top
layer, so that projects needs no reference to programming; the root URLconf includes
this module instead of `projects.urls`.
"""

from django.urls import URLPattern, path

from programming.briefs.views import ProjectBriefCheckView
from projects import urls as project_urls

app_name = project_urls.app_name


def _checked(pattern: URLPattern) -> URLPattern:
    if pattern.name != "brief_detail":
        return pattern
    return path(str(pattern.pattern), ProjectBriefCheckView.as_view(), name=pattern.name)


urlpatterns = [_checked(pattern) for pattern in project_urls.urlpatterns]
