"""Querysets of a programme's computed content, with the rule of who sees which rows
(`impor.visibility`): a partner sees its own works and the couplings and unfunded items
of those works, nothing of another organisation's."""

from django.db import models
from django.db.models import Exists, OuterRef

from impor.visibility import for_partner, partner_of


class WorkQuerySet(models.QuerySet):
    def visible_to(self, user) -> "WorkQuerySet":
        """Every work for a municipal user; for a partner those its organisation owns, as
        owner of the work or of its project."""
        return for_partner(self, user, "owner", "project__owner")


class CouplingQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CouplingQuerySet":
        """Every coupling for a municipal user; for a partner those that include one of
        its works."""
        if partner_of(user) is None:
            return self
        works = self.model.works.rel.related_model.objects.visible_to(user)
        return self.filter(Exists(works.filter(coupling=OuterRef("pk"))))


class WorkRowQuerySet(models.QuerySet):
    """Rows that belong to one work (its costs, its unfunded items): visible with it."""

    def visible_to(self, user) -> "WorkRowQuerySet":
        return for_partner(self, user, "work__owner", "work__project__owner")
