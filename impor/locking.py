"""Optimistic locking: a save is refused when someone else saved the object after the
editor started, so no edit silently overwrites another.

An object that may be edited by several people at once (a project, a project brief)
has a `version`: 1 when made, one more on every save. An editor starts from the version
they read — a hidden field of the page's form, the ETag or the `version` of the API —
and every save of such an object goes through `claim_version`:

1. inside the save's transaction, one conditional UPDATE moves the stored version on by
   one: ``UPDATE … SET version = version + 1 WHERE id = %s AND version = <started from>``;
2. when no row matched, someone saved in between: `EditConflict`, and the transaction
   (with anything else the save wrote, such as the object's rows) is rolled back;
3. else the caller saves the object (which now carries the new version) and its rows.

The UPDATE keeps the row locked until the transaction ends, so of two saves that start
from the same version at the same moment exactly one wins: on PostgreSQL the second
waits for the row and then finds the version moved on; SQLite lets one write
transaction run at a time (the settings begin each transaction IMMEDIATE).

`describe_conflict` then tells the refused editor who changed the object, when and
what, from the object's django-simple-history records; `VersionedModelForm` and
`RefuseEditConflictsMixin` do this for the edit pages, `impor.api.locking` for the API.
"""

from dataclasses import dataclass
from datetime import datetime

from django import forms
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from impor.history import display, user_name

#: Longer values (a geometry, a long text) are cut in the table of changes.
SHOWN_CHARACTERS = 120


class EditConflict(Exception):
    """The stored version of `instance` is no longer `started_from`."""

    def __init__(self, instance: models.Model, started_from: int | None):
        super().__init__(f"{instance._meta.label} {instance.pk}: version {started_from} is stale")
        self.instance = instance
        self.started_from = started_from


def claim_version(instance: models.Model, started_from: int | None) -> None:
    """Move the stored version of `instance` from `started_from` on by one, or raise
    `EditConflict`; sets the new version on `instance`, which the caller then saves in
    the same transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("claim_version needs the transaction that saves the object")
    rows = type(instance)._default_manager.filter(pk=instance.pk, version=started_from)
    if started_from is None or not rows.update(version=F("version") + 1):
        raise EditConflict(instance, started_from)
    instance.version = started_from + 1


def bump_version(model: type[models.Model], pk: int) -> None:
    """A change to one of the object's rows (a project's funding) is a change of the
    object: move its version on and record it in its history. The object needs an
    `updated_at` field."""
    with transaction.atomic():
        instance = model._default_manager.select_for_update().get(pk=pk)
        claim_version(instance, instance.version)
        instance.save(update_fields=["version", "updated_at"])


@dataclass(frozen=True)
class Change:
    """One field that differs between the version the editor started from and now."""

    name: str
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class ConflictDescription:
    """Who changed the object after the editor started, when, and what changed."""

    who: str
    when: datetime | None
    version: int
    #: None when the history does not hold the version the editor started from.
    changes: list[Change] | None

    def message(self, subject: str) -> str:
        """A sentence such as "Jan de Vries heeft dit project om 14:32 gewijzigd, nadat u
        begon."; `subject` names the object ("dit project")."""
        if self.when is None:
            moment = ""
        else:
            local = timezone.localtime(self.when)
            time = date_format(local, "H:i")
            if local.date() == timezone.localdate():
                moment = gettext("om %(time)s") % {"time": time}
            else:
                moment = gettext("op %(date)s om %(time)s") % {
                    "date": date_format(local, "j F Y"),
                    "time": time,
                }
        text = gettext("%(who)s heeft %(subject)s %(moment)s gewijzigd, nadat u begon.") % {
            "who": self.who,
            "subject": subject,
            "moment": moment,
        }
        return " ".join(text.split())


