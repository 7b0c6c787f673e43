"""The admin (beheer) pages: every registered model lists, adds and changes without errors.

Rows come from ``tests.factories``; ``MAKERS`` fills the optional relations a list shows,
so the query-count test would catch a column that loads its related row one by one.
"""

from itertools import count

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from factory.django import DjangoModelFactory
from simple_history.models import HistoricalChanges

from assets.models import Asset, AssetClass
from impor.models import Area, ImportRun
from programming.models import (
    Coupling,
    CouplingDecision,
    KpiValue,
    Programme,
    ProgrammeRun,
    UnfundedItem,
    Work,
    WorkCost,
    WorkHours,
)
from projects.models import Project, ProjectBrief, RegisterEntry
from stakeholders.models import Actor, AreaTask, User
from tests import factories

DOMAIN_APPS = ("impor", "stakeholders", "assets", "projects", "programming")
#: Tables written by the engine or the import log: viewable, never added or edited by hand.
READ_ONLY_MODELS = (
    Work,
    WorkCost,
    WorkHours,
    Coupling,
    UnfundedItem,
    KpiValue,
    ProgrammeRun,
    ImportRun,
)
MAX_CHANGELIST_QUERIES = 15

#: Our own admins (and the auth ones we configure); third-party apps test theirs.
REGISTERED = sorted(
    (m for m in admin.site._registry if m._meta.app_label in (*DOMAIN_APPS, "auth")),
    key=lambda model: model._meta.label,
)
ADDABLE = [model for model in REGISTERED if model not in READ_ONLY_MODELS]
INLINES = [
    (parent, inline)
    for parent, model_admin in admin.site._registry.items()
    for inline in model_admin.inlines
]

FACTORY_BY_MODEL = {
    factory._meta.model: factory
    for factory in vars(factories).values()
    if isinstance(factory, type)
    and issubclass(factory, DjangoModelFactory)
    and factory._meta.model is not None
}
_group_numbers = count()


def _project():
    project = factories.ProjectFactory(lead=factories.ActorFactory())
    project.areas.add(factories.AreaFactory())
    project.assets.add(factories.AssetFactory())
    return project


def _work():
    programme = factories.ProgrammeFactory()
    return factories.WorkFactory(
        programme=programme,
        project=factories.ProjectFactory(),
        owner=factories.ActorFactory(),
        area=factories.AreaFactory(),
        coupling=factories.CouplingFactory(programme=programme),
    )


#: Rows with their optional relations filled, where the factory leaves them empty.
MAKERS = {
    Group: lambda: Group.objects.create(name=f"Groep {next(_group_numbers)}"),
    User: lambda: factories.UserFactory(partner=True),
    Area: lambda: factories.AreaFactory(kern=True),
    Actor: lambda: factories.ActorFactory(parent=factories.ActorFactory()),
    AreaTask: lambda: factories.AreaTaskFactory(
        theme=factories.ThemeFactory(), owner=factories.ActorFactory()
    ),
    AssetClass: lambda: factories.AssetClassFactory(budget_line=factories.BudgetLineFactory()),
    Asset: lambda: factories.AssetFactory(owner=factories.ActorFactory()),
    Project: _project,
    RegisterEntry: lambda: factories.RegisterEntryFactory(owner=factories.ActorFactory()),
    ProjectBrief: lambda: factories.ProjectBriefFactory(
        answered=True, leading_theme=factories.ThemeFactory()
    ),
    Programme: lambda: factories.ProgrammeFactory(
        based_on=factories.ProgrammeFactory(), created_by=factories.UserFactory()
    ),
    ProgrammeRun: lambda: factories.ProgrammeRunFactory(requested_by=factories.UserFactory()),
    Coupling: lambda: factories.CouplingFactory(area=factories.AreaFactory()),
    CouplingDecision: lambda: factories.CouplingDecisionFactory(decided_by=factories.UserFactory()),
    Work: _work,
    KpiValue: lambda: factories.KpiValueFactory(
        area=factories.AreaFactory(),
        budget_line=factories.BudgetLineFactory(),
        theme=factories.ThemeFactory(),
        team=factories.TeamFactory(),
    ),
}


