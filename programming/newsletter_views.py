"""Pages of the village newsletter (docs/newsletter.md).

Public, without login (routed with `login_not_required` in `newsletter_urls`): a kern's
archive of published editions, an edition's printable page, the sign-up form and the
confirm and unsubscribe links. They show only published editions and never tell whether
an address is known. Staff pages (programme managers and administrators: whoever may
change the programme decides what the villages are told) make, publish and send editions
and list the subscribers.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.cache import cache
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views import View
from django.views.generic import TemplateView

from impor.choices import AreaLevel
from impor.models import Area
from programming import newsletter
from programming.models import EditionStatus, NewsletterEdition, Programme, Subscriber
from programming.newsletter_forms import EditionForm, SubscribeForm
from programming.newsletter_tasks import send_edition

#: Who manages the newsletter.
PERMISSION = "programming.change_programme"

#: Sign-ups one address (IP) may post per hour, and confirmation mails one e-mail address
#: may receive per day, so the form cannot flood a mailbox.
SIGNUPS_PER_HOUR = 10
CONFIRMATIONS_PER_DAY = 3


def _kern(pk: int) -> Area:
    return get_object_or_404(Area, pk=pk, level=AreaLevel.KERN)


def _published(kern: Area):
    return NewsletterEdition.objects.filter(kern=kern, status=EditionStatus.PUBLISHED)


def _over_limit(key: str, limit: int, seconds: int) -> bool:
    """Count one more under `key` for `seconds`; whether the count is above `limit`."""
    cache.add(key, 0, seconds)
    try:
        return cache.incr(key) > limit
    except ValueError:
        return False


class PublicIndexView(TemplateView):
    template_name = "programming/newsletter/public_index.html"

    def get_context_data(self, **kwargs):
        published = Count("editions", filter=Q(editions__status=EditionStatus.PUBLISHED))
        return super().get_context_data(
            kernen=newsletter.kernen().annotate(published=published), **kwargs
        )


class ArchiveView(TemplateView):
    template_name = "programming/newsletter/archive.html"

    def get_context_data(self, **kwargs):
        kwargs["kern"] = kern = _kern(self.kwargs["kern"])
        return super().get_context_data(editions=_published(kern), **kwargs)


class EditionView(TemplateView):
    template_name = "programming/newsletter/edition.html"

    def get_context_data(self, **kwargs):
        kwargs["kern"] = kern = _kern(self.kwargs["kern"])
        edition = get_object_or_404(_published(kern), number=self.kwargs["number"])
        return super().get_context_data(
            edition=edition,
            sections=newsletter.edition_sections(edition.content),
            **kwargs,
        )


class SubscribeView(View):
    template_name = "programming/newsletter/subscribe.html"

    def get(self, request, kern):
        return render(request, self.template_name, {"kern": _kern(kern), "form": SubscribeForm()})

    def post(self, request, kern):
        area = _kern(kern)
        form = SubscribeForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"kern": area, "form": form}, status=400)
        ip = settings.AXES_CLIENT_IP_CALLABLE(request) or "unknown"
        data = form.cleaned_data
        email = data["email"].strip().lower()
        # The same answer whatever happens: a robot (honeypot filled), too many sign-ups,
        # a known address or a new one.
        if (
            not data["website"]
            and not _over_limit(f"newsletter:ip:{ip}", SIGNUPS_PER_HOUR, 3600)
            and not _over_limit(f"newsletter:mail:{email}", CONFIRMATIONS_PER_DAY, 86400)
        ):
            newsletter.subscribe(area, email, data["name"], data["kind"])
        return render(request, "programming/newsletter/subscribe_sent.html", {"kern": area})


class TokenView(View):
    """A link from an e-mail: GET asks to confirm with a button (a mail scanner that
    follows links changes nothing), POST does it."""

    action = None
    template_name = ""

    def get(self, request, token):
        subscriber = Subscriber.objects.filter(token=token).select_related("kern").first()
        if subscriber is None:
            return render(request, "programming/newsletter/token_unknown.html", status=404)
        return render(request, self.template_name, {"subscriber": subscriber, "done": False})

    def post(self, request, token):
        subscriber = type(self).action(token)
        if subscriber is None:
            return render(request, "programming/newsletter/token_unknown.html", status=404)
        return render(request, self.template_name, {"subscriber": subscriber, "done": True})


class ConfirmView(TokenView):
    action = staticmethod(newsletter.confirm)
    template_name = "programming/newsletter/confirm.html"


class UnsubscribeView(TokenView):
    action = staticmethod(newsletter.unsubscribe)
    template_name = "programming/newsletter/unsubscribe.html"


class ManageIndexView(PermissionRequiredMixin, TemplateView):
    permission_required = PERMISSION
    template_name = "programming/newsletter/manage_index.html"

    def get_context_data(self, **kwargs):
        confirmed = Q(
            subscribers__confirmed_at__isnull=False, subscribers__unsubscribed_at__isnull=True
        )
        rows = newsletter.kernen().annotate(
            edition_count=Count("editions", distinct=True),
            subscriber_count=Count("subscribers", filter=confirmed, distinct=True),
        )
        return super().get_context_data(kernen=rows, **kwargs)


class ManageKernView(PermissionRequiredMixin, TemplateView):
    """A kern's editions (drafts too) with their deliveries; POST makes a draft."""

    permission_required = PERMISSION
    template_name = "programming/newsletter/manage_kern.html"

    def get_context_data(self, **kwargs):
        kwargs["kern"] = kern = _kern(self.kwargs["kern"])
        editions = NewsletterEdition.objects.filter(kern=kern).annotate(
            delivery_count=Count("deliveries")
        )
        return super().get_context_data(
            editions=editions,
            programme=Programme.objects.current(),
            subscriber_count=Subscriber.objects.filter(
                kern=kern, confirmed_at__isnull=False, unsubscribed_at__isnull=True
            ).count(),
            **kwargs,
        )

    def post(self, request, kern):
        area = _kern(kern)
        programme = Programme.objects.current()
        if programme is None:
            messages.error(request, gettext("Er is geen programma om een editie van te maken."))
            return redirect("newsletter:manage_kern", kern=area.pk)
        edition = newsletter.edition_draft(area, programme, user=request.user)
        return redirect("newsletter:manage_edition", pk=edition.pk)


