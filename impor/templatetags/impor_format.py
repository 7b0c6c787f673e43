"""Number filters for money and shares, in the reader's language.

Every page shows euros the same way: whole euros where the amounts are large (a programme
of millions needs no cents), grouped by thousands; number cells never wrap (`.numeric` in
impor.css). Dutch writes `€ 1.234.567` and `€ -1.234`, English `€1,234,567` and
`-€1,234` (the CLDR patterns of both languages). The separators come from Django's
localized formats (`impor/formats/nl`, USE_THOUSAND_SEPARATOR); the output holds only
digits, separators and signs, so it is marked safe. A missing value shows as a dash,
never as Python's `None`.

    {% load impor_format %}
    {{ work.cost|euro }}            € 1.234.567
    {{ unit_cost|euro_cents }}      € 12,50
    {{ share|percent }}             37 %   (share 0.37; `percent:1` gives 37,0 %)
    {{ gap_percent|percent_value }} 3,5 %  (a value already in percent)
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils import formats
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

#: What a missing figure shows: a dash, as the tables do elsewhere.
MISSING = "–"
#: Between the euro sign and the figure: a plain space, as the Dutch texts and messages
#: elsewhere write it; number cells do not wrap (`.numeric` in impor.css).
SPACE = " "


def _number(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


def _rounded(number: Decimal, decimals: int) -> Decimal:
    """Rounded half up, as `floatformat` rounds (Django's number_format only cuts off)."""
    return number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _dutch() -> bool:
    return (get_language() or "nl").startswith("nl")


def _money(value, decimals: int) -> SafeString:
    number = _number(value)
    if number is None:
        return mark_safe(MISSING)
    rounded = _rounded(abs(number), decimals)
    figure = formats.number_format(rounded, decimals, use_l10n=True, force_grouping=True)
    sign = "-" if number < 0 and rounded else ""
    if _dutch():
        return mark_safe(f"€{SPACE}{sign}{figure}")
    return mark_safe(f"{sign}€{figure}")


@register.filter
def euro(value) -> SafeString:
    """An amount in whole euros: `€ 1.234.567` (nl), `€1,234,567` (en); `–` if missing."""
    return _money(value, 0)


@register.filter
def euro_cents(value) -> SafeString:
    """An amount with cents, for small sums such as a unit price: `€ 12,50`, `€12.50`."""
    return _money(value, 2)


def _percent(number: Decimal | None, decimals: int) -> SafeString:
    if number is None:
        return mark_safe(MISSING)
    rounded = _rounded(number, decimals)
    figure = formats.number_format(rounded, decimals, use_l10n=True, force_grouping=True)
    # Dutch puts a space before the sign (37 %), English none (37%).
    return mark_safe(f"{figure}{SPACE}%" if _dutch() else f"{figure}%")


@register.filter
def percent(value, decimals: int = 0) -> SafeString:
    """A share (0.37) as a percentage: `37 %` (nl), `37%` (en); `–` if missing."""
    number = _number(value)
    return _percent(None if number is None else number * 100, int(decimals))


@register.filter
def percent_value(value, decimals: int = 1) -> SafeString:
    """A value already in percent (3.5) with its sign: `3,5 %` (nl), `3.5%` (en)."""
    return _percent(_number(value), int(decimals))


@register.filter
def field_label(name) -> str:
    """A column name from an import (`diameter_mm`) as words (`Diameter mm`): such names
    are kept as the source wrote them, but a page shows no raw field names."""
    text = str(name).replace("_", " ").strip()
    return text[:1].upper() + text[1:]
