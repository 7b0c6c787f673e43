"""Pages of programming: the dashboard and the programme views (issue #5)."""

from django.urls import path

from impor.history_views import ObjectHistoryView
from programming import (
    capacity_views,
    maintenance_views,
    monitoring_views,
    partner,
    realisation_views,
    realised_views,
    scenario_views,
    views,
    whatif_views,
)
from programming.models import AssessmentFramework, Programme

app_name = "programming"

urlpatterns = [
    path("", partner.start, name="dashboard"),
    path("koppelkansen/", partner.CouplingOverviewView.as_view(), name="coupling_overview"),
    path(
        "ambities/<int:pk>/gemeten/",
        monitoring_views.AmbitionMonitoringView.as_view(),
        name="ambition_monitoring",
    ),
    path("programmas/", views.ProgrammeListView.as_view(), name="programme_list"),
    path("programmas/nieuw/", views.ProgrammeCreateView.as_view(), name="programme_create"),
    path("programmas/<int:pk>/", views.ProgrammeDetailView.as_view(), name="programme_detail"),
    path("programmas/<int:pk>/berekenen/", views.programme_run, name="programme_run"),
    path(
        "programmas/<int:pk>/berekening/",
        views.RunStatusView.as_view(),
        name="programme_run_status",
    ),
    path("programmas/<int:pk>/matrix/", views.MatrixView.as_view(), name="programme_matrix"),
    path("programmas/<int:pk>/planning/", views.GanttView.as_view(), name="programme_gantt"),
    path("programmas/<int:pk>/budget/", views.BudgetView.as_view(), name="programme_budget"),
    path(
        "programmas/<int:pk>/beheerlasten/",
        maintenance_views.MaintenanceView.as_view(),
        name="programme_maintenance",
    ),
    path(
        "programmas/<int:pk>/gepland-gerealiseerd/",
        realised_views.PlannedRealisedView.as_view(),
        name="programme_realised",
    ),
    path(
        "programmas/<int:pk>/extra-geld/",
        whatif_views.ExtraMoneyView.as_view(),
        name="programme_extra_money",
    ),
    path("programmas/<int:pk>/kaart/", views.MapView.as_view(), name="programme_map"),
    path(
        "programmas/<int:pk>/kaart.geojson",
        views.GeoJsonView.as_view(),
        name="programme_geojson",
    ),
    path(
        "programmas/<int:pk>/koppelkansen/",
        views.CouplingListView.as_view(),
        name="programme_couplings",
    ),
    path(
        "programmas/<int:pk>/koppelkansen/<int:coupling>/",
        views.CouplingDetailView.as_view(),
        name="coupling_detail",
    ),
    path(
        "programmas/<int:pk>/koppelkansen/<int:coupling>/kaart.geojson",
        views.CouplingGeoJsonView.as_view(),
        name="coupling_geojson",
    ),
    path(
        "programmas/<int:pk>/koppelkansen/<int:coupling>/kostenverdeling/",
        views.CouplingCostSharingView.as_view(),
        name="coupling_cost_sharing",
    ),
    path(
        "programmas/<int:pk>/koppelkansen/<int:coupling>/reservering/",
        views.CouplingReservationView.as_view(),
        name="coupling_reservation",
    ),
    path(
        "programmas/<int:pk>/koppelkansen/<int:coupling>/reactie/",
        views.CouplingRespondView.as_view(),
        name="coupling_respond",
    ),
    path(
        "programmas/<int:pk>/koppelkansen/<int:coupling>/besluit/",
        views.CouplingDecideView.as_view(),
        name="coupling_decide",
    ),
    path(
        "programmas/<int:pk>/niet-gedekt/", views.UnfundedView.as_view(), name="programme_unfunded"
    ),
    path(
        "programmas/<int:pk>/scenario/",
        scenario_views.ScenarioView.as_view(),
        name="programme_scenario",
    ),
    path(
        "programmas/<int:pk>/wijzigingen/",
        scenario_views.ChangeAddView.as_view(),
        name="scenario_change_add",
    ),
    path(
        "programmas/<int:pk>/wijzigingen/<int:change>/",
        scenario_views.ChangeEditView.as_view(),
        name="scenario_change_edit",
    ),
    path(
        "programmas/<int:pk>/wijzigingen/<int:change>/verwijderen/",
        scenario_views.ChangeDeleteView.as_view(),
        name="scenario_change_delete",
    ),
    path(
        "programmas/<int:pk>/overnemen/",
        scenario_views.PromoteView.as_view(),
        name="scenario_promote",
    ),
    path(
        "programmas/<int:pk>/vergelijken/",
        scenario_views.CompareView.as_view(),
        name="programme_compare",
    ),
    path("programmas/<int:pk>/vaststellen/", views.AdoptView.as_view(), name="programme_adopt"),
    path(
        "programmas/<int:pk>/werken/<int:work>/",
        views.WorkDetailView.as_view(),
        name="programme_work",
    ),
    path(
        "programmas/<int:pk>/werken/<int:work>/instellingen/",
        capacity_views.WorkSettingView.as_view(),
        name="programme_work_setting",
    ),
    path(
        "programmas/<int:pk>/realisatie/",
        realisation_views.RealisationListView.as_view(),
        name="programme_realisation",
    ),
    path(
        "programmas/<int:pk>/realisatie/importeren/",
        realisation_views.ActualsImportView.as_view(),
        name="realisation_import",
    ),
    path(
        "programmas/<int:pk>/werken/<int:work>/realisatie/",
        realisation_views.RealisationEditView.as_view(),
        name="realisation_edit",
    ),
    path(
        "programmas/<int:pk>/werken/<int:work>/realisatie/beheerregister/",
        realisation_views.RegisterUpdateView.as_view(),
        name="realisation_register",
    ),
    path(
        "programmas/<int:pk>/capaciteit/",
        capacity_views.CapacityView.as_view(),
        name="programme_capacity",
    ),
    path(
        "programmas/<int:pk>/geschiedenis/",
        ObjectHistoryView.as_view(model=Programme),
        name="programme_history",
    ),
    path(
        "afwegingskaders/<int:pk>/geschiedenis/",
        ObjectHistoryView.as_view(model=AssessmentFramework),
        name="framework_history",
    ),
    path(
        "programmas/<int:pk>/raadswerkboek.xlsx",
        views.WorkbookView.as_view(),
        name="programme_workbook",
    ),
    *(
        path(
            f"programmas/<int:pk>/{export}",
            views.ProgrammeExportView.as_view(export=export),
            name=f"programme_export_{export.replace('.', '_')}",
        )
        for export in views.ProgrammeExportView.exports
    ),
]
