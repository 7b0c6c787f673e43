from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.forms import UserChangeForm as BaseUserChangeForm
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from impor.choices import Discipline
from stakeholders.models import (
    Actor,
    Alert,
    AlertSettings,
    Ambition,
    ApiToken,
    AreaOfInterest,
    AreaTask,
    BudgetAmount,
    BudgetLine,
    ContactPerson,
    Indicator,
    IndicatorMeasurement,
    IndicatorTarget,
    Notification,
    ProcessPosition,
    SingleSignOnIdentity,
    Team,
    TeamHours,
    Theme,
    User,
    WebhookDelivery,
    WebhookEndpoint,
)
from stakeholders.roles import sync_staff
from stakeholders.services import sso_identity_link


class ContactPersonInline(admin.TabularInline):
    model = ContactPerson
    extra = 0
    fields = ("name", "function", "email", "phone")

    def get_queryset(self, request):
        # Each row's title names its actor.
        return super().get_queryset(request).select_related("actor")


class ProcessPositionInline(admin.TabularInline):
    model = ProcessPosition
    extra = 0
    fields = ("step", "now", "desired", "notes")

    def get_queryset(self, request):
        # Each row's title names its actor.
        return super().get_queryset(request).select_related("actor")


@admin.register(Actor)
class ActorAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "kind", "domain", "is_internal", "parent")
    list_filter = ("is_internal", "kind", "domain")
    search_fields = ("name", "short_name", "email")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent", "areas_of_interest")
    # Dutch users type "www.dalfsen.nl"; assume https, as Django 6 will.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = (ContactPersonInline, ProcessPositionInline)


class UserDisciplinesMixin(forms.ModelForm):
    """The disciplines an editor is limited to, as checkboxes (none ticked: all)."""

    disciplines = forms.MultipleChoiceField(
        label=_("disciplines"),
        choices=Discipline.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=User._meta.get_field("disciplines").help_text,
    )


class UserChangeForm(UserDisciplinesMixin, BaseUserChangeForm):
    pass


