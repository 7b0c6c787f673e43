"""Querysets of actors and budget lines, with the rule of who sees which rows
(`impor.visibility`)."""

from django.db import models

from impor.visibility import for_partner


class ActorQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ActorQuerySet":
        """Every actor for a municipal user; for a partner its own organisation only."""
        return for_partner(self, user, "pk")


class BudgetLineQuerySet(models.QuerySet):
    def visible_to(self, user) -> "BudgetLineQuerySet":
        """Every budget line for a municipal user; for a partner its organisation's."""
        return for_partner(self, user, "owner")


class BudgetAmountQuerySet(models.QuerySet):
    def visible_to(self, user) -> "BudgetAmountQuerySet":
        """The amounts of the budget lines `user` may see."""
        return for_partner(self, user, "budget_line__owner")
