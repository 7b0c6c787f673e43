"""The village newsletter: what an edition tells a kern, how it is worded, and how it
reaches the subscribers (docs/newsletter.md).

An edition stores codes and facts (`build_content`), never sentences: the public page,
the staff preview and the e-mail word them at display time through gettext
(`edition_sections`), so one edition reads in Dutch and in English. Only municipal works
appear (a partner's plans are its own to announce), and a work without money is told as
"nog geen geld voor", never as planned or running.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core import mail
from django.db import transaction
from django.db.models import F, Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from impor.choices import AreaLevel
from impor.models import Area
from programming.choices import CouplingDecisionStatus
from programming.models import (
    Coupling,
    CouplingDecision,
    EditionStatus,
    NewsletterDelivery,
    NewsletterEdition,
    Programme,
    Realisation,
    Subscriber,
    Work,
)
from stakeholders.alert_text import work_name
from stakeholders.models import User

#: The shape of `NewsletterEdition.content`; a later shape adds fields, never renames.
CONTENT_VERSION = 1

#: The sections of an edition, in the order they are told.
SECTIONS = ("new", "moved", "started", "finished", "decisions", "coming", "unfunded")


def _item(work: Work | None, key: str, label: str = "") -> dict[str, Any]:
    """What a sentence names a work from: the engine's name parts (worded by
    `work_name` in the reader's language) and its street."""
    if work is None:
        return {"key": key, "label": label, "discipline": "", "place": "", "asset_count": 0}
    return {
        "key": work.key,
        "label": work.label,
        "discipline": work.discipline,
        "place": work.place,
        "asset_count": work.asset_count,
        "street": work.street,
        "year": work.scheduled_year,
    }


def _kern_works(programme: Programme, areas: list[int]) -> list[Work]:
    """The programme's municipal works in the kern or any area inside it (`areas`: the
    kern's `subtree_ids`)."""
    return list(
        Work.objects.filter(programme=programme, area_id__in=areas, owner__isnull=True).order_by(
            F("scheduled_year").asc(nulls_last=True), "street", "label"
        )
    )


def _baseline(
    kern: Area, areas: list[int], programme: Programme
) -> tuple[str, dict[str, int | None] | None]:
    """The plan the edition compares with: the previous published edition's, else the
    version the programme was based on, else none (a first edition tells no changes);
    `areas`: the kern's `subtree_ids`."""
    previous = previous_edition(kern)
    if previous is not None and "plan" in previous.content:
        return "edition", previous.content["plan"]
    if programme.based_on_id:
        return "programme", {
            w.key: w.scheduled_year for w in _kern_works(programme.based_on, areas)
        }
    return "none", None


def previous_edition(kern: Area) -> NewsletterEdition | None:
    return (
        NewsletterEdition.objects.filter(kern=kern, status=EditionStatus.PUBLISHED)
        .order_by("-number")
        .first()
    )


def build_content(
    kern: Area, programme: Programme, since: datetime.date, until: datetime.date
) -> dict[str, Any]:
    """An edition's content for `kern` over `since`…`until`: new and moved works against
    the baseline plan, works that started or finished (their realisation), decisions on
    the kern's couplings, next year's planned works and the works that are due by next
    year but have no money (a work due later is not news yet)."""
    areas = kern.subtree_ids()
    works = _kern_works(programme, areas)
    by_key = {w.key: w for w in works}
    plan = {w.key: w.scheduled_year for w in works}
    baseline_kind, baseline = _baseline(kern, areas, programme)
    new, moved = [], []
    if baseline is not None:
        for work in works:
            if work.key not in baseline:
                new.append(_item(work, work.key))
            elif baseline[work.key] != work.scheduled_year:
                moved.append(
                    {**_item(work, work.key), "from": baseline[work.key], "to": work.scheduled_year}
                )
    keys = set(plan) | set(baseline or {})
    realisations = Realisation.objects.filter(key__in=keys, owner__isnull=True).order_by("key")
    started, finished = [], []
    for realisation in realisations:
        work = by_key.get(realisation.key)
        item = _item(work, realisation.key, realisation.label)
        if realisation.actual_start and since <= realisation.actual_start <= until:
            started.append({**item, "date": realisation.actual_start.isoformat()})
        if realisation.actual_finish and since <= realisation.actual_finish <= until:
            finished.append({**item, "date": realisation.actual_finish.isoformat()})
    couplings = {c.key: c for c in Coupling.objects.filter(programme=programme, area_id__in=areas)}
    decisions = [
        {
            "street": couplings[d.key].street,
            "status": d.status,
            "openings_avoided": couplings[d.key].openings_avoided,
        }
        for d in CouplingDecision.objects.filter(
            programme=programme,
            key__in=couplings,
            status__in=[CouplingDecisionStatus.ACCEPTED, CouplingDecisionStatus.REJECTED],
            decided_at__date__gte=since,
            decided_at__date__lte=until,
        ).order_by("key")
    ]
    next_year = until.year + 1
    return {
        "version": CONTENT_VERSION,
        "baseline": baseline_kind,
        "next_year": next_year,
        "new": new,
        "moved": moved,
        "started": started,
        "finished": finished,
        "decisions": decisions,
        "coming": [_item(w, w.key) for w in works if w.scheduled_year == next_year],
        "unfunded": [
            _item(w, w.key)
            for w in works
            if w.scheduled_year is None and w.preferred_year <= next_year
        ],
        "plan": plan,
    }


