"""The projects as an OGC API feature collection (`impor.ogc`): ``projects``.

The rows are the project API's (`Project.objects.visible_to`): every project for a
municipal user, for a partner only its own organisation's. Reading needs
`projects.view_project`, as the API. `datetime` selects the projects that run in the
period (start year to end year).

Properties (the project API's names; money in euros, 2 decimals):

=====================  =================================================================
``code``, ``name``     the project's code (unique per owner) and name
``kind``               ``projecttype`` code; ``status`` the phase's code
``certainty``          how firm the plan is (code)
``owner``              the owning organisation's id; ``owner_name`` its name
``lead``               the leading organisation's id
``areas``              the ids of its areas
``street``             the street
``start_year``         first year; ``end_year`` last year; ``shift_early``/``shift_late``
                       how many years it may move
``scale``              the scale's code
``opens_street``       whether it opens the street
``cost_estimate``      the cost estimate (euros)
=====================  =================================================================

Queryables: ``status``, ``kind``, ``certainty``, ``owner`` (id), ``start_year``,
``end_year``, ``street``, ``area`` (one of its areas' ids).
"""

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from impor.ogc.collections import Collection, Queryable
from projects.models import Project
from projects.selectors import projects_visible_to


class ProjectCollection(Collection):
    id = "projects"
    queryables = (
        Queryable("status", "status", "string", "De fase (code)."),
        Queryable("kind", "kind", "string", "Het projecttype (code)."),
        Queryable("certainty", "certainty", "string", "De zekerheid (code)."),
        Queryable("owner", "owner_id", "integer", "Het id van de eigenaar."),
        Queryable("start_year", "start_year", "integer", "Het startjaar."),
        Queryable("end_year", "end_year", "integer", "Het eindjaar."),
        Queryable("street", "street", "string", "De straat (precies)."),
        Queryable("area", "areas", "integer", "Het id van een gebied van het project."),
    )
    temporal = ("start_year", "end_year")

    def __init__(self) -> None:
        # Worded when the request's language is active.
        self.title = str(_("Projecten"))
        self.description = str(_("Projecten van de gemeente en werken van partners."))

    def available_to(self, user: Any) -> bool:
        return bool(user.has_perm("projects.view_project"))

    def queryset(self, user: Any) -> QuerySet[Project]:
        return (
            projects_visible_to(user).select_related("owner").prefetch_related("areas").order_by()
        )

    def filter(self, queryset: QuerySet[Any], queryable: Queryable, values: list) -> QuerySet[Any]:
        if queryable.name != "area":
            return super().filter(queryset, queryable, values)
        # A project in two of the areas asked for is one row on the page: a subquery.
        inside = Project.areas.through.objects.filter(area_id__in=values).values("project_id")
        return queryset.filter(pk__in=inside)

    def properties(self, user: Any, rows: Sequence[Any]) -> list[dict[str, Any]]:
        return [
            {
                "code": project.code,
                "name": project.name,
                "kind": project.kind,
                "status": project.status,
                "certainty": project.certainty,
                "owner": project.owner_id,
                "owner_name": project.owner.name,
                "lead": project.lead_id,
                "areas": sorted(area.pk for area in project.areas.all()),
                "street": project.street,
                "start_year": project.start_year,
                "end_year": project.end_year,
                "shift_early": project.shift_early,
                "shift_late": project.shift_late,
                "scale": project.scale,
                "opens_street": project.opens_street,
                "cost_estimate": round(float(project.cost_estimate), 2),
            }
            for project in rows
        ]


def collections(user: Any) -> list[Collection]:
    return [ProjectCollection()]