class EditionMixin(PermissionRequiredMixin):
    permission_required = PERMISSION

    def get_edition(self) -> NewsletterEdition:
        return get_object_or_404(
            NewsletterEdition.objects.select_related("kern", "programme"), pk=self.kwargs["pk"]
        )


class ManageEditionView(EditionMixin, TemplateView):
    """An edition as the villages will read it; a draft's title and introduction are
    edited here."""

    template_name = "programming/newsletter/manage_edition.html"

    def get_context_data(self, **kwargs):
        edition = kwargs.pop("edition", None) or self.get_edition()
        form = kwargs.pop("form", None) or EditionForm(instance=edition)
        return super().get_context_data(
            edition=edition,
            kern=edition.kern,
            form=form,
            sections=newsletter.edition_sections(edition.content),
            delivery_count=edition.deliveries.count(),
            waiting=newsletter.receivers(edition).count(),
            **kwargs,
        )

    def post(self, request, pk):
        edition = self.get_edition()
        if edition.status != EditionStatus.DRAFT:
            messages.error(request, gettext("Een gepubliceerde editie verandert niet meer."))
            return redirect("newsletter:manage_edition", pk=edition.pk)
        form = EditionForm(request.POST, instance=edition)
        if not form.is_valid():
            context = self.get_context_data(edition=edition, form=form)
            return self.render_to_response(context, status=400)
        form.save()
        messages.success(request, gettext("De editie is opgeslagen."))
        return redirect("newsletter:manage_edition", pk=edition.pk)


class EditionPublishView(EditionMixin, View):
    def post(self, request, pk):
        edition = newsletter.edition_publish(self.get_edition())
        messages.success(
            request,
            gettext("Editie %(number)s is gepubliceerd.") % {"number": edition.number},
        )
        return redirect("newsletter:manage_edition", pk=edition.pk)


class EditionSendView(EditionMixin, View):
    """Queue the e-mails on the task worker; a second send reaches only new subscribers."""

    def post(self, request, pk):
        edition = self.get_edition()
        if edition.status != EditionStatus.PUBLISHED:
            messages.error(request, gettext("Publiceer de editie eerst."))
        else:
            send_edition.enqueue(edition.pk)
            messages.success(request, gettext("De nieuwsbrief wordt verzonden."))
        return redirect("newsletter:manage_edition", pk=edition.pk)


class SubscriberListView(PermissionRequiredMixin, TemplateView):
    permission_required = PERMISSION
    template_name = "programming/newsletter/subscribers.html"

    def get_context_data(self, **kwargs):
        kwargs["kern"] = kern = _kern(self.kwargs["kern"])
        subscribers = Subscriber.objects.filter(kern=kern).annotate(
            delivery_count=Count("deliveries")
        )
        return super().get_context_data(subscribers=subscribers, **kwargs)


class SubscriberDeleteView(PermissionRequiredMixin, View):
    """Remove everything stored about a subscriber (the address, name and deliveries),
    when someone asks for it (docs/newsletter.md, privacy)."""

    permission_required = PERMISSION

    def post(self, request, pk):
        subscriber = get_object_or_404(Subscriber, pk=pk)
        kern = subscriber.kern_id
        subscriber.delete()
        messages.success(request, gettext("De abonnee en zijn gegevens zijn verwijderd."))
        return redirect("newsletter:subscribers", kern=kern)
