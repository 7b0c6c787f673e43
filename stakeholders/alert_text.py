"""Alerts as sentences, in the language that is active when they are read.

An alert stores facts (`Alert.data`, written by programming/alerts.py); the inbox, the
e-mail, the Atom feed and the digest all word them here, so a reader of the English
interface reads English and the facts stay one set. What the facts hold about another
organisation's work was already limited when they were written (owner, kind, window,
location); these functions only word what is there.
"""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from impor.choices import Discipline
from stakeholders.models import Alert, AlertKind


def work_name(label: str, discipline: str, place: str, count: int) -> str:
    """A work's name: a measure's discipline, place and number of assets in the active
    language, anything else (projects, partner works, older results) by its label.

    Defined here, in the lowest layer that names works, so alerts (stored facts) and
    programming (`Work.name`, through `programming.wording`) word them the same way."""
    if not discipline:
        return label
    known = discipline in Discipline.values
    return ngettext(
        "%(discipline)s: %(place)s (%(count)s object)",
        "%(discipline)s: %(place)s (%(count)s objecten)",
        count,
    ) % {
        "discipline": Discipline(discipline).label if known else discipline,
        "place": place,
        "count": count,
    }


def _translated(label: str | None) -> str:
    """A choice's Dutch label stored in the facts (`programming.alerts` stores them in
    the default language), in the reader's language: it is its own msgid."""
    return _(label) if label else ""


def _name(item: dict[str, Any]) -> str:
    parts = item.get("name_parts") or {}
    return work_name(
        item.get("label", ""),
        parts.get("discipline", ""),
        parts.get("place", ""),
        parts.get("count", 0),
    )


def _window(item: dict[str, Any]) -> str:
    start, end = item.get("window") or (None, None)
    if start is None:
        return ""
    return str(start) if start == end else f"{start}–{end}"


def _place(item: dict[str, Any]) -> str:
    return ", ".join(part for part in (item.get("street"), item.get("area")) if part)


def work_sentence(item: dict[str, Any]) -> str:
    """One work: what it is (all of it for the reader's own work, else owner, kind,
    place and window) and what changed; a member of a coupling without a change is
    told with its window."""
    facts = {
        "label": _name(item),
        "owner": item.get("owner") or _("onbekende eigenaar"),
        "kind": _translated(item.get("kind_label")) or item.get("kind", ""),
        "place": _place(item) or _("plaats onbekend"),
        "window": _window(item),
        "year": item.get("year"),
        "previous": item.get("previous_year"),
    }
    if item.get("own"):
        subject = _("Uw werk %(label)s (%(place)s)") % facts
    elif item.get("label"):
        subject = _("Werk %(label)s van %(owner)s (%(place)s)") % facts
    else:
        subject = _("Een werk van %(owner)s (%(kind)s, %(place)s)") % facts
    change = item.get("change")
    if not change:
        return f"{subject}, " + _("venster %(window)s") % facts + "."
    if change == "nieuw":
        if item.get("own") and facts["year"]:
            what = _("staat nieuw in het programma, gepland in %(year)s") % facts
        else:
            what = _("staat nieuw in het programma, venster %(window)s") % facts
    elif item.get("own") and facts["previous"] != facts["year"]:
        what = _("is verschoven van %(previous)s naar %(year)s") % {
            "previous": facts["previous"] or _("niet gepland"),
            "year": facts["year"] or _("niet gepland"),
        }
    else:
        what = _("heeft een ander jaar of venster, nu venster %(window)s") % facts
    return f"{subject} {what}."


def coupling_sentence(item: dict[str, Any]) -> str:
    facts = {
        "place": _place(item) or _("plaats onbekend"),
        "window": _window(item),
        "count": len(item.get("members", [])),
        "status": _translated(item.get("status_label")) or item.get("status", ""),
    }
    text = (
        ngettext(
            "Koppelkans in %(place)s met %(count)s werk, venster %(window)s",
            "Koppelkans in %(place)s met %(count)s werken, venster %(window)s",
            facts["count"],
        )
        % facts
    )
    if item.get("status"):
        text += ": " + facts["status"]
    if item.get("reason"):
        text += f" ({item['reason']})"
    response = item.get("response")
    if response:
        text += ". " + _("Reactie van %(organisation)s: %(answer)s") % {
            "organisation": response.get("organisation", ""),
            "answer": _translated(response.get("answer_label")) or response.get("answer", ""),
        }
        if response.get("comment"):
            text += f" ({response['comment']})"
    return text + "."


def title(alert: Alert) -> str:
    data = alert.data
    programme = (data.get("programme") or {}).get("name", "")
    if alert.kind == AlertKind.WERKEN:
        count = data.get("works_total", len(data.get("works", [])))
        return ngettext(
            "%(count)s werk in uw interessegebieden nieuw of verschoven (%(programme)s)",
            "%(count)s werken in uw interessegebieden nieuw of verschoven (%(programme)s)",
            count,
        ) % {"count": count, "programme": programme}
    if alert.kind == AlertKind.KOPPELKANSEN:
        count = data.get("couplings_total", len(data.get("couplings", [])))
        return ngettext(
            "%(count)s nieuwe koppelkans in uw interessegebieden (%(programme)s)",
            "%(count)s nieuwe koppelkansen in uw interessegebieden (%(programme)s)",
            count,
        ) % {"count": count, "programme": programme}
    coupling = (data.get("couplings") or [{}])[0]
    if alert.kind == AlertKind.REACTIE:
        response = coupling.get("response") or {}
        return _(
            "%(organisation)s reageert op een koppelkans in uw interessegebied: %(answer)s "
            "(%(programme)s)"
        ) % {
            "organisation": response.get("organisation", ""),
            "answer": _translated(response.get("answer_label")) or response.get("answer", ""),
            "programme": programme,
        }
    return _("Besluit over een koppelkans in uw interessegebied: %(status)s (%(programme)s)") % {
        "status": _translated(coupling.get("status_label")) or coupling.get("status", ""),
        "programme": programme,
    }


def sentences(alert: Alert) -> list[str]:
    """The alert's lines: one per work or coupling, then how many more there were."""
    data = alert.data
    lines = [work_sentence(item) for item in data.get("works", [])]
    for coupling in data.get("couplings", []):
        lines.append(coupling_sentence(coupling))
        lines.extend("– " + work_sentence(member) for member in coupling.get("members", []))
    more = data.get("works_total", 0) - len(data.get("works", []))
    if more > 0:
        lines.append(ngettext("En nog %(n)s werk.", "En nog %(n)s werken.", more) % {"n": more})
    more = data.get("couplings_total", 0) - len(data.get("couplings", []))
    if more > 0:
        lines.append(
            ngettext("En nog %(n)s koppelkans.", "En nog %(n)s koppelkansen.", more) % {"n": more}
        )
    if data.get("areas"):
        lines.append(_("Interessegebieden: %(areas)s.") % {"areas": ", ".join(data["areas"])})
    return lines


def as_text(alert: Alert) -> str:
    return "\n".join([title(alert), "", *sentences(alert)])
