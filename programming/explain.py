"""Why a work is planned when it is ("Waarom dit jaar"): one explanation for the work page
and the API (`GET /api/v1/programmas/{id}/werken/{id}/uitleg`).

`work_explanation` reads only what the computation stored (the work, its coupling, its
costs and unfunded rows with their reason code and facts, its street's neighbours and
the programme's money) and writes plain Dutch (B1) sentences from those facts. It runs a
fixed number of queries whatever the programme's size.

The "why this year and not the preferred year" sentence names what the stored plan
shows, in this order:

1. coupling: the work is in a coupling scheduled in its common year, which is the
   work's year;
2. graafrust: a scheduled work in the same street closes the preferred year (a
   reconstruction up to `graafrust_years` before it while this work opens the street,
   or an opening up to `graafrust_years` after it while this work reconstructs it);
3. budget: in the preferred year (or a later year the work would pay in) a budget line
   of the work has less unused money than the work needs there;
4. capaciteit: in the preferred year (or a later year of its hours) a team the work
   asks hours of has fewer hours left (available less what the plan gives the other
   works) than the work needs there. A team without hours in the horizon has no limit.

A work that is not funded because a team's hours are full says so in its unfunded row
(code ``capaciteit``, with the team, years, hours short and the works holding them).

When none holds the plan as a whole chose the year (more value or fewer street openings
within the budgets), and the sentence says so rather than invent a cause.

Works other than the explained one are named only when the user may see them
(`Work.objects.visible_to`); a partner sees that another work is involved, not which.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Exists, F, OuterRef, Sum
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from programming.choices import CriterionCode
from programming.engine.unfunded import CAPACITY
from programming.models import (
    Criterion,
    UnfundedItem,
    UnfundedReason,
    Work,
    WorkCost,
    WorkHours,
)
from programming.money import programme_money
from programming.wording import euro, graafrust_cause, hours
from stakeholders.models import TeamHours


def _years(years: Iterable[int]) -> str:
    """2027, 2028 en 2029."""
    years = [str(y) for y in years]
    if len(years) < 2:
        return "".join(years)
    return _("%(first)s en %(last)s") % {"first": ", ".join(years[:-1]), "last": years[-1]}


def _visible_works(works, user):
    """`works` with `visible`: whether `user` may see each (always, without a user)."""
    if user is None:
        return works
    return works.annotate(visible=Exists(Work.objects.visible_to(user).filter(pk=OuterRef("pk"))))


def _named(work: Work) -> dict[str, Any]:
    """A work another part of the explanation refers to; a hidden one without its name."""
    if not getattr(work, "visible", True):
        return {"id": None, "key": None, "label": _("een werk van een andere organisatie")}
    return {
        "id": work.pk,
        "key": work.key,
        "label": work.name,
        "scheduled_year": work.scheduled_year,
    }


def unfunded_sentences(items: Sequence[UnfundedItem], *, user=None) -> dict[int, str]:
    """Per unfunded row (by id), why, in the active language (`UnfundedItem.sentence`):
    two queries for any number of rows, for the names of the works their facts name (a
    work `user` may not see is left out, so the sentence hides it) and for each work's
    whole gap per line, which the sentence tells."""
    keys = {key for item in items for key in _fact_keys(item.facts)}
    names: dict[str, str] = {}
    if keys:
        # Unordered, and the visibility rule on the works themselves: a municipal user's
        # rule is no filter at all, so the (programme, key) index answers at once (a
        # subquery over all works took 80 ms on the 1M-asset city's unfunded page).
        works = Work.objects.filter(
            programme_id=items[0].work.programme_id, key__in=keys
        ).order_by()
        if user is not None:
            works = works.visible_to(user)
        parts = ("key", "label", "discipline", "place", "asset_count")
        names = {w.key: w.name for w in works.only(*parts)}
    gaps = {
        (row["work_id"], row["budget_line_id"]): row["total"]
        for row in UnfundedItem.objects.filter(work_id__in={i.work_id for i in items})
        .values("work_id", "budget_line_id")
        .annotate(total=Sum("gap"))
    }
    return {
        item.pk: item.sentence(names, gaps.get((item.work_id, item.budget_line_id)))
        for item in items
    }


def work_explanation(work: Work, *, user=None) -> dict[str, Any]:
    """Everything the work page's "Waarom dit jaar" shows, as plain data (JSON-ready
    except for Decimal amounts). Nine queries at most, whatever the programme's size
    (fewer without a coupling, a street or works named in the facts), and up to three
    more for a work moved from its preferred year (its hours, its teams' hours, the
    hours planned); pass `user` to hide the works that user may not see."""
    programme = work.programme
    money = programme_money(programme)  # 3 queries
    costs = list(WorkCost.objects.filter(work=work).select_related("budget_line"))
    unfunded = list(
        UnfundedItem.objects.filter(work=work).select_related("budget_line").order_by("year", "pk")
    )
    weights = {
        c.code: c.weight for c in Criterion.objects.filter(framework_id=programme.framework_id)
    }
    members: list[Work] = []
    if work.coupling_id is not None:
        members = list(
            _visible_works(
                Work.objects.filter(coupling_id=work.coupling_id).exclude(pk=work.pk), user
            ).order_by("scheduled_year", "label", "pk")
        )
    graafrust = programme.graafrust_years
    neighbours: list[Work] = []
    if work.street and (work.opens_street or work.reconstructs_street):
        neighbours = list(
            _visible_works(
                Work.objects.filter(
                    programme_id=work.programme_id,
                    street=work.street,
                    scheduled_year__gte=work.window_start - graafrust,
                    scheduled_year__lte=work.window_end + graafrust,
                )
                .exclude(pk=work.pk)
                .exclude(opens_street=False, reconstructs_street=False),
                user,
            ).order_by("scheduled_year", "label", "pk")
        )
    keys = {key for item in unfunded for key in _fact_keys(item.facts)}
    referred = {}
    if keys:
        referred = {
            w.key: w
            for w in _visible_works(
                Work.objects.filter(programme_id=work.programme_id, key__in=keys), user
            )
        }

    names = {key: w.name for key, w in referred.items() if getattr(w, "visible", True)}
    line_gaps: dict[int | None, Decimal] = {}
    for item in unfunded:
        line_gaps[item.budget_line_id] = line_gaps.get(item.budget_line_id, Decimal(0)) + item.gap
    budget = _budget_pressure(work, costs, money)
    capacity = _capacity_pressure(work)
    timing = _timing(work, members, neighbours, budget, graafrust, capacity)
    return {
        "work": {"id": work.pk, "key": work.key, "label": work.name},
        "timing": timing,
        "coupling": _coupling(work, members),
        "budget": budget,
        "capacity": capacity,
        "priority": _priority(work, weights),
        "graafrust": _graafrust(work, neighbours, graafrust),
        "unfunded": [_unfunded(item, referred, names, line_gaps) for item in unfunded],
    }


#: The facts of an unfunded row that name works (engine/unfunded.py): lists of keys (the
#: works filling the line, the other members of its coupling) and lists of
#: {"work": key, "year": …} (the works closing its years by graafrust: paved before it,
#: or digging after it).
KEY_FACTS = ("by", "members")
WORK_YEAR_FACTS = ("closed_by", "dug_by")


def _fact_keys(facts: dict[str, Any]) -> list[str]:
    """The work keys an unfunded row's facts name (`KEY_FACTS`, `WORK_YEAR_FACTS`)."""
    return [
        *(key for field in KEY_FACTS for key in facts.get(field, [])),
        *(named["work"] for field in WORK_YEAR_FACTS for named in facts.get(field, [])),
    ]


