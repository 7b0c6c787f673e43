"""Routes of the programme endpoints under /api/v1/ (no trailing slash: NL API rules)."""

from django.urls import path

from programming import (
    api,
    capacity_api,
    maintenance_api,
    monitoring_api,
    realisation_api,
    realised_api,
    scenario_api,
    whatif_api,
)

programmes = api.ProgrammeViewSet.as_view({"get": "list", "post": "create"})
programme = api.ProgrammeViewSet.as_view(
    {"get": "retrieve", "put": "update", "patch": "partial_update"}
)
frameworks = api.AssessmentFrameworkViewSet.as_view({"get": "list", "post": "create"})
framework = api.AssessmentFrameworkViewSet.as_view(
    {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}
)
ONE = "programmas/<int:pk>"

urlpatterns = [
    path("programmas", programmes, name="programme_list"),
    path(ONE, programme, name="programme_detail"),
    path(f"{ONE}/berekeningen", api.RunListView.as_view(), name="programme_runs"),
    path(f"{ONE}/berekeningen/<int:run>", api.RunDetailView.as_view(), name="programme_run"),
    path(f"{ONE}/werken", api.WorkListView.as_view(), name="programme_works"),
    path(f"{ONE}/werken/<int:work>", api.WorkDetailView.as_view(), name="programme_work"),
    path(
        f"{ONE}/werken/<int:work>/uitleg",
        api.WorkExplanationView.as_view(),
        name="programme_work_explanation",
    ),
    path(f"{ONE}/koppelkansen", api.CouplingListView.as_view(), name="programme_couplings"),
    path(
        f"{ONE}/koppelkansen/<int:coupling>",
        api.CouplingDetailView.as_view(),
        name="programme_coupling",
    ),
    path(
        f"{ONE}/koppelkansen/<int:coupling>/reactie",
        api.CouplingRespondView.as_view(),
        name="coupling_respond",
    ),
    path(
        f"{ONE}/koppelkansen/<int:coupling>/reserveringen",
        api.CouplingReservationView.as_view(),
        name="coupling_reservations",
    ),
    path(
        f"{ONE}/koppelkansen/<int:coupling>/kostenverdeling",
        api.CouplingCostSharingView.as_view(),
        name="coupling_cost_sharing",
    ),
    path(
        f"{ONE}/koppelkansen/<int:coupling>/besluit",
        api.CouplingDecideView.as_view(),
        name="coupling_decide",
    ),
    path(f"{ONE}/niet-gedekt", api.UnfundedListView.as_view(), name="programme_unfunded"),
    path(f"{ONE}/kpis", api.KpiListView.as_view(), name="programme_kpis"),
    path(f"{ONE}/capaciteit", capacity_api.CapacityView.as_view(), name="programme_capacity"),
    path(f"{ONE}/kpis/samenvatting", api.KpiSummaryView.as_view(), name="programme_kpi_summary"),
    path(
        f"{ONE}/beheerlasten",
        maintenance_api.MaintenanceView.as_view(),
        name="programme_maintenance",
    ),
    path(f"{ONE}/extra-geld", whatif_api.ExtraMoneyView.as_view(), name="programme_extra_money"),
    path(
        f"{ONE}/gepland-gerealiseerd",
        realised_api.PlannedRealisedView.as_view(),
        name="programme_realised",
    ),
    path(
        f"{ONE}/scenarios",
        scenario_api.ScenarioCreateView.as_view(),
        name="programme_scenarios",
    ),
    path(
        f"{ONE}/wijzigingen",
        scenario_api.ChangeListView.as_view(),
        name="programme_changes",
    ),
    path(
        f"{ONE}/wijzigingen/<int:change>",
        scenario_api.ChangeDetailView.as_view(),
        name="programme_change",
    ),
    path(f"{ONE}/promoveren", scenario_api.PromoteView.as_view(), name="programme_promote"),
    path(
        f"{ONE}/vergelijking",
        scenario_api.ComparisonView.as_view(),
        name="programme_comparison",
    ),
    path(
        f"{ONE}/verschil-met-vastgesteld",
        api.BaselineDifferenceView.as_view(),
        name="programme_baseline_difference",
    ),
    path(f"{ONE}/vaststellen", api.AdoptView.as_view(), name="programme_adopt"),
    path(
        f"{ONE}/geschiedenis",
        api.ProgrammeViewSet.as_view({"get": "history"}),
        name="programme_history",
    ),
    path(f"{ONE}/raadswerkboek", api.WorkbookView.as_view(), name="programme_workbook"),
    path("beoordelingskaders", frameworks, name="framework_list"),
    path("beoordelingskaders/<int:pk>", framework, name="framework_detail"),
    path(
        "beoordelingskaders/<int:pk>/geschiedenis",
        api.AssessmentFrameworkViewSet.as_view({"get": "history"}),
        name="framework_history",
    ),
    path(
        "ambities/<int:pk>/monitoring",
        monitoring_api.AmbitionMonitoringView.as_view(),
        name="ambition_monitoring",
    ),
    *realisation_api.urlpatterns,
]
