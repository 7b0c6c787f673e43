"""The `newsletter` namespace: the public pages (no login: `login_not_required`) and the
staff pages of the village newsletter; the root URLconf includes this module."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from programming import newsletter_views as views

app_name = "newsletter"

#: Pages for anyone, without an account (tests/test_anonymous.py lists them as public).
PUBLIC = ("index", "archive", "edition", "subscribe", "confirm", "unsubscribe")

urlpatterns = [
    path("nieuwsbrief/", login_not_required(views.PublicIndexView.as_view()), name="index"),
    path(
        "nieuwsbrief/<int:kern>/",
        login_not_required(views.ArchiveView.as_view()),
        name="archive",
    ),
    path(
        "nieuwsbrief/<int:kern>/<int:number>/",
        login_not_required(views.EditionView.as_view()),
        name="edition",
    ),
    path(
        "nieuwsbrief/<int:kern>/aanmelden/",
        login_not_required(views.SubscribeView.as_view()),
        name="subscribe",
    ),
    path(
        "nieuwsbrief/bevestigen/<str:token>/",
        login_not_required(views.ConfirmView.as_view()),
        name="confirm",
    ),
    path(
        "nieuwsbrief/afmelden/<str:token>/",
        login_not_required(views.UnsubscribeView.as_view()),
        name="unsubscribe",
    ),
    path("nieuwsbrieven/", views.ManageIndexView.as_view(), name="manage"),
    path("nieuwsbrieven/<int:kern>/", views.ManageKernView.as_view(), name="manage_kern"),
    path(
        "nieuwsbrieven/editie/<int:pk>/",
        views.ManageEditionView.as_view(),
        name="manage_edition",
    ),
    path(
        "nieuwsbrieven/editie/<int:pk>/publiceren/",
        views.EditionPublishView.as_view(),
        name="publish",
    ),
    path(
        "nieuwsbrieven/editie/<int:pk>/verzenden/",
        views.EditionSendView.as_view(),
        name="send",
    ),
    path(
        "nieuwsbrieven/<int:kern>/abonnees/",
        views.SubscriberListView.as_view(),
        name="subscribers",
    ),
    path(
        "nieuwsbrieven/abonnee/<int:pk>/verwijderen/",
        views.SubscriberDeleteView.as_view(),
        name="subscriber_delete",
    ),
]