def _budget_pressure(work: Work, costs: list[WorkCost], money) -> list[dict[str, Any]]:
    """Per budget line of the work, per year of its window: the line's budget, what the
    plan spends net and what is left (`programming.money`), and what this work needs
    there if it starts in its preferred year."""
    lines: dict[str, dict[str, Any]] = {}
    need: dict[tuple[str, int], Decimal] = {}
    for cost in costs:
        line = cost.budget_line
        lines.setdefault(line.code, {"line": line.code, "name": line.name, "years": []})
        year = work.preferred_year + cost.offset
        need[line.code, year] = need.get((line.code, year), Decimal(0)) + cost.amount
    last = max((work.window_end, *(year for _code, year in need)), default=work.window_end)
    for code, row in lines.items():
        for year in range(work.window_start, last + 1):
            if year not in money.years:
                continue
            cell = money.cell(code, year)
            row["years"].append(
                {
                    "year": year,
                    "budget": cell.budget,
                    "net": cell.net,
                    "unused": cell.unused,
                    "need_if_preferred": need.get((code, year), Decimal(0)),
                }
            )
    return list(lines.values())


def _capacity_pressure(work: Work) -> list[dict[str, Any]]:
    """For a work moved from its preferred year, per team it asks hours of: per year its
    hours would run in from the preferred year, the team's hours available, the hours the
    plan gives the other works there, what is free and what this work needs. Teams
    without hours in the programme's horizon have no limit (as in the engine) and are
    left out."""
    if work.scheduled_year is None or work.scheduled_year == work.preferred_year:
        return []
    need: dict[tuple[int, int], Decimal] = {}
    teams = {}
    for row in WorkHours.objects.filter(work=work, hours__gt=0).select_related("team"):
        teams[row.team_id] = row.team
        cell = (row.team_id, work.preferred_year + row.offset)
        need[cell] = need.get(cell, Decimal(0)) + row.hours
    if not need:
        return []
    programme = work.programme
    available = {
        (team, year): Decimal(value)
        for team, year, value in TeamHours.objects.filter(
            team_id__in=list(teams), year__gte=programme.first_year, year__lte=programme.last_year
        ).values_list("team_id", "year", "hours")
    }
    limited = sorted({team for team, _year in available}, key=lambda t: teams[t].code)
    years = sorted({year for _team, year in need if programme.first_year <= year})
    planned = {
        (team, year): total
        for team, year, total in WorkHours.objects.filter(
            work__programme_id=work.programme_id,
            work__scheduled_year__isnull=False,
            team_id__in=limited,
        )
        .exclude(work=work)
        .annotate(at=F("work__scheduled_year") + F("offset"))
        .filter(at__in=years)
        .values("team_id", "at")
        .annotate(total=Sum("hours"))
        .values_list("team_id", "at", "total")
    }
    rows = []
    for team in limited:
        cells = []
        for year in years:
            if (team, year) not in need or year > programme.last_year:
                continue
            has = available.get((team, year), Decimal(0))
            taken = planned.get((team, year), Decimal(0))
            cells.append(
                {
                    "year": year,
                    "available": has,
                    "planned": taken,
                    "free": has - taken,
                    "need_if_preferred": need[team, year],
                }
            )
        rows.append({"team": teams[team].code, "name": teams[team].name, "years": cells})
    return rows


