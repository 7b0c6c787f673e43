"""Who sees which rows: one rule per model, applied the same way everywhere.

Every model whose rows a partner may see only in part (actors, budget lines, projects
and their rows, the programme's works, couplings and unfunded items) has a queryset
method ``visible_to(user)``: all rows for a municipal user, and for a partner user (of an
external organisation, `User.partner_organisation`) its own organisation's rows and the
couplings that include one of them. That method is the rule.

Pages, exports, API answers and imports start their queries from it. The choices a user
is offered and may send back, in a form's select, a list's filter or an API field that
names a row by id, come from it too, through `limit_choices`: another organisation's
budget line is then no valid choice, exactly like one that does not exist, so a partner
can neither use it nor learn that it is there.
"""

from collections.abc import Mapping
from typing import Any, TypeVar

from django.db.models import Manager, Model, Q, QuerySet

# A model's own QuerySet subclass goes in and comes out, so `visible_to` keeps its type.
_QuerySet = TypeVar("_QuerySet", bound=QuerySet[Any])


def partner_of(user: Any) -> Model | None:
    """The external organisation `user` works for; None for a municipal or anonymous
    user."""
    organisation: Model | None = getattr(user, "partner_organisation", None)
    return organisation


def for_partner(queryset: _QuerySet, user: Any, *own: str) -> _QuerySet:
    """`queryset` for `user`: whole for a municipal user, for a partner the rows that
    belong to its organisation by any of the lookups `own` (``owner``,
    ``project__owner``, ``pk``, …)."""
    organisation = partner_of(user)
    if organisation is None:
        return queryset
    condition = Q()
    for lookup in own:
        condition |= Q(**{lookup: organisation.pk})
    return queryset.filter(condition)


def visible(queryset: QuerySet[Any], user: Any) -> QuerySet[Any]:
    """The rows of `queryset` that `user` may see, for a model with a visibility rule;
    the queryset as it is for a model every user may see whole (areas, themes, …)."""
    rule = getattr(queryset, "visible_to", None)
    if rule is None:
        return queryset
    rows: QuerySet[Any] = rule(user)
    return rows


def sees_every_row(queryset: QuerySet[Any], user: Any) -> bool:
    """Whether `user` sees every row of `queryset`'s model: the model has no visibility
    rule, or the user is municipal. A row that no longer exists cannot be put to the rule,
    so what is left of it (a deleted row's history) is shown only to such a user."""
    return getattr(queryset, "visible_to", None) is None or partner_of(user) is None


def limit_choices(fields: Mapping[str, Any], user: Any) -> None:
    """Offer and accept only the rows `user` may see in each field that names a row:
    Django form fields (select, multiple select), django-filter filters and DRF related
    fields alike. `fields` is a mapping of name to field, changed in place."""
    for field in fields.values():
        target = getattr(field, "child_relation", field)  # DRF's many=True wraps one
        queryset = getattr(target, "queryset", None)
        if isinstance(queryset, Manager):  # DRF keeps the model's manager
            queryset = queryset.all()
        if isinstance(queryset, QuerySet):
            target.queryset = visible(queryset, user)
