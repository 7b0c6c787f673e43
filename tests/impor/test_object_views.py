"""The object views kit (impor/object_views.py) on its own: the permission each page asks,
the rows a user may see, and the links to the pages an app has."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse

from impor.object_views import ObjectDetailView, ObjectEditView, ObjectListView
from stakeholders.choices import Role
from stakeholders.filters import ActorFilterSet
from stakeholders.models import Actor, Theme
from tests.factories import ActorFactory, BudgetLineFactory, ThemeFactory, UserFactory

pytestmark = pytest.mark.django_db


class ActorList(ObjectListView):
    model = Actor
    filterset_class = ActorFilterSet
    default_sort = "name"


class ActorDetail(ObjectDetailView):
    model = Actor


class ThemeEdit(ObjectEditView):
    model = Theme
    fields = ["name"]


def partner_who_may_view_actors():
    user = UserFactory(partner=True)
    user.user_permissions.add(Permission.objects.get(codename="view_actor"))
    return user


def get(user, path="/"):
    request = RequestFactory().get(path)
    request.user = user
    return request


def test_the_edit_page_asks_add_to_create_and_change_to_edit():
    view = ThemeEdit()
    view.kwargs = {}
    assert view.get_permission_required() == ("stakeholders.add_theme",)
    view.kwargs = {"pk": 1}
    assert view.get_permission_required() == ("stakeholders.change_theme",)


def test_a_named_permission_wins_over_the_models():
    view = ThemeEdit(permission_required="stakeholders.view_theme")
    view.kwargs = {}
    assert view.get_permission_required() == ("stakeholders.view_theme",)


def test_a_list_shows_a_partner_only_the_rows_of_its_organisation():
    user = partner_who_may_view_actors()
    ActorFactory(name="Afdeling Wegen")
    response = ActorList.as_view()(get(user))
    assert [actor.pk for actor in response.context_data["object_list"]] == [user.organisation.pk]


def test_a_detail_page_does_not_find_a_row_the_user_may_not_see():
    user = partner_who_may_view_actors()
    other = ActorFactory(partner=True)
    with pytest.raises(Http404):
        ActorDetail.as_view()(get(user), pk=other.pk)
    response = ActorDetail.as_view()(get(user), pk=user.organisation.pk)
    assert response.status_code == 200


def test_a_user_without_the_permission_is_refused_not_sent_to_the_login_page(client):
    client.force_login(UserFactory())
    assert client.get(reverse("stakeholders:theme_list")).status_code == 403


def test_the_detail_page_links_only_to_pages_the_app_has(client):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=Role.ADMINISTRATOR.value))
    client.force_login(user)
    theme = ThemeFactory()
    line = BudgetLineFactory()

    themes = client.get(reverse("stakeholders:theme_detail", args=[theme.pk])).context
    lines = client.get(reverse("stakeholders:budgetline_detail", args=[line.pk])).context

    assert (themes["update_url"], themes["history_url"]) == ("", "")
    assert themes["list_url"] == reverse("stakeholders:theme_list")
    assert lines["update_url"] == reverse("stakeholders:budgetline_update", args=[line.pk])
    assert lines["history_url"] == reverse("stakeholders:budgetline_history", args=[line.pk])