def _name(item: dict[str, Any]) -> str:
    name = work_name(item["label"], item["discipline"], item["place"], item["asset_count"])
    street = item.get("street")
    return f"{name} ({street})" if street and street not in name else name


def _date(value: str) -> str:
    return date_format(datetime.date.fromisoformat(value), "j F Y")


def _new(item: dict[str, Any]) -> str:
    if item["year"] is None:
        return _("%(work)s. Hier is nog geen geld voor.") % {"work": _name(item)}
    return _("%(work)s, gepland in %(year)s.") % {"work": _name(item), "year": item["year"]}


def _moved(item: dict[str, Any]) -> str:
    facts = {"work": _name(item), "from": item["from"], "to": item["to"]}
    if item["to"] is None:
        return _("%(work)s stond gepland in %(from)s. Hier is nu nog geen geld voor.") % facts
    if item["from"] is None:
        return _("Voor %(work)s is nu geld. Het is gepland in %(to)s.") % facts
    return _("%(work)s is verschoven van %(from)s naar %(to)s.") % facts


def _decision(item: dict[str, Any]) -> str:
    street = item["street"] or _("deze straat")
    if item["status"] == CouplingDecisionStatus.ACCEPTED:
        return _(
            "Besloten: de werken in %(street)s gebeuren samen. De straat gaat minder vaak "
            "open (%(count)s keer minder)."
        ) % {"street": street, "count": item["openings_avoided"]}
    return _("Besloten: de werken in %(street)s gebeuren niet samen.") % {"street": street}


def edition_sections(content: dict[str, Any]) -> list[dict[str, Any]]:
    """The content as headed lists of sentences in the active language; sections with
    nothing to tell are left out."""
    year = content.get("next_year")
    headings = {
        "new": _("Nieuw in de planning"),
        "moved": _("Verschoven"),
        "started": _("Begonnen"),
        "finished": _("Klaar"),
        "decisions": _("Besluiten over samen werken"),
        "coming": _("Gepland in %(year)s") % {"year": year},
        "unfunded": _("Nog geen geld voor"),
    }
    wording = {
        "new": _new,
        "moved": _moved,
        "started": lambda i: (
            _("%(work)s is begonnen op %(date)s.") % {"work": _name(i), "date": _date(i["date"])}
        ),
        "finished": lambda i: (
            _("%(work)s is klaar sinds %(date)s.") % {"work": _name(i), "date": _date(i["date"])}
        ),
        "decisions": _decision,
        "coming": lambda i: _("%(work)s.") % {"work": _name(i)},
        "unfunded": lambda i: _("%(work)s: nog geen geld voor.") % {"work": _name(i)},
    }
    return [
        {"code": code, "heading": headings[code], "sentences": [wording[code](i) for i in items]}
        for code in SECTIONS
        if (items := content.get(code))
    ]


def _period(kern: Area, since: datetime.date | None, today: datetime.date) -> datetime.date:
    previous = previous_edition(kern)
    if since is not None:
        return min(since, today)
    if previous is not None:
        return min(previous.period_end + datetime.timedelta(days=1), today)
    return datetime.date(today.year, 1, 1)


def edition_draft(
    kern: Area,
    programme: Programme,
    *,
    user: User | None = None,
    since: datetime.date | None = None,
    today: datetime.date | None = None,
) -> NewsletterEdition:
    """The kern's open draft, or a new one built from the programme since the previous
    published edition (or `since`, else the first of the year)."""
    draft = NewsletterEdition.objects.filter(kern=kern, status=EditionStatus.DRAFT).first()
    if draft is not None:
        return draft
    today = today or timezone.localdate()
    start = _period(kern, since, today)
    number = (NewsletterEdition.objects.filter(kern=kern).aggregate(n=Max("number"))["n"] or 0) + 1
    return NewsletterEdition.objects.create(
        kern=kern,
        number=number,
        programme=programme,
        period_start=start,
        period_end=today,
        title=f"{kern.name} {today.year}",
        content=build_content(kern, programme, start, today),
        created_by=user,
    )


def edition_publish(
    edition: NewsletterEdition, *, today: datetime.date | None = None
) -> NewsletterEdition:
    """Publish a draft: its content is built once more up to today and then kept as it is
    (what the village was told does not change with later computations)."""
    if edition.status == EditionStatus.PUBLISHED:
        return edition
    today = max(today or timezone.localdate(), edition.period_start)
    edition.period_end = today
    edition.content = build_content(edition.kern, edition.programme, edition.period_start, today)
    edition.status = EditionStatus.PUBLISHED
    edition.published_at = timezone.now()
    edition.save()
    return edition


def site_url(path: str) -> str:
    return f"{settings.IMPOR_SITE_URL}{path}"