def _timing(
    work: Work,
    members: list[Work],
    neighbours: list[Work],
    budget: list[dict[str, Any]],
    graafrust: int,
    capacity: list[dict[str, Any]],
) -> dict[str, Any]:
    """The window, the preferred and the scheduled year, and why they differ."""
    scheduled, preferred = work.scheduled_year, work.preferred_year
    if work.window_start == work.window_end:
        window = _("Dit werk kan alleen in %(year)s starten.") % {"year": preferred}
    else:
        window = _("Dit werk mag starten in %(start)s–%(end)s; het voorkeursjaar is %(year)s.") % {
            "start": work.window_start,
            "end": work.window_end,
            "year": preferred,
        }
    causes: list[dict[str, Any]] = []
    if scheduled is None:
        sentence = _("Niet gepland: het past niet in het programma (zie hieronder waarom).")
    elif scheduled == preferred:
        sentence = _("Gepland in %(year)s, het voorkeursjaar.") % {"year": scheduled}
    else:
        causes = _moved_causes(work, members, neighbours, budget, graafrust, capacity)
        if causes:
            why = "; ".join(cause["sentence"] for cause in causes)
        else:
            why = _(
                "zo past het programma als geheel het best: meer waarde of minder "
                "graafmomenten binnen de budgetten"
            )
        sentence = _(
            "Gepland in %(year)s in plaats van %(preferred)s (voorkeursjaar): %(why)s."
        ) % {"year": scheduled, "preferred": preferred, "why": why}
    return {
        "window_start": work.window_start,
        "window_end": work.window_end,
        "preferred_year": preferred,
        "scheduled_year": scheduled,
        "window": window,
        "sentence": sentence,
        "causes": causes,
    }


