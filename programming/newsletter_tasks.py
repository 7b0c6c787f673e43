"""Background task of the village newsletter (run by `manage.py db_worker`): sending an
edition to its subscribers, one e-mail each, outside the request."""

from django_tasks import task

from programming.models import NewsletterEdition
from programming.newsletter import edition_send


@task()
def send_edition(edition_id: int) -> int:
    """E-mail a published edition to the subscribers who did not get it yet."""
    edition = NewsletterEdition.objects.select_related("kern").filter(pk=edition_id).first()
    return 0 if edition is None else edition_send(edition)
