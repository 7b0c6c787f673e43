"""The village newsletter (#20 §5): what an edition tells a kern, worded in the reader's
language; double opt-in; sending once per subscriber; public pages without login that
show only published editions; staff pages for those who may change the programme."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from programming.choices import CouplingDecisionStatus
from programming.models import (
    EditionStatus,
    NewsletterDelivery,
    NewsletterEdition,
    RealisationStatus,
    Subscriber,
)
from programming.newsletter import (
    build_content,
    edition_draft,
    edition_publish,
    edition_sections,
    edition_send,
)
from stakeholders.choices import Role
from stakeholders.roles import ensure_role_groups
from tests.factories import (
    ActorFactory,
    AreaFactory,
    CouplingDecisionFactory,
    CouplingFactory,
    NewsletterEditionFactory,
    ProgrammeFactory,
    RealisationFactory,
    SubscriberFactory,
    UserFactory,
    WorkFactory,
)

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
SINCE, UNTIL = datetime.date(2026, 1, 1), datetime.date(2026, 6, 30)


def _login(client, role: Role):
    ensure_role_groups()
    user = UserFactory()
    user.groups.add(Group.objects.get(name=role.value))
    client.force_login(user)
    return user


@pytest.fixture
def village():
    """A kern with a wijk inside it, a base version and a concept based on it: Kerkstraat
    stays in 2027, Dorpsstraat moves from 2027 to 2028, Molenweg loses its money, Brink is
    new in 2027, and a partner's work in the kern that the newsletter leaves out."""
    kern = AreaFactory(kern=True, name="Lemelerveld")
    wijk = AreaFactory(level="wijk", parent=kern, name="Centrum")
    base = ProgrammeFactory(name="Basis")
    programme = ProgrammeFactory(name="Concept", based_on=base)
    for street, before, after in (
        ("Kerkstraat", 2027, 2027),
        ("Dorpsstraat", 2027, 2028),
        ("Molenweg", 2028, None),
    ):
        key = f"P:{street}"
        WorkFactory(
            programme=base,
            key=key,
            label=street,
            area=wijk,
            street=street,
            scheduled_year=before,
            asset_class=None,
        )
        WorkFactory(
            programme=programme,
            key=key,
            label=street,
            area=kern,
            street=street,
            scheduled_year=after,
            preferred_year=2027,
            asset_class=None,
        )
    WorkFactory(
        programme=programme,
        key="P:Brink",
        label="Brink",
        area=wijk,
        street="Brink",
        scheduled_year=2027,
        asset_class=None,
    )
    # Without money too, but not due before 2029: not news yet.
    WorkFactory(
        programme=programme,
        key="P:Later",
        label="Later",
        area=kern,
        preferred_year=2029,
        scheduled_year=None,
        asset_class=None,
    )
    WorkFactory(
        programme=programme,
        key="P:XYZ",
        label="Glasvezel XYZ",
        area=kern,
        owner=ActorFactory(partner=True),
        scheduled_year=2027,
        asset_class=None,
    )
    WorkFactory(
        programme=programme,
        key="P:Elders",
        label="Elders",
        area=AreaFactory(kern=True),
        scheduled_year=2027,
        asset_class=None,
    )
    return kern, programme


def test_the_content_tells_what_is_new_moved_unfunded_and_coming(village):
    kern, programme = village
    content = build_content(kern, programme, SINCE, UNTIL)
    assert content["baseline"] == "programme"
    assert [i["label"] for i in content["new"]] == ["Brink", "Later"]
    assert [(i["label"], i["from"], i["to"]) for i in content["moved"]] == [
        ("Dorpsstraat", 2027, 2028),
        ("Molenweg", 2028, None),
    ]
    assert content["next_year"] == 2027
    assert sorted(i["label"] for i in content["coming"]) == ["Brink", "Kerkstraat"]
    assert [i["label"] for i in content["unfunded"]] == ["Molenweg"]
    # Neither the partner's work nor another kern's.
    assert set(content["plan"]) == {
        "P:Kerkstraat",
        "P:Dorpsstraat",
        "P:Molenweg",
        "P:Brink",
        "P:Later",
    }


def test_the_sentences_say_unfunded_never_planned_in_dutch_and_english(village):
    kern, programme = village
    content = build_content(kern, programme, SINCE, UNTIL)
    with translation.override("nl"):
        sections = {s["code"]: s["sentences"] for s in edition_sections(content)}
    assert sections["moved"] == [
        "Dorpsstraat is verschoven van 2027 naar 2028.",
        "Molenweg stond gepland in 2028. Hier is nu nog geen geld voor.",
    ]
    assert sections["unfunded"] == ["Molenweg: nog geen geld voor."]
    assert not any("Molenweg" in s for s in sections["coming"])
    with translation.override("en"):
        english = {s["code"]: (s["heading"], s["sentences"]) for s in edition_sections(content)}
    assert english["moved"][1][0] == "Dorpsstraat has moved from 2027 to 2028."
    assert english["unfunded"] == ("No money yet", ["Molenweg: no money for it yet."])


