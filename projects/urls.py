"""Pages of projects (issue #5)."""

from django.urls import path

from impor.history_views import ObjectHistoryView
from projects import partner_views, views
from projects.models import Project

app_name = "projects"

urlpatterns = [
    path("projecten/", views.ProjectListView.as_view(), name="project_list"),
    path("projecten/nieuw/", views.ProjectEditView.as_view(), name="project_create"),
    path(
        "projecten/sjabloon/",
        partner_views.PartnerTemplateView.as_view(),
        name="partner_template",
    ),
    path(
        "projecten/werken-uploaden/",
        partner_views.PartnerImportView.as_view(),
        name="partner_import",
    ),
    path(
        "projecten/werken-uploaden/<int:run>/verwerken/",
        partner_views.PartnerImportApplyView.as_view(),
        name="partner_import_apply",
    ),
    path("projecten/<int:pk>/", views.ProjectDetailView.as_view(), name="project_detail"),
    path("projecten/<int:pk>/bewerken/", views.ProjectEditView.as_view(), name="project_update"),
    path(
        "projecten/<int:pk>/geschiedenis/",
        ObjectHistoryView.as_view(model=Project),
        name="project_history",
    ),
    path(
        "projecten/<int:pk>/projectopdracht/",
        views.ProjectBriefDetailView.as_view(),
        name="brief_detail",
    ),
    path(
        "projecten/<int:pk>/projectopdracht/bewerken/",
        views.ProjectBriefUpdateView.as_view(),
        name="brief_update",
    ),
]
