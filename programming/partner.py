"""The partner's workspace: its start page and the overview of the couplings its works
take part in (also useful to municipal users: every coupling of the current programme).

A partner (a user of an external organisation) sees its own works and the couplings
that include one of them (`Coupling.objects.visible_to`). Of the other parties in such a
coupling it sees what the municipality shares: the owner's kind, and the name of a
municipal owner; another external organisation stays anonymous ("a grid operator"), and
nobody's cost is shown.
"""

from dataclasses import dataclass

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.paginator import Paginator
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from impor.visibility import partner_of
from programming.models import Coupling, CouplingResponse, Programme, Work
from programming.views import DashboardView
from stakeholders import alert_text
from stakeholders.choices import ActorKind
from stakeholders.models import Notification

PAGE_SIZE = 50


@dataclass(frozen=True)
class Party:
    """Another party in a coupling: its kind, and its name when the user may know it."""

    kind: str
    name: str | None


@dataclass(frozen=True)
class CouplingRow:
    coupling: Coupling
    parties: list[Party]
    url: str
    #: A partner's latest answer to the proposal (`CouplingResponse`), if any.
    response: CouplingResponse | None = None


def coupling_url(coupling: Coupling) -> str:
    """The coupling's own page."""
    return reverse(
        "programming:coupling_detail",
        kwargs={"pk": coupling.programme_id, "coupling": coupling.pk},
    )


def coupling_rows(couplings: list[Coupling], user) -> list[CouplingRow]:
    """Rows for `couplings` (already limited to what `user` may see) with their other
    parties: for a partner every owner but its own organisation, named only when the
    owner is municipal, and its own latest answer to each; for a municipal user every
    owner, named. Two queries."""
    own = partner_of(user)
    kinds = dict(ActorKind.choices)
    parties: dict[int, set[Party]] = {c.pk: set() for c in couplings}
    # The party rule of the coupling page (`couplings.party`): the work's owner, else its
    # project's owner, else the municipality's own asset measure.
    owners = (
        Work.objects.filter(coupling__in=[c.pk for c in couplings])
        .annotate(
            party_id=Coalesce("owner_id", "project__owner_id"),
            party_name=Coalesce("owner__name", "project__owner__name"),
            party_kind=Coalesce("owner__kind", "project__owner__kind"),
            party_internal=Coalesce("owner__is_internal", "project__owner__is_internal"),
        )
        .values_list("coupling_id", "party_id", "party_name", "party_kind", "party_internal")
        .distinct()
    )
    for coupling_id, owner_id, name, kind, internal in owners:
        if own is not None and owner_id == own.pk:
            continue
        if owner_id is None:
            municipal = str(kinds[ActorKind.AFDELING])
            parties[coupling_id].add(Party(kind=municipal, name=str(_("gemeente"))))
            continue
        shown = name if own is None or internal else None
        parties[coupling_id].add(Party(kind=str(kinds.get(kind, kind)), name=shown))
    responses: dict[tuple[int, str], CouplingResponse] = {}
    if own is not None and couplings:
        # Ordered by time, so the latest answer per coupling is the one kept.
        for response in CouplingResponse.objects.visible_to(user).filter(
            programme__in={c.programme_id for c in couplings},
            key__in=[c.key for c in couplings],
        ):
            responses[(response.programme_id, response.key)] = response
    return [
        CouplingRow(
            coupling=c,
            parties=sorted(parties[c.pk], key=lambda p: (p.name is None, p.name or "", p.kind)),
            url=coupling_url(c),
            response=responses.get((c.programme_id, c.key)),
        )
        for c in couplings
    ]


def visible_couplings(user, programme: Programme | None):
    """The couplings of `programme` that `user` may see, in year and street order."""
    if programme is None:
        return Coupling.objects.none()
    return (
        Coupling.objects.visible_to(user)
        .filter(programme=programme)
        .select_related("area", "programme")
        .order_by("year", "street", "pk")
    )


class CouplingOverviewView(PermissionRequiredMixin, TemplateView):
    """The couplings of the current programme the user may see: for a partner those its
    works take part in, with the other parties and a link to each coupling."""

    permission_required = "programming.view_coupling"
    template_name = "programming/partner_couplings.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        programme = Programme.objects.current()
        page = Paginator(visible_couplings(user, programme), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        context |= {
            "programme": programme,
            "page_obj": page,
            "rows": coupling_rows(list(page.object_list), user),
            "is_partner": partner_of(user) is not None,
        }
        return context


class PartnerStartView(TemplateView):
    """A partner's start page: its works in the current programme, the couplings they
    take part in, and its latest notifications (`stakeholders`' inbox)."""

    template_name = "programming/partner_start.html"
    shown = 20
    notifications_shown = 5

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        programme = Programme.objects.current()
        works = Work.objects.none()
        if programme is not None:
            works = (
                Work.objects.filter(programme=programme)
                .visible_to(user)
                .select_related("project", "coupling")
                .order_by("scheduled_year", "label")
            )
        couplings = list(visible_couplings(user, programme)[: self.shown])
        notifications = Notification.objects.visible_to(user).select_related("alert__organisation")[
            : self.notifications_shown
        ]
        context |= {
            "organisation": partner_of(user),
            "programme": programme,
            "works": works[: self.shown],
            "work_count": works.count(),
            "rows": coupling_rows(couplings, user),
            "coupling_count": visible_couplings(user, programme).count(),
            "notifications": [
                (notification, alert_text.title(notification.alert))
                for notification in notifications
            ],
        }
        return context


def start(request):
    """The start page (`/`): a partner's own start page, the dashboard for everyone else
    (the dashboard reports on the whole programme, which a partner may not see)."""
    if partner_of(request.user) is not None:
        return PartnerStartView.as_view()(request)
    return DashboardView.as_view()(request)