def test_started_finished_and_decisions_of_the_period(village):
    kern, programme = village
    RealisationFactory(
        key="P:Kerkstraat",
        label="Kerkstraat",
        actual_start=datetime.date(2026, 3, 2),
        actual_finish=datetime.date(2026, 5, 29),
        status=RealisationStatus.FINISHED,
    )
    RealisationFactory(key="P:Brink", label="Brink", actual_start=datetime.date(2025, 11, 1))
    coupling = CouplingFactory(
        programme=programme, area=kern, street="Kerkstraat", openings_avoided=2
    )
    CouplingDecisionFactory(programme=programme, key=coupling.key)
    other = CouplingFactory(programme=programme, area=AreaFactory(kern=True))
    CouplingDecisionFactory(programme=programme, key=other.key, rejected=True)
    content = build_content(kern, programme, SINCE, datetime.date.today())
    assert [(i["label"], i["date"]) for i in content["started"]] == [("Kerkstraat", "2026-03-02")]
    assert [(i["label"], i["date"]) for i in content["finished"]] == [("Kerkstraat", "2026-05-29")]
    assert content["decisions"] == [
        {"street": "Kerkstraat", "status": CouplingDecisionStatus.ACCEPTED, "openings_avoided": 2}
    ]
    with translation.override("nl"):
        sections = {s["code"]: s["sentences"] for s in edition_sections(content)}
    assert sections["finished"] == ["Kerkstraat is klaar sinds 29 mei 2026."]
    assert "Kerkstraat" in sections["decisions"][0]


def test_the_next_edition_compares_with_the_previous_one(village):
    kern, programme = village
    first = edition_draft(kern, programme, since=SINCE, today=UNTIL)
    edition_publish(first, today=UNTIL)
    assert (first.number, first.status) == (1, EditionStatus.PUBLISHED)
    second = edition_draft(kern, programme, today=datetime.date(2026, 9, 30))
    assert second.number == 2
    assert second.period_start == datetime.date(2026, 7, 1)
    # Nothing changed since the first edition.
    assert second.content["baseline"] == "edition"
    assert second.content["new"] == second.content["moved"] == []
    # An open draft is reused, not doubled.
    assert edition_draft(kern, programme) == second


def test_a_first_edition_without_a_base_tells_no_changes():
    kern = AreaFactory(kern=True)
    programme = ProgrammeFactory()
    WorkFactory(programme=programme, area=kern, scheduled_year=2027)
    content = build_content(kern, programme, SINCE, UNTIL)
    assert content["baseline"] == "none"
    assert content["new"] == []
    assert len(content["coming"]) == 1


def _subscriber(kern, **kwargs):
    return SubscriberFactory(kern=kern, confirmed_at=timezone.now(), **kwargs)


def test_sending_reaches_confirmed_subscribers_once_with_an_unsubscribe_link(village):
    kern, programme = village
    edition = edition_publish(edition_draft(kern, programme, since=SINCE), today=UNTIL)
    confirmed = _subscriber(kern)
    SubscriberFactory(kern=kern)  # not confirmed
    _subscriber(kern, unsubscribed_at=timezone.now())
    _subscriber(AreaFactory(kern=True))  # another kern
    assert edition_send(edition) == 1
    assert [m.to for m in mail.outbox] == [[confirmed.email]]
    message = mail.outbox[0]
    unsubscribe = reverse("newsletter:unsubscribe", args=[confirmed.token])
    assert unsubscribe in message.body
    html, kind = message.alternatives[0]
    assert kind == "text/html"
    assert unsubscribe in html
    assert "Dorpsstraat" in html
    assert "Molenweg: nog geen geld voor." in message.body
    assert edition_send(edition) == 0
    assert NewsletterDelivery.objects.filter(edition=edition).count() == 1


def test_a_draft_is_not_sent():
    edition = NewsletterEditionFactory()
    _subscriber(edition.kern)
    assert edition_send(edition) == 0
    assert mail.outbox == []


def _without_csrf(response) -> str:
    return re.sub(r'value="[^"]{64}"|"X-CSRFToken": "[^"]+"', "", response.content.decode())


def test_double_opt_in(client):
    kern = AreaFactory(kern=True)
    url = reverse("newsletter:subscribe", args=[kern.pk])
    response = client.post(url, {"email": "Bewoner@Example.org", "name": "B", "kind": "bewoner"})
    assert response.status_code == 200
    subscriber = Subscriber.objects.get()
    assert (subscriber.email, subscriber.confirmed_at) == ("bewoner@example.org", None)
    confirm = reverse("newsletter:confirm", args=[subscriber.token])
    assert len(mail.outbox) == 1
    assert confirm in mail.outbox[0].body
    assert mail.outbox[0].alternatives[0][1] == "text/html"
    # Following the link asks; only the button confirms (mail scanners follow links).
    assert client.get(confirm).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is None
    client.post(confirm)
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is not None
    # Signing up again with a confirmed address sends nothing and answers the same.
    again = client.post(url, {"email": "bewoner@example.org", "kind": "bewoner"})
    assert _without_csrf(again) == _without_csrf(response)
    assert len(mail.outbox) == 1
    client.post(reverse("newsletter:unsubscribe", args=[subscriber.token]))
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is not None


