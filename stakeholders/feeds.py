"""The Atom feed of a user's notifications, for a feed reader or an integration.

A feed reader has no session, so the feed's address carries a secret token
(`AlertSettings.feed_token`, rotatable on the settings page); the address alone grants
the feed, so the token is long (256 bits) and compared in constant time. Without a
token the address does not exist (404); a wrong token is refused (403). The entries are
the user's own notifications, worded as in the inbox.
"""

import hmac

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from stakeholders import alert_text
from stakeholders.models import AlertSettings, Notification

#: Entries in the feed, newest first.
FEED_ENTRIES = 50


class NotificationFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, token: str) -> AlertSettings:
        found = AlertSettings.objects.select_related("user").filter(feed_token=token).first()
        if (
            found is None
            or not hmac.compare_digest(found.feed_token, token)
            or not found.user.is_active
        ):
            raise PermissionDenied
        return found

    def title(self, obj: AlertSettings) -> str:
        return _("IMPOR-meldingen voor %(user)s") % {"user": obj.user.get_full_name() or obj.user}

    def subtitle(self, obj: AlertSettings) -> str:
        return _("Werken en koppelkansen in uw interessegebieden.")

    def link(self, obj: AlertSettings) -> str:
        return reverse("stakeholders:inbox")

    def items(self, obj: AlertSettings):
        return Notification.objects.visible_to(obj.user).select_related("alert__organisation")[
            :FEED_ENTRIES
        ]

    def item_title(self, item: Notification) -> str:
        return alert_text.title(item.alert)

    def item_description(self, item: Notification) -> str:
        return "\n".join(alert_text.sentences(item.alert))

    def item_link(self, item: Notification) -> str:
        return item.alert.data.get("programme", {}).get("url") or reverse("stakeholders:inbox")

    def item_guid(self, item: Notification) -> str:
        return f"{settings.IMPOR_SITE_URL}/meldingen/{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Notification):
        return item.alert.created_at

    def item_updateddate(self, item: Notification):
        return item.alert.created_at


notification_feed = login_not_required(NotificationFeed())