def describe_conflict(instance: models.Model, started_from: int | None) -> ConflictDescription:
    """What happened to `instance` since version `started_from`, from its history: the
    author and time of the latest save, and each field whose value differs between the
    record of `started_from` and the latest record."""
    model = type(instance)
    current = model._default_manager.get(pk=instance.pk)
    records = current.history.select_related("history_user").order_by(
        "-history_date", "-history_id"
    )
    latest = records.first()
    since = records.filter(version__gt=started_from or 0).first()
    before = records.filter(version__lte=started_from or 0).first()
    author = since.history_user if since is not None else None
    who = user_name(author) or gettext("Iemand")
    when = since.history_date if since is not None else getattr(current, "updated_at", None)
    changes = None
    if latest is not None and before is not None:
        changes = []
        delta = latest.diff_against(before, foreign_keys_are_objs=True)
        order = {field.name: index for index, field in enumerate(model._meta.fields)}
        for change in sorted(delta.changes, key=lambda c: order.get(c.field, len(order))):
            field = model._meta.get_field(change.field)
            changes.append(
                Change(
                    name=change.field,
                    label=str(field.verbose_name),
                    before=_shown(field, change.old),
                    after=_shown(field, change.new),
                )
            )
    return ConflictDescription(who=who, when=when, version=current.version, changes=changes)


def _shown(field: models.Field, value) -> str:
    """A stored value as the history page shows it, long ones (a geometry) cut short;
    a foreign key's value is the related object itself (or a deleted one's stand-in)."""
    if isinstance(field, models.ForeignKey):
        return "—" if value is None else str(value)
    return Truncator(display(field, value, names=None)).chars(SHOWN_CHARACTERS)


class VersionedModelForm(forms.ModelForm):
    """A model form that carries the version its editor started from (a hidden field) and
    saves only while the stored version is still that one (`claim_version`)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stored = self.instance.pk is not None
        self.fields["version"].initial = self.instance.version if stored else 0
        self.fields["version"].required = stored

    def save(self, commit: bool = True):
        if commit and self.instance.pk is not None:
            claim_version(self.instance, self.cleaned_data["version"])
        return super().save(commit)


class RefuseEditConflictsMixin:
    """For an edit view (`ObjectEditView`, UpdateView) of a `VersionedModelForm`: when
    someone else saved the object after the editor opened the page, nothing is written and
    the page shows the form again with the editor's input, above it who changed what
    (``components/edit_conflict.html``, context variable ``edit_conflict``) and a link to
    start again from the new version.

    Mix in before the view's other classes: the whole save, rows included, runs in one
    transaction that the refusal rolls back. A new object (``self.object`` None) has no
    one to conflict with and is saved as usual.
    """

    #: How the message names the object: "dit project".
    conflict_subject = _("dit object")

    def form_valid(self, form):
        started_from = form.cleaned_data.get("version")
        if self._moved_on(started_from):
            return self.refuse(form, started_from)
        try:
            with transaction.atomic():
                return super().form_valid(form)
        except EditConflict:
            return self.refuse(form, started_from)
        except IntegrityError:
            # Two editors saved the first version at the same moment: the other one's
            # row now exists (a brief is one per project), so this is a conflict too.
            if self.object is None or not self.object._state.adding:
                raise
            self.object = self.get_object()
            if self.object._state.adding:
                raise
            return self.refuse(form, None)

    def form_invalid(self, form):
        started_from = form.cleaned_data.get("version")
        if self._moved_on(started_from):
            return self.refuse(form, started_from)
        return super().form_invalid(form)

    def _moved_on(self, started_from: int | None) -> bool:
        # self.object was read at the start of this request: its version is the stored one.
        stored = self.object is not None and not self.object._state.adding
        return stored and started_from is not None and started_from != self.object.version

    def refuse(self, form, started_from: int | None):
        conflict = describe_conflict(self.object, started_from)
        context = self.get_context_data(form=form)
        context["edit_conflict"] = {
            "message": conflict.message(str(self.conflict_subject)),
            "changes": conflict.changes,
            "reload_url": self.request.path,
        }
        return self.render_to_response(context, status=409)