def test_bad_input_honeypot_and_unknown_tokens(client):
    kern = AreaFactory(kern=True)
    url = reverse("newsletter:subscribe", args=[kern.pk])
    bad = client.post(url, {"email": "geen-adres", "kind": "bewoner"})
    assert bad.status_code == 400
    assert "email_error" in bad.content.decode()
    robot = client.post(url, {"email": "robot@example.org", "kind": "bewoner", "website": "x"})
    assert robot.status_code == 200
    assert not Subscriber.objects.exists()
    assert mail.outbox == []
    assert client.get(reverse("newsletter:confirm", args=["nee"])).status_code == 404
    assert client.post(reverse("newsletter:unsubscribe", args=["nee"])).status_code == 404
    # A village that is no kern has no newsletter.
    assert client.get(reverse("newsletter:archive", args=[kern.parent_id])).status_code == 404


def test_too_many_confirmations_to_one_address_are_not_sent(client):
    kern = AreaFactory(kern=True)
    url = reverse("newsletter:subscribe", args=[kern.pk])
    for _ in range(5):
        client.post(url, {"email": "doelwit@example.org", "kind": "bewoner"})
    assert len(mail.outbox) == 3


def test_public_pages_show_only_published_editions_without_login(client, village):
    kern, programme = village
    published = edition_publish(edition_draft(kern, programme, since=SINCE), today=UNTIL)
    draft = NewsletterEditionFactory(kern=kern, programme=programme, title="Geheim concept")
    archive = client.get(reverse("newsletter:archive", args=[kern.pk])).content.decode()
    assert published.title in archive
    assert "Geheim concept" not in archive
    page = client.get(reverse("newsletter:edition", args=[kern.pk, published.number]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Dorpsstraat is verschoven van 2027 naar 2028." in text
    assert "XYZ" not in text
    assert "print.css" in text
    assert (
        client.get(reverse("newsletter:edition", args=[kern.pk, draft.number])).status_code == 404
    )
    index = client.get(reverse("newsletter:index")).content.decode()
    assert kern.name in index


def test_staff_make_publish_and_send_an_edition(client, village, settings):
    settings.TASKS = IMMEDIATE
    kern, programme = village
    programme.computed_at = timezone.now()
    programme.save()
    _login(client, Role.PROGRAMME_MANAGER)
    _subscriber(kern)
    response = client.post(reverse("newsletter:manage_kern", args=[kern.pk]))
    edition = NewsletterEdition.objects.get(kern=kern)
    assert response["Location"] == reverse("newsletter:manage_edition", args=[edition.pk])
    edit = reverse("newsletter:manage_edition", args=[edition.pk])
    assert client.post(edit, {"title": "", "introduction": "x"}).status_code == 400
    client.post(edit, {"title": "Voorjaar", "introduction": "Beste dorpsgenoten,"})
    edition.refresh_from_db()
    assert (edition.title, edition.introduction) == ("Voorjaar", "Beste dorpsgenoten,")
    client.post(reverse("newsletter:send", args=[edition.pk]))
    assert mail.outbox == []  # a draft is not sent
    client.post(reverse("newsletter:publish", args=[edition.pk]))
    client.post(reverse("newsletter:send", args=[edition.pk]))
    client.post(reverse("newsletter:send", args=[edition.pk]))
    assert len(mail.outbox) == 1
    page = client.get(edit).content.decode()
    assert re.search(r"Verzonden aan 1 abonnee\.", page)
    listing = client.get(reverse("newsletter:manage_kern", args=[kern.pk])).content.decode()
    assert "Voorjaar" in listing
    # A published edition keeps its words.
    client.post(edit, {"title": "Anders", "introduction": ""})
    edition.refresh_from_db()
    assert edition.title == "Voorjaar"


def test_subscribers_are_staff_only_and_can_be_removed(client):
    kern = AreaFactory(kern=True)
    subscriber = _subscriber(kern, email="weg@example.org")
    url = reverse("newsletter:subscribers", args=[kern.pk])
    _login(client, Role.PARTNER)
    assert client.get(url).status_code == 403
    _login(client, Role.VIEWER)
    assert client.get(url).status_code == 403
    _login(client, Role.PROGRAMME_MANAGER)
    assert "weg@example.org" in client.get(url).content.decode()
    client.post(reverse("newsletter:subscriber_delete", args=[subscriber.pk]))
    assert not Subscriber.objects.exists()