class UserCreationForm(UserDisciplinesMixin, AdminUserCreationForm):
    pass


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Users, their organisation and the disciplines they edit. Whether a user reaches
    this admin (`is_staff`) follows the role, see `stakeholders.roles.sync_staff`."""

    form = UserChangeForm
    add_form = UserCreationForm
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Organisatie en disciplines"), {"fields": ("organisation", "disciplines")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Organisatie en disciplines"), {"fields": ("organisation", "disciplines")}),
    )
    readonly_fields = ("is_staff",)
    list_display = (*BaseUserAdmin.list_display, "organisation")
    list_filter = (*BaseUserAdmin.list_filter, ("organisation", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("organisation",)
    autocomplete_fields = ("organisation",)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The organisation may have changed without the groups changing.
        sync_staff(form.instance)


@admin.register(SingleSignOnIdentity)
class SingleSignOnIdentityAdmin(SimpleHistoryAdmin):
    """Which account at the identity provider logs in as which user. Adding one links an
    existing user (single sign-on never does so by e-mail address); a link is not edited
    but deleted and added again, so that each step stays in the history."""

    list_display = ("user", "issuer", "subject", "created_at")
    list_filter = ("issuer",)
    search_fields = ("user__username", "user__email", "subject")
    list_select_related = ("user",)
    autocomplete_fields = ("user",)

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else ("user", "issuer", "subject", "created_at")

    def save_model(self, request, obj, form, change):
        if change:
            return
        linked = sso_identity_link(
            user=obj.user, issuer=obj.issuer, subject=obj.subject, reason="admin"
        )
        obj.pk = linked.pk


@admin.register(ContactPerson)
class ContactPersonAdmin(admin.ModelAdmin):
    list_display = ("name", "actor", "function", "email", "phone")
    list_filter = ("actor__is_internal",)
    search_fields = ("name", "email", "actor__name")
    list_select_related = ("actor",)
    autocomplete_fields = ("actor",)


@admin.register(ProcessPosition)
class ProcessPositionAdmin(admin.ModelAdmin):
    list_display = ("actor", "step", "now", "desired")
    list_filter = ("step", "now", "desired")
    search_fields = ("actor__name",)
    list_select_related = ("actor",)
    autocomplete_fields = ("actor",)


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "colour")
    search_fields = ("name", "code")
    prepopulated_fields = {"code": ("name",)}
    autocomplete_fields = ("ambitions",)


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ("name", "unit", "baseline_value", "baseline_year", "target_value", "target_year")
    show_change_link = True


@admin.register(Ambition)
class AmbitionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "owner", "horizon_year")
    list_filter = (("owner", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("code", "name")
    list_select_related = ("owner",)
    autocomplete_fields = ("owner",)
    inlines = (IndicatorInline,)


class IndicatorMeasurementInline(admin.TabularInline):
    model = IndicatorMeasurement
    extra = 0
    fields = ("year", "value")

    def get_queryset(self, request):
        # Each row's title names its indicator.
        return super().get_queryset(request).select_related("indicator")


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "ambition",
        "unit",
        "baseline_value",
        "baseline_year",
        "target_value",
        "target_year",
    )
    list_filter = ("ambition",)
    search_fields = ("name", "ambition__name", "ambition__code")
    list_select_related = ("ambition",)
    autocomplete_fields = ("ambition",)
    inlines = (IndicatorMeasurementInline,)


@admin.register(IndicatorTarget)
class IndicatorTargetAdmin(admin.ModelAdmin):
    list_display = ("indicator", "year", "value")
    list_filter = ("year",)
    search_fields = ("indicator__name",)
    list_select_related = ("indicator",)
    autocomplete_fields = ("indicator",)


@admin.register(IndicatorMeasurement)
class IndicatorMeasurementAdmin(admin.ModelAdmin):
    list_display = ("indicator", "year", "value")
    list_filter = ("year", "indicator__ambition")
    search_fields = ("indicator__name",)
    list_select_related = ("indicator",)
    autocomplete_fields = ("indicator",)


@admin.register(AreaTask)
class AreaTaskAdmin(admin.ModelAdmin):
    list_display = ("title", "area", "domain", "theme", "owner", "priority", "has_budget")
    list_filter = ("domain", "area__level", "theme", "priority", "has_budget")
    search_fields = ("title", "area__name", "situation_now", "situation_desired")
    list_select_related = ("area", "theme", "owner")
    autocomplete_fields = ("area", "theme", "owner")


class BudgetAmountInline(admin.TabularInline):
    model = BudgetAmount
    extra = 0
    fields = ("year", "amount")

    def get_queryset(self, request):
        # Each row's title names its budget line.
        return super().get_queryset(request).select_related("budget_line")


@admin.register(BudgetLine)
class BudgetLineAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "owner")
    list_filter = (("owner", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("code", "name")
    list_select_related = ("owner",)
    autocomplete_fields = ("owner",)
    inlines = (BudgetAmountInline,)


@admin.register(BudgetAmount)
class BudgetAmountAdmin(SimpleHistoryAdmin):
    list_display = ("budget_line", "year", "amount")
    list_filter = ("year", "budget_line")
    search_fields = ("budget_line__code", "budget_line__name")
    list_select_related = ("budget_line",)
    autocomplete_fields = ("budget_line",)


class TeamHoursInline(admin.TabularInline):
    model = TeamHours
    extra = 0
    fields = ("year", "hours")


@admin.register(Team)
class TeamAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "actor", "discipline")
    list_filter = ("discipline", ("actor", admin.RelatedOnlyFieldListFilter))
    search_fields = ("code", "name")
    list_select_related = ("actor",)
    autocomplete_fields = ("actor",)
    inlines = (TeamHoursInline,)


@admin.register(TeamHours)
class TeamHoursAdmin(SimpleHistoryAdmin):
    list_display = ("team", "year", "hours")
    list_filter = ("year", "team")
    search_fields = ("team__code", "team__name")
    list_select_related = ("team",)
    autocomplete_fields = ("team",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens of integrations. Making one shows its key once; only its hash is kept."""

    list_display = ("name", "user", "organisation", "prefix", "created", "last_used", "revoked_at")
    list_filter = ("revoked_at", "organisation")
    search_fields = ("name", "user__username", "prefix")
    list_select_related = ("user", "organisation")
    autocomplete_fields = ("user",)
    actions = ("revoke",)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("user", "name")
        return ("user", "organisation", "name", "prefix", "created", "last_used", "revoked_at")

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return ("user", "organisation", "prefix", "created", "last_used", "revoked_at")

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        token, key = ApiToken.objects.issue(user=obj.user, name=obj.name)
        obj.pk = token.pk
        messages.warning(
            request,
            _("De sleutel is %(key)s. Kopieer hem nu: hij wordt niet bewaard en niet meer getoond.")
            % {"key": key},
        )

    @admin.action(description=_("Gekozen sleutels intrekken"))
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        messages.success(request, _("%(count)d sleutel(s) ingetrokken.") % {"count": count})


# --- areas of interest and alerts ------------------------------------------------------


@admin.register(AreaOfInterest)
class AreaOfInterestAdmin(SimpleHistoryAdmin):
    list_display = ("name", "organisation", "buffer", "source", "updated_at")
    list_filter = ("source", ("organisation", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "organisation__name")
    list_select_related = ("organisation",)
    autocomplete_fields = ("organisation", "created_by")


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "organisation")
    list_filter = ("kind", ("organisation", admin.RelatedOnlyFieldListFilter))
    search_fields = ("organisation__name",)
    list_select_related = ("organisation",)
    autocomplete_fields = ("organisation",)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("alert", "user", "read_at", "mailed_at")
    search_fields = ("user__username",)
    list_select_related = ("alert__organisation", "user")
    raw_id_fields = ("alert",)
    autocomplete_fields = ("user",)


@admin.register(AlertSettings)
class AlertSettingsAdmin(admin.ModelAdmin):
    list_display = ("user", "frequency", "last_digest_at")
    list_filter = ("frequency",)
    search_fields = ("user__username",)
    list_select_related = ("user",)
    autocomplete_fields = ("user",)
    readonly_fields = ("feed_token",)


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(SimpleHistoryAdmin):
    list_display = ("url", "organisation", "is_active", "created_at")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_filter = ("is_active", ("organisation", admin.RelatedOnlyFieldListFilter))
    search_fields = ("url", "organisation__name")
    list_select_related = ("organisation",)
    autocomplete_fields = ("organisation", "created_by")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "endpoint", "status", "attempts", "response_code")
    list_filter = ("status",)
    search_fields = ("endpoint__url",)
    list_select_related = ("endpoint",)
    raw_id_fields = ("endpoint", "alert")
