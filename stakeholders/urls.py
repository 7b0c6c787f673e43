"""Pages of the stakeholders: actors, process matrix, themes, ambitions, budget lines,
teams."""

from django.urls import path

from impor.history_views import ObjectHistoryView
from stakeholders import token_views, views
from stakeholders.feeds import notification_feed
from stakeholders.models import AreaOfInterest, BudgetLine, Team

app_name = "stakeholders"

urlpatterns = [
    path("actoren/", views.ActorListView.as_view(), name="actor_list"),
    path("actoren/nieuw/", views.ActorEditView.as_view(), name="actor_create"),
    path("actoren/procesmatrix/", views.ProcessMatrixView.as_view(), name="process_matrix"),
    path("actoren/<int:pk>/", views.ActorDetailView.as_view(), name="actor_detail"),
    path("actoren/<int:pk>/wijzigen/", views.ActorEditView.as_view(), name="actor_update"),
    path("api-sleutels/", token_views.ApiTokenListView.as_view(), name="token_list"),
    path(
        "api-sleutels/<int:pk>/intrekken/",
        token_views.ApiTokenRevokeView.as_view(),
        name="token_revoke",
    ),
    path("themas/", views.ThemeListView.as_view(), name="theme_list"),
    path("themas/<int:pk>/", views.ThemeDetailView.as_view(), name="theme_detail"),
    path("ambities/", views.AmbitionListView.as_view(), name="ambition_list"),
    path("ambities/<int:pk>/", views.AmbitionDetailView.as_view(), name="ambition_detail"),
    path(
        "ambities/<int:pk>/metingen-importeren/",
        views.MeasurementUploadView.as_view(),
        name="measurement_upload",
    ),
    path(
        "ambities/<int:pk>/metingen-importeren/opslaan/",
        views.MeasurementUploadApplyView.as_view(),
        name="measurement_upload_apply",
    ),
    path(
        "indicatoren/<int:pk>/wijzigen/",
        views.IndicatorEditView.as_view(),
        name="indicator_update",
    ),
    path("budgetregels/", views.BudgetLineListView.as_view(), name="budgetline_list"),
    path("budgetregels/nieuw/", views.BudgetLineEditView.as_view(), name="budgetline_create"),
    path("budgetregels/<int:pk>/", views.BudgetLineDetailView.as_view(), name="budgetline_detail"),
    path(
        "budgetregels/<int:pk>/wijzigen/",
        views.BudgetLineEditView.as_view(),
        name="budgetline_update",
    ),
    path(
        "budgetregels/<int:pk>/geschiedenis/",
        ObjectHistoryView.as_view(model=BudgetLine),
        name="budgetline_history",
    ),
    path("teams/", views.TeamListView.as_view(), name="team_list"),
    path("teams/nieuw/", views.TeamEditView.as_view(), name="team_create"),
    path("teams/<int:pk>/", views.TeamDetailView.as_view(), name="team_detail"),
    path("teams/<int:pk>/wijzigen/", views.TeamEditView.as_view(), name="team_update"),
    path(
        "teams/<int:pk>/geschiedenis/",
        ObjectHistoryView.as_view(model=Team),
        name="team_history",
    ),
    path("interessegebieden/", views.InterestListView.as_view(), name="interest_list"),
    path("interessegebieden/nieuw/", views.InterestEditView.as_view(), name="interest_create"),
    path(
        "interessegebieden/uploaden/",
        views.InterestUploadView.as_view(),
        name="interest_upload",
    ),
    path(
        "interessegebieden/uploaden/opslaan/",
        views.InterestUploadApplyView.as_view(),
        name="interest_upload_apply",
    ),
    path("interessegebieden/<int:pk>/", views.InterestDetailView.as_view(), name="interest_detail"),
    path(
        "interessegebieden/<int:pk>/kaart.geojson",
        views.InterestGeoJsonView.as_view(),
        name="interest_geojson",
    ),
    path(
        "interessegebieden/<int:pk>/wijzigen/",
        views.InterestEditView.as_view(),
        name="interest_update",
    ),
    path(
        "interessegebieden/<int:pk>/verwijderen/",
        views.InterestDeleteView.as_view(),
        name="interest_delete",
    ),
    path(
        "interessegebieden/<int:pk>/geschiedenis/",
        ObjectHistoryView.as_view(model=AreaOfInterest),
        name="interest_history",
    ),
    path("meldingen/", views.InboxView.as_view(), name="inbox"),
    path("meldingen/instellingen/", views.AlertSettingsView.as_view(), name="inbox_settings"),
    path("meldingen/feed/<str:token>/", notification_feed, name="inbox_feed"),
    path("meldingen/webhooks/nieuw/", views.WebhookEditView.as_view(), name="webhook_create"),
    path("meldingen/webhooks/<int:pk>/", views.WebhookDetailView.as_view(), name="webhook_detail"),
    path(
        "meldingen/webhooks/<int:pk>/wijzigen/",
        views.WebhookEditView.as_view(),
        name="webhook_update",
    ),
    path(
        "meldingen/webhooks/<int:pk>/verwijderen/",
        views.WebhookDeleteView.as_view(),
        name="webhook_delete",
    ),
]
