"""The demo has one published edition per kern, readable without login in Dutch and in
English (#20 §5: a newcomer sees the newsletter working)."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from impor.choices import AreaLevel
from impor.models import Area
from programming.models import EditionStatus, NewsletterEdition, Subscriber
from tests.programming.test_english import DUTCH

pytestmark = pytest.mark.django_db


def test_the_demo_has_an_edition_per_kern_in_both_languages(client):
    call_command("seed_demo", seed=1, verbosity=0)
    kernen = set(Area.objects.filter(level=AreaLevel.KERN).values_list("pk", flat=True))
    editions = NewsletterEdition.objects.filter(status=EditionStatus.PUBLISHED)
    assert sorted(e.kern_id for e in editions) == sorted(kernen)
    assert Subscriber.objects.filter(confirmed_at__isnull=False).count() == 2
    edition = max(editions, key=lambda e: len(e.content["coming"]))
    url = reverse("newsletter:edition", args=[edition.kern_id, edition.number])
    dutch = client.get(url, headers={"accept-language": "nl"}).content.decode()
    assert f"Gepland in {edition.content['next_year']}" in dutch
    english = client.get(url, headers={"accept-language": "en"}).content.decode()
    assert f"Planned in {edition.content['next_year']}" in english
    found = [word for word in DUTCH if f" {word}" in english.lower()]
    assert not found, found
