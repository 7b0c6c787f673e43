"""User roles as Django groups with model permissions.

Each role in :class:`~stakeholders.choices.Role` is a group of the same name. The groups
are (re)built after every `migrate`, so a new installation has them and a new model's
permissions reach the right roles without a manual step.

The same permissions guard the pages (`PermissionRequiredMixin`), the API
(`impor.api.permissions.ModelPermissions`), the exports (the permission of the page or
rows they export) and the admin. Only administrators and superusers reach the admin:
`is_staff` follows the role (`sync_staff`), so a partner never does.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db.models import Exists, OuterRef, Q
from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from stakeholders.choices import Role
from stakeholders.models import User

DOMAIN_APPS = ("impor", "stakeholders", "assets", "projects", "programming")

#: (app label, model names) that editors keep up to date.
EDITOR_MODELS = {
    "stakeholders": (
        "areatask",
        "contactperson",
        "processposition",
        "indicatormeasurement",
        "indicatortarget",
        "areaofinterest",
        "webhookendpoint",
    ),
    "assets": ("asset", "inspection", "report"),
    "projects": (
        "project",
        "ambitioncontribution",
        "indicatorcontribution",
        "funding",
        "projectrole",
        "registerentry",
        "projectbrief",
    ),
}

#: What programme managers manage on top of the editors' models.
PROGRAMME_MANAGER_MODELS = {
    "stakeholders": (
        "budgetline",
        "budgetamount",
        "theme",
        "ambition",
        "indicator",
        "team",
        "teamhours",
    ),
    "programming": (
        "assessmentframework",
        "criterion",
        "programme",
        "budgetoverride",
        "scenariochange",
        "couplingdecision",
        "couplingcostsharing",
        "couplingreservation",
        "worksetting",
        "realisation",
        "actualcost",
    ),
}

#: Partner users deliver and update their own works (row-level rules in the views).
PARTNER_MODELS = {
    "projects": ("project", "funding"),
    "stakeholders": ("areaofinterest", "webhookendpoint"),
}


def _permissions(models: dict[str, tuple[str, ...]], actions: tuple[str, ...]) -> Q:
    condition = Q(pk__in=[])
    for app_label, names in models.items():
        codenames = [f"{action}_{name}" for name in names for action in actions]
        condition |= Q(content_type__app_label=app_label, codename__in=codenames)
    return condition


def ensure_role_groups() -> dict[str, Group]:
    """Create or update one group per role with exactly its permissions."""
    view_all = Q(content_type__app_label__in=DOMAIN_APPS, codename__startswith="view_")
    write = ("add", "change", "delete")
    grants = {
        Role.VIEWER: view_all,
        Role.EDITOR: view_all | _permissions(EDITOR_MODELS, write),
        Role.PROGRAMME_MANAGER: view_all
        | _permissions(EDITOR_MODELS, write)
        | _permissions(PROGRAMME_MANAGER_MODELS, write),
        Role.ADMINISTRATOR: Q(content_type__app_label__in=(*DOMAIN_APPS, "auth")),
        Role.PARTNER: _permissions(PARTNER_MODELS, ("view", *write))
        | _permissions({"stakeholders": ("webhookdelivery",)}, ("view",))
        # Their own organisation's teams (row rule: `Team.objects.visible_to`).
        | _permissions({"stakeholders": ("team", "teamhours")}, ("view",))
        | _permissions({"programming": ("coupling", "work")}, ("view",))
        # Partners answer a coupling and ride along for their own organisation on the
        # couplings they see (row rule: `services.coupling_respond`, `reservation_add`).
        | _permissions(
            {"programming": ("couplingresponse", "couplingreservation")}, ("view", "add")
        )
        # The realisation and actual costs of their own works (row rule:
        # `programming.realisation.ensure_may_write`).
        | _permissions({"programming": ("realisation", "actualcost")}, ("view", "add", "change")),
    }
    groups = {}
    for role, condition in grants.items():
        group, _created = Group.objects.get_or_create(name=role.value)
        group.permissions.set(Permission.objects.filter(condition))
        groups[role.value] = group
    return groups


def is_staff_by_role(user) -> bool:
    """Whether `user` may use the admin: a superuser, or an administrator who is no
    partner user."""
    if user.is_superuser:
        return True
    return (
        user.partner_organisation is None
        and user.groups.filter(name=Role.ADMINISTRATOR.value).exists()
    )


def sync_staff(user) -> None:
    """Set `is_staff` from the user's role; saves only when it changes."""
    staff = is_staff_by_role(user)
    if user.is_staff != staff:
        user.is_staff = staff
        user.save(update_fields=["is_staff"])


def sync_all_staff() -> None:
    """`sync_staff` for every user at once (after a migrate, say)."""
    administrator = (
        User.groups.through.objects.filter(
            user=OuterRef("pk"), group__name=Role.ADMINISTRATOR.value
        )
        # A partner user never reaches the admin, whatever its groups.
        .exclude(user__organisation__is_internal=False)
    )
    User.objects.filter(is_superuser=False).update(is_staff=Exists(administrator))


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="staff_follows_role")
def staff_follows_role(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """Keep `is_staff` in step when a user's groups change, wherever that happens (the
    admin, single sign-on, a script)."""
    if not action.startswith("post_"):
        return
    users = User.objects.filter(pk__in=pk_set or ()) if reverse else [instance]
    for user in users:
        sync_staff(user)


def rebuild_roles_after_migrate(sender, using="default", **kwargs) -> None:
    """post_migrate handler: make sure every model's permissions exist, then the groups,
    then whom the roles let into the admin."""
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    ensure_role_groups()
    sync_all_staff()