def receivers(edition: NewsletterEdition):
    """The confirmed, still subscribed addresses of the kern that did not get the edition."""
    return Subscriber.objects.filter(
        kern=edition.kern, confirmed_at__isnull=False, unsubscribed_at__isnull=True
    ).exclude(deliveries__edition=edition)


def _message(subject: str, template: str, context: dict, to: str) -> mail.EmailMultiAlternatives:
    text = render_to_string(f"programming/newsletter/{template}.txt", context)
    html = render_to_string(f"programming/newsletter/{template}.html", context)
    message = mail.EmailMultiAlternatives(subject=subject[:200], body=text, to=[to])
    message.attach_alternative(html, "text/html")
    return message


def edition_send(edition: NewsletterEdition) -> int:
    """E-mail a published edition to every confirmed subscriber who did not get it yet;
    the number sent. Each delivery is recorded, so sending again skips the address."""
    if edition.status != EditionStatus.PUBLISHED:
        return 0
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "edition": edition,
            "sections": edition_sections(edition.content),
            "url": site_url(reverse("newsletter:edition", args=[edition.kern_id, edition.number])),
        }
        subject = _("Nieuwsbrief %(kern)s nr. %(number)s: %(title)s") % {
            "kern": edition.kern.name,
            "number": edition.number,
            "title": edition.title,
        }
        connection = mail.get_connection()
        for subscriber in receivers(edition):
            unsubscribe = site_url(reverse("newsletter:unsubscribe", args=[subscriber.token]))
            message = _message(
                subject,
                "mail_edition",
                {**context, "subscriber": subscriber, "unsubscribe": unsubscribe},
                subscriber.email,
            )
            message.connection = connection
            with transaction.atomic():
                NewsletterDelivery.objects.create(edition=edition, subscriber=subscriber)
                message.send()
            sent += 1
    return sent


def confirmation_send(subscriber: Subscriber) -> None:
    """The mail with the link that confirms the address (double opt-in)."""
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "subscriber": subscriber,
            "kern": subscriber.kern,
            "confirm": site_url(reverse("newsletter:confirm", args=[subscriber.token])),
            "unsubscribe": site_url(reverse("newsletter:unsubscribe", args=[subscriber.token])),
        }
        _message(
            _("Bevestig uw aanmelding voor de nieuwsbrief van %(kern)s")
            % {"kern": subscriber.kern.name},
            "mail_confirm",
            context,
            subscriber.email,
        ).send()


def subscribe(kern: Area, email: str, name: str, kind: str) -> None:
    """Sign an address up for the kern: a new or not yet confirmed address (or one that
    unsubscribed) gets a confirmation mail with a fresh link; a confirmed one gets
    nothing, so the form never tells whether an address is known."""
    email = email.strip().lower()
    subscriber = Subscriber.objects.filter(kern=kern, email=email).first()
    if subscriber is not None and subscriber.confirmed_at and not subscriber.unsubscribed_at:
        return
    if subscriber is None:
        subscriber = Subscriber(kern=kern, email=email)
    subscriber.name, subscriber.kind = name, kind
    subscriber.token = Subscriber._meta.get_field("token").default()
    subscriber.confirmed_at = subscriber.unsubscribed_at = None
    subscriber.save()
    confirmation_send(subscriber)


def confirm(token: str) -> Subscriber | None:
    subscriber = Subscriber.objects.filter(token=token, unsubscribed_at__isnull=True).first()
    if subscriber is not None and subscriber.confirmed_at is None:
        subscriber.confirmed_at = timezone.now()
        subscriber.save(update_fields=["confirmed_at"])
    return subscriber


def unsubscribe(token: str) -> Subscriber | None:
    subscriber = Subscriber.objects.filter(token=token).first()
    if subscriber is not None and subscriber.unsubscribed_at is None:
        subscriber.unsubscribed_at = timezone.now()
        subscriber.save(update_fields=["unsubscribed_at"])
    return subscriber


def kernen():
    return Area.objects.filter(level=AreaLevel.KERN).order_by("name")


#: Demo subscribers of the first kern, confirmed.
DEMO_SUBSCRIBERS = (
    ("dorpsbelang@example.org", "Dorpsbelang", "dorpsvereniging"),
    ("bewoner@example.org", "Een bewoner", "bewoner"),
)

#: The demo editions' own words (no marker of generated text: tests/programming/test_english).
DEMO_INTRODUCTION = "Beste inwoners, hieronder leest u wat er verandert in uw dorp."


def demo_editions(programme: Programme) -> int:
    """One published edition per kern from the demo's programme and two confirmed
    subscribers of the first kern; the number of editions."""
    today = timezone.localdate()
    count = 0
    for kern in kernen():
        edition = edition_draft(kern, programme, since=datetime.date(today.year, 1, 1))
        edition.introduction = DEMO_INTRODUCTION
        edition.save(update_fields=["introduction"])
        edition_publish(edition)
        count += 1
    first = kernen().first()
    if first is not None:
        now = timezone.now()
        for email, name, kind in DEMO_SUBSCRIBERS:
            Subscriber.objects.get_or_create(
                kern=first,
                email=email,
                defaults={"name": name, "kind": kind, "confirmed_at": now},
            )
    return count
