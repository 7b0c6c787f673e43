"""The village newsletter: per kern, editions about what is planned and what changed,
sent to subscribers who confirmed their address (double opt-in), with a public archive.

An edition keeps its content as it was published (`content`): a later computation or a
new version must not rewrite what a village was told.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def new_token() -> str:
    """A token for the confirm and unsubscribe links: unguessable, URL-safe."""
    return secrets.token_urlsafe(32)


class EditionStatus(models.TextChoices):
    DRAFT = "concept", _("concept")
    PUBLISHED = "gepubliceerd", _("gepubliceerd")


class NewsletterEdition(models.Model):
    """One edition of a kern's newsletter: what is new, moved, started and finished
    since the previous edition, decisions on couplings and what is coming next year
    (`content`, built by `programming.newsletter`), with the officials' own words
    (`introduction`)."""

    kern = models.ForeignKey(
        "impor.Area", verbose_name=_("kern"), on_delete=models.PROTECT, related_name="editions"
    )
    number = models.PositiveIntegerField(_("nummer"))
    programme = models.ForeignKey(
        "programming.Programme",
        verbose_name=_("programma"),
        on_delete=models.PROTECT,
        related_name="editions",
    )
    period_start = models.DateField(_("sinds"))
    period_end = models.DateField(_("tot en met"))
    title = models.CharField(_("titel"), max_length=200)
    introduction = models.TextField(_("inleiding"), blank=True)
    content = models.JSONField(_("inhoud"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=EditionStatus.choices, default=EditionStatus.DRAFT
    )
    published_at = models.DateTimeField(_("gepubliceerd op"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gemaakt door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("gemaakt op"), auto_now_add=True)

    class Meta:
        verbose_name = _("nieuwsbrief")
        verbose_name_plural = _("nieuwsbrieven")
        ordering = ["kern", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["kern", "number"], name="edition_unique_number"),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="edition_period_order",
                violation_error_message=_("De periode eindigt niet vóór haar begin."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kern} {self.number}"


class SubscriberKind(models.TextChoices):
    ASSOCIATION = "dorpsvereniging", _("dorpsvereniging of belangenvereniging")
    RESIDENT = "bewoner", _("bewoner")


class Subscriber(models.Model):
    """Someone who receives a kern's newsletter by e-mail, once the address is confirmed
    through the link sent to it (double opt-in). Unsubscribing keeps the row, with the
    date, so a resent edition does not reach the address again."""

    kern = models.ForeignKey(
        "impor.Area",
        verbose_name=_("kern"),
        on_delete=models.CASCADE,
        related_name="subscribers",
    )
    email = models.EmailField(_("e-mailadres"))
    name = models.CharField(_("naam"), max_length=200, blank=True)
    kind = models.CharField(
        _("soort"), max_length=20, choices=SubscriberKind.choices, default=SubscriberKind.RESIDENT
    )
    token = models.CharField(_("sleutel"), max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(_("aangemeld op"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("bevestigd op"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("afgemeld op"), null=True, blank=True)

    class Meta:
        verbose_name = _("abonnee")
        verbose_name_plural = _("abonnees")
        ordering = ["kern", "email"]
        constraints = [
            models.UniqueConstraint(fields=["kern", "email"], name="subscriber_unique_email"),
        ]

    def __str__(self) -> str:
        return self.email


class NewsletterDelivery(models.Model):
    """That an edition was sent to a subscriber, so sending again skips the address."""

    edition = models.ForeignKey(
        NewsletterEdition,
        verbose_name=_("nieuwsbrief"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    subscriber = models.ForeignKey(
        Subscriber,
        verbose_name=_("abonnee"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    sent_at = models.DateTimeField(_("verzonden op"), auto_now_add=True)

    class Meta:
        verbose_name = _("verzending")
        verbose_name_plural = _("verzendingen")
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "subscriber"], name="delivery_unique_subscriber"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.edition} → {self.subscriber}"
