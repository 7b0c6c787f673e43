"""Querysets of actors, budget lines, areas of interest and alerts, with the rule of who
sees which rows (`impor.visibility`)."""

from typing import Any, TypeVar

from django.db import models

from impor.visibility import for_partner

_QuerySet = TypeVar("_QuerySet", bound=models.QuerySet[Any])


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


class TeamQuerySet(models.QuerySet):
    def visible_to(self, user) -> "TeamQuerySet":
        """Every team for a municipal user; for a partner its organisation's."""
        return for_partner(self, user, "actor")


class TeamHoursQuerySet(models.QuerySet):
    def visible_to(self, user) -> "TeamHoursQuerySet":
        """The hours of the teams `user` may see."""
        return for_partner(self, user, "team__actor")


class AreaOfInterestQuerySet(models.QuerySet):
    def visible_to(self, user) -> "AreaOfInterestQuerySet":
        """Every area of interest for a municipal user; for a partner its organisation's."""
        return for_partner(self, user, "organisation")


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user) -> "NotificationQuerySet":
        """A user's own inbox, for everybody: a notification is written for one reader
        (what it tells depends on the reader's organisation)."""
        return self.filter(user_id=getattr(user, "pk", None))

    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)


def _own_organisation(queryset: _QuerySet, user, lookup: str) -> _QuerySet:
    """The rows of the user's own organisation (municipal or partner alike): a webhook
    holds the organisation's secret, which no other organisation, nor the municipality,
    needs to see. A superuser sees all; a user without organisation none."""
    if getattr(user, "is_superuser", False):
        return queryset
    organisation_id = getattr(user, "organisation_id", None)
    if organisation_id is None:
        return queryset.none()
    return queryset.filter(**{lookup: organisation_id})


class WebhookEndpointQuerySet(models.QuerySet):
    def visible_to(self, user) -> "WebhookEndpointQuerySet":
        """The webhooks of the user's own organisation."""
        return _own_organisation(self, user, "organisation")


class WebhookDeliveryQuerySet(models.QuerySet):
    def visible_to(self, user) -> "WebhookDeliveryQuerySet":
        """The delivery log of the user's own organisation's webhooks."""
        return _own_organisation(self, user, "endpoint__organisation")
