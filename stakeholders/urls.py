"""Pages of the stakeholders: actors, process matrix, themes, ambitions, budget lines."""

from django.urls import path

from impor.history_views import ObjectHistoryView
from stakeholders import token_views, views
from stakeholders.models import BudgetLine

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
]