def make_instance(model):
    """Create one valid row of `model`, with the relations its admin list shows."""
    if model in MAKERS:
        return MAKERS[model]()
    return FACTORY_BY_MODEL[model]()


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def label(model):
    return model._meta.label


def test_every_domain_model_is_registered():
    # A model's history (django-simple-history) is shown on the model's own admin.
    missing = [
        model._meta.label
        for app_label in DOMAIN_APPS
        for model in apps.get_app_config(app_label).get_models()
        if model not in admin.site._registry and not issubclass(model, HistoricalChanges)
    ]
    assert missing == []


def test_the_admin_is_called_impor_beheer(admin_client):
    response = admin_client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert "IMPOR beheer" in response.text


@pytest.mark.django_db
@pytest.mark.parametrize("model", REGISTERED, ids=label)
def test_every_model_has_a_maker(model):
    assert make_instance(model).pk is not None


@pytest.mark.parametrize("model", REGISTERED, ids=label)
def test_every_changelist_renders(admin_client, model):
    obj = make_instance(model)
    response = admin_client.get(admin_url(model, "changelist"))
    assert response.status_code == 200
    assert admin_url(model, "change", obj.pk) in response.text


@pytest.mark.parametrize("model", REGISTERED, ids=label)
def test_every_changelist_can_be_searched(admin_client, model):
    make_instance(model)
    response = admin_client.get(admin_url(model, "changelist"), {"q": "Prinsenstraat"})
    assert response.status_code == 200


@pytest.mark.parametrize("model", ADDABLE, ids=label)
def test_every_add_page_renders(admin_client, model):
    response = admin_client.get(admin_url(model, "add"))
    assert response.status_code == 200


@pytest.mark.parametrize("model", REGISTERED, ids=label)
def test_every_change_page_renders(admin_client, model):
    obj = make_instance(model)
    response = admin_client.get(admin_url(model, "change", obj.pk))
    assert response.status_code == 200


@pytest.mark.parametrize("model", READ_ONLY_MODELS, ids=label)
def test_read_only_tables_can_be_viewed_but_not_added_or_changed(admin_client, model):
    obj = make_instance(model)
    change_url = admin_url(model, "change", obj.pk)
    assert admin_client.get(admin_url(model, "add")).status_code == 403
    response = admin_client.get(change_url)
    assert response.status_code == 200
    assert 'name="_save"' not in response.text
    assert admin_client.post(change_url, {}).status_code == 403


@pytest.mark.parametrize(("parent", "inline"), INLINES, ids=lambda v: v.__name__)
def test_every_inline_shows_its_rows_on_the_parent_page(admin_client, parent, inline):
    child = make_instance(inline.model)
    fk_name = inline.fk_name or next(
        field.name
        for field in inline.model._meta.concrete_fields
        if field.is_relation and field.related_model is parent
    )
    response = admin_client.get(admin_url(parent, "change", getattr(child, f"{fk_name}_id")))
    assert response.status_code == 200
    assert escape(str(child)) in response.text


@pytest.mark.parametrize("model", REGISTERED, ids=label)
def test_changelist_queries_do_not_grow_with_its_rows(
    admin_client, model, django_assert_max_num_queries
):
    """Three rows cost no more queries than one: related rows come in the list's own query."""
    url = admin_url(model, "changelist")
    make_instance(model)
    admin_client.get(url)  # warms the session and the content-type cache
    with CaptureQueriesContext(connection) as one_row:
        admin_client.get(url)
    make_instance(model)
    make_instance(model)
    with django_assert_max_num_queries(min(len(one_row), MAX_CHANGELIST_QUERIES)):
        response = admin_client.get(url)
    assert response.status_code == 200
