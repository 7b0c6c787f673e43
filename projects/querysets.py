"""Querysets of projects and their rows, with the rule of who sees which rows
(`impor.visibility`): a partner sees its own organisation's projects and nothing of
another's."""

from django.db import models

from impor.visibility import for_partner


class ProjectQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ProjectQuerySet":
        """Every project for a municipal user; for a partner the projects its
        organisation owns."""
        return for_partner(self, user, "owner")


class ProjectRowQuerySet(models.QuerySet):
    """Rows that belong to one project (funding, roles, register entries, contributions,
    the brief): visible with their project."""

    def visible_to(self, user) -> "ProjectRowQuerySet":
        return for_partner(self, user, "project__owner")
