"""User roles as Django groups with model permissions.

Each role in :class:`~stakeholders.choices.Role` is a group of the same name. The groups
are (re)built after every `migrate`, so a new installation has them and a new model's
permissions reach the right roles without a manual step.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from stakeholders.choices import Role

DOMAIN_APPS = ("impor", "stakeholders", "assets", "projects", "programming")

#: (app label, model names) that editors keep up to date.
EDITOR_MODELS = {
    "stakeholders": ("areatask", "contactperson", "processposition", "indicatormeasurement"),
    "assets": ("asset", "inspection", "report"),
    "projects": (
        "project",
        "ambitioncontribution",
        "funding",
        "projectrole",
        "registerentry",
        "projectbrief",
    ),
}

#: What programme managers manage on top of the editors' models.
PROGRAMME_MANAGER_MODELS = {
    "stakeholders": ("budgetline", "budgetamount", "theme", "ambition", "indicator"),
    "programming": (
        "assessmentframework",
        "criterion",
        "programme",
        "budgetoverride",
        "couplingdecision",
    ),
}

#: Partner users deliver and update their own works (row-level rules in the views).
PARTNER_MODELS = {"projects": ("project", "funding")}


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
        | _permissions({"programming": ("coupling", "work")}, ("view",)),
    }
    groups = {}
    for role, condition in grants.items():
        group, _created = Group.objects.get_or_create(name=role.value)
        group.permissions.set(Permission.objects.filter(condition))
        groups[role.value] = group
    return groups


def rebuild_roles_after_migrate(sender, using="default", **kwargs) -> None:
    """post_migrate handler: make sure every model's permissions exist, then the groups."""
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    ensure_role_groups()