def _moved_causes(
    work: Work,
    members: list[Work],
    neighbours: list[Work],
    budget: list[dict[str, Any]],
    graafrust: int,
    capacity: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """What the stored plan shows about why the work left its preferred year (module
    docstring: coupling, graafrust, budget, capacity)."""
    causes: list[dict[str, Any]] = []
    preferred = work.preferred_year
    coupling = work.coupling
    if coupling is not None and coupling.year == work.scheduled_year:
        causes.append(
            {
                "code": "koppeling",
                "sentence": ngettext(
                    "het werk gebeurt samen met %(count)s ander werk van zijn koppelkans, "
                    "in hun gezamenlijke jaar %(year)s",
                    "het werk gebeurt samen met %(count)s andere werken van zijn koppelkans, "
                    "in hun gezamenlijke jaar %(year)s",
                    len(members),
                )
                % {"count": len(members), "year": coupling.year},
            }
        )
    # Works of the same coupling move with it: the coupling is their reason, not graafrust.
    apart = [o for o in neighbours if o.scheduled_year is not None and not _together(work, o)]
    paving = [
        o
        for o in apart
        if o.reconstructs_street
        and work.opens_street
        and 0 < preferred - o.scheduled_year <= graafrust
    ]
    if paving:  # the latest reconstruction before the preferred year closes it longest
        year = max(o.scheduled_year for o in paving)
        causes.append(
            _graafrust_cause(
                [o for o in paving if o.scheduled_year == year],
                _(
                    "graafrust: in %(year)s wordt de straat opnieuw aangelegd (%(work)s), dus "
                    "de straat gaat tot en met %(until)s niet open"
                ),
                {"year": year, "until": year + graafrust},
            )
        )
    digging = [
        o
        for o in apart
        if o.opens_street
        and work.reconstructs_street
        and 0 < o.scheduled_year - preferred <= graafrust
    ]
    if digging:  # the first opening after the preferred year would break it
        year = min(o.scheduled_year for o in digging)
        causes.append(
            _graafrust_cause(
                [o for o in digging if o.scheduled_year == year],
                _(
                    "graafrust: in %(year)s gaat de straat open (%(work)s), dus opnieuw "
                    "aanleggen in %(preferred)s zou te vroeg zijn"
                ),
                {"year": year, "preferred": preferred},
            )
        )
    for line in budget:
        full = [
            cell["year"] for cell in line["years"] if cell["need_if_preferred"] > cell["unused"]
        ]
        if full:
            causes.append(
                {
                    "code": "budget",
                    "line": line["line"],
                    "years": full,
                    "sentence": _("in %(years)s is budgetregel %(line)s vol")
                    % {"years": _years(full), "line": line["name"]},
                }
            )
    for team in capacity:
        short = [cell for cell in team["years"] if cell["need_if_preferred"] > cell["free"]]
        if short:
            causes.append(
                {
                    "code": CAPACITY,
                    "team": team["team"],
                    "years": [cell["year"] for cell in short],
                    "sentence": _(
                        "team %(team)s heeft in %(years)s te weinig uren: %(planned)s van "
                        "%(available)s uur gepland, dit werk vraagt er %(need)s"
                    )
                    % {
                        "team": team["name"],
                        "years": _years(cell["year"] for cell in short),
                        "planned": hours(sum(cell["planned"] for cell in short)),
                        "available": hours(sum(cell["available"] for cell in short)),
                        "need": hours(sum(cell["need_if_preferred"] for cell in short)),
                    },
                }
            )
    return causes


def _together(work: Work, other: Work) -> bool:
    return work.coupling_id is not None and other.coupling_id == work.coupling_id


def _graafrust_cause(works: list[Work], text: str, values: dict[str, Any]) -> dict[str, Any]:
    """One graafrust cause, naming the first work and counting the others of that year."""
    first = _named(works[0])
    label = first["label"]
    if len(works) > 1:
        label = ngettext(
            "%(work)s en %(count)s ander werk",
            "%(work)s en %(count)s andere werken",
            len(works) - 1,
        ) % {"work": label, "count": len(works) - 1}
    return {
        "code": "graafrust",
        "sentence": text % {"work": label, **values},
        "works": [_named(w) for w in works],
    }


def _coupling(work: Work, members: list[Work]) -> dict[str, Any] | None:
    coupling = work.coupling
    if coupling is None:
        return None
    sentence = ngettext(
        "Dit werk zit in een koppelkans met %(count)s ander werk%(street)s. Samen besparen "
        "ze %(savings)s en gaat de straat %(openings)s keer minder open.",
        "Dit werk zit in een koppelkans met %(count)s andere werken%(street)s. Samen besparen "
        "ze %(savings)s en gaat de straat %(openings)s keer minder open.",
        len(members),
    ) % {
        "count": len(members),
        "street": _(" in %(street)s") % {"street": coupling.street} if coupling.street else "",
        "savings": euro(coupling.savings),
        "openings": coupling.openings_avoided,
    }
    if work.saving:
        sentence += " " + _("Dit werk wordt daardoor %(saving)s goedkoper.") % {
            "saving": euro(work.saving)
        }
    return {
        "id": coupling.pk,
        "key": coupling.key,
        "kind": coupling.kind,
        "year": coupling.year,
        "street": coupling.street,
        "savings": coupling.savings,
        "openings_avoided": coupling.openings_avoided,
        "work_saving": work.saving,
        "works": [_named(member) for member in members],
        "sentence": sentence,
    }


def _priority(work: Work, weights: dict[str, Decimal]) -> dict[str, Any]:
    """The score per criterion with the framework's weight, the largest first."""
    labels = dict(CriterionCode.choices)
    criteria = [
        {
            "code": code,
            "label": str(labels.get(code, code)),
            "weight": weights.get(code),
            "points": points,
        }
        for code, points in sorted(
            work.score_breakdown.items(), key=lambda item: (-item[1], item[0])
        )
    ]
    top = [c["label"] for c in criteria if c["points"] > 0][:2]
    sentence = _("Score %(score)s.") % {"score": number_format(work.score, 2)}
    if top:
        sentence += " " + _("Het meest telt: %(criteria)s.") % {"criteria": " en ".join(top)}
    return {"score": work.score, "criteria": criteria, "sentence": sentence}


def _graafrust(work: Work, neighbours: list[Work], years: int) -> dict[str, Any]:
    """The street's openings and reconstructions around the work, and whether (and why)
    the work breaks graafrust."""
    rows = [
        {
            **_named(other),
            "scheduled_year": other.scheduled_year,
            "opens_street": other.opens_street,
            "reconstructs_street": other.reconstructs_street,
        }
        for other in neighbours
    ]
    if work.breaks_graafrust and work.graafrust_cause:
        sentence = _("Dit werk doorbreekt de graafrust: %(cause)s.") % {
            "cause": graafrust_cause(work.graafrust_cause.rstrip(". "))
        }
    elif work.breaks_graafrust:
        sentence = _("Dit werk doorbreekt de graafrust.")
    elif work.scheduled_year is None and rows:
        sentence = _("Het werk is niet gepland. Dit zijn de werken in de straat rond zijn venster.")
    elif rows:
        sentence = _("Dit werk houdt zich aan de graafrust van %(years)s jaar.") % {"years": years}
    else:
        sentence = _(
            "Er zijn geen andere werken die de straat rond deze jaren openen of aanleggen."
        )
    return {
        "years": years,
        "breaks": work.breaks_graafrust,
        "cause": graafrust_cause(work.graafrust_cause),
        "works": rows,
        "sentence": sentence,
    }


def _unfunded(
    item: UnfundedItem,
    referred: dict[str, Work],
    names: dict[str, str],
    line_gaps: dict[int | None, Decimal],
) -> dict[str, Any]:
    """One reason the work is not (wholly) funded: its code, the reason in the reader's
    language,
    the gap on its line and year, the facts and the works those facts name."""
    line = item.budget_line
    if item.gap and line is not None:
        gap = _("Met %(gap)s meer op %(line)s in %(year)s past het werk.") % {
            "gap": euro(item.gap),
            "line": line.name,
            "year": item.year,
        }
    else:
        gap = ""
    return {
        "code": item.code,
        "code_label": _code_label(item.code),
        "reason": item.sentence(names, line_gaps[item.budget_line_id]),
        "line": line.code if line else None,
        "line_name": line.name if line else None,
        "year": item.year,
        "gap": item.gap,
        "gap_sentence": gap,
        "facts": _readable_facts(item.facts, names),
        "works": [
            _named(referred[key])
            for key in dict.fromkeys(_fact_keys(item.facts))
            if key in referred
        ],
    }


def _readable_facts(facts: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """An unfunded row's facts as the reader may see them: the key of a work they may
    not see (one without a name in `names`) is None, as `_named` hides it; a key holds
    the other organisation's project code."""

    def shown(key: str) -> str | None:
        return key if key in names else None

    readable = dict(facts)
    for field in KEY_FACTS:
        if field in readable:
            readable[field] = [shown(key) for key in readable[field]]
    for field in WORK_YEAR_FACTS:
        if field in readable:
            readable[field] = [{**w, "work": shown(w["work"])} for w in readable[field]]
    return readable


def _code_label(code: str) -> str:
    """The reason code's label."""
    return str(dict(UnfundedReason.choices).get(code, code))
