from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class StakeholdersConfig(AppConfig):
    name = "stakeholders"
    verbose_name = _("Actoren en ambities")

    def ready(self) -> None:
        from stakeholders.roles import rebuild_roles_after_migrate

        post_migrate.connect(rebuild_roles_after_migrate, sender=self)
