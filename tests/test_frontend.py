"""The front-end foundation: vendored files, charts, components, formats and translations."""

import json
import re
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from impor.charts import bar_chart, format_amount, nice_step
from impor.lists import CappedCountPaginator
from stakeholders.models import Theme
from tests.factories import AssetFactory, UserFactory

ROOT = Path(settings.BASE_DIR)
STATIC_REFERENCE = re.compile(r"""\{%\s*static\s+['"]([^'"]+)['"]\s*%\}""")


def _templates():
    return sorted((ROOT / "templates").rglob("*.html"))


def test_every_static_file_a_template_names_exists():
    missing = [
        f"{template.relative_to(ROOT)}: {name}"
        for template in _templates()
        for name in STATIC_REFERENCE.findall(template.read_text())
        if not (ROOT / "static" / name).is_file()
    ]
    assert missing == []


def test_every_vendored_package_ships_its_licence():
    packages = [path for path in (ROOT / "static" / "vendor").iterdir() if path.is_dir()]
    assert packages
    for package in packages:
        assert list(package.glob("LICENSE*")), f"{package.name} has no LICENSE file"


def test_docs_name_every_npm_package_with_its_version():
    dependencies = json.loads((ROOT / "frontend" / "package.json").read_text())["dependencies"]
    docs = (ROOT / "docs" / "frontend.md").read_text()
    for name, version in dependencies.items():
        assert re.search(rf"`{re.escape(name)}`\s*\|\s*{re.escape(version)}\b", docs), (
            f"docs/frontend.md lacks a row for {name} {version}"
        )


def test_npm_versions_are_pinned_exactly():
    dependencies = json.loads((ROOT / "frontend" / "package.json").read_text())["dependencies"]
    assert all(re.fullmatch(r"\d+\.\d+\.\d+", version) for version in dependencies.values())


def _po_entries(text: str):
    """(msgid, msgstrs) per entry of a PO file, the quoted continuation lines joined."""
    for block in text.split("\n\n"):
        fields: dict[str, str] = {}
        key = None
        for line in block.splitlines():
            match = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line)
            if match:
                key = match.group(1)
                fields[key] = match.group(2)
            elif line.startswith('"') and key:
                fields[key] += line[1:-1]
        if fields.get("msgid"):
            yield (
                fields["msgid"],
                [value for name, value in fields.items() if name.startswith("msgstr")],
            )


def test_the_english_translation_is_compiled_and_complete():
    messages = ROOT / "locale" / "en" / "LC_MESSAGES"
    po = (messages / "django.po").read_text()
    assert (messages / "django.mo").stat().st_mtime >= (
        messages / "django.po"
    ).stat().st_mtime - 1, "django.mo is older than django.po: run make messages"
    untranslated = [msgid for msgid, msgstrs in _po_entries(po) if not all(msgstrs)]
    assert untranslated == [], "translate these in locale/en/LC_MESSAGES/django.po"
    assert "#, fuzzy" not in po


def test_the_menu_reads_in_english_when_english_is_active():
    with translation.override("en"):
        assert translation.gettext("Beheerobjecten") == "Assets"
        assert translation.gettext("Hoofdmenu") == "Main menu"


def test_amounts_are_written_the_dutch_way():
    with translation.override("nl"):
        assert format_amount(1234567.4) == "€ 1.234.567"
        assert format_amount(12, "km") == "12 km"
        assert format_amount(None) == "–"
    with translation.override("en"):
        assert format_amount(1234567) == "€ 1,234,567"


def test_dates_are_written_the_dutch_way():
    import datetime

    from django.utils.formats import date_format, number_format

    with translation.override("nl"):
        assert date_format(datetime.date(2026, 3, 1)) == "1 maart 2026"
        assert number_format(1234.5, 1) == "1.234,5"


def test_tick_steps_are_round_numbers():
    assert nice_step(1_000_000) == 200_000
    assert nice_step(7) == 2
    assert nice_step(0) == 1


def _spending_chart():
    return bar_chart(
        "Besteding tegen budget per jaar",
        categories=[2026, 2027, 2028],
        series=[("Riolering", [1_200_000, 800_000, None]), ("Wegen", [500_000, 900_000, 300_000])],
        limits=[2_000_000, 1_500_000, 1_000_000],
    )


def test_a_bar_chart_draws_one_bar_per_value_and_one_line_per_budget():
    chart = _spending_chart()
    assert len(chart.bars) == 5  # the missing value draws no bar
    assert len(chart.limits) == 3
    assert chart.ticks[0].y == chart.plot_bottom
    assert chart.ticks[-1].y >= chart.plot_top
    tallest = max(chart.bars, key=lambda bar: bar.height)
    assert "1.200.000" in tallest.title


def test_a_budget_above_every_bar_is_drawn_above_them():
    chart = _spending_chart()
    first_year_bars = [bar for bar in chart.bars if bar.x < chart.limits[0].x2]
    assert all(chart.limits[0].y < bar.y for bar in first_year_bars)


def test_a_series_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError, match="Riolering"):
        bar_chart("t", [2026, 2027], [("Riolering", [1.0])])


def test_the_chart_renders_svg_with_plain_coordinates_and_a_dutch_table():
    with translation.override("nl"):
        html = render_to_string("components/bar_chart.html", {"chart": _spending_chart()})
    assert '<svg viewBox="0 0 720 320"' in html
    # Coordinates are never localised ("12,5" would break the SVG).
    for value in re.findall(r' (?:x|y|width|height|x1|x2|y1|y2)="([^"]*)"', html):
        assert re.fullmatch(r"-?\d+(\.\d+)?", value), value
    assert "<caption>Besteding tegen budget per jaar</caption>" in html
    assert '<th scope="row">2026</th>' in html
    assert '<th scope="col" class="numeric">Budget</th>' in html
    assert "€ 1.200.000" in html
    assert "–" in html


def test_the_form_component_shows_field_errors_linked_to_the_field():
    class BriefForm(forms.Form):
        name = forms.CharField(label="Naam", help_text="Zoals de raad hem kent")
        year = forms.IntegerField(label="Startjaar")

    with translation.override("nl"):
        form = BriefForm({"name": "", "year": "x"})
        form.is_valid()
        html = render_to_string("components/form.html", {"form": form})
    assert '<label class="utrecht-form-label" for="id_name">Naam</label>' in html
    assert 'id="id_name_helptext"' in html
    assert 'id="id_name_error"' in html
    assert "Dit veld is vereist." in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_name_helptext id_name_error"' in html
    assert "utrecht-form-field--invalid" in html


def test_pagination_keeps_the_filters_in_its_links():
    request = RequestFactory().get("/beheerobjecten/", {"klasse": "riolering", "page": "2"})
    page = Paginator(list(range(100)), 10).page(2)
    with translation.override("nl"):
        html = render_to_string("components/pagination.html", {"page_obj": page}, request=request)
    assert 'href="?klasse=riolering&amp;page=3"' in html
    assert 'href="?klasse=riolering&amp;page=1"' in html
    assert "Pagina 2 van 10" in html
    assert "100 resultaten" in html


def test_one_page_needs_no_pagination():
    request = RequestFactory().get("/")
    page = Paginator([1, 2], 10).page(1)
    assert (
        render_to_string("components/pagination.html", {"page_obj": page}, request=request).strip()
        == ""
    )


def test_the_map_component_passes_data_url_tiles_and_legend():
    request = RequestFactory().get("/")
    html = render_to_string(
        "components/map.html",
        {
            "geojson_url": "/gebieden/1/kaart.geojson",
            "label": "Kaart van Lemelerveld",
            "legend": [("2027", "#c2410c")],
        },
        request=request,
    )
    assert 'data-geojson="/gebieden/1/kaart.geojson"' in html
    assert 'role="region" aria-label="Kaart van Lemelerveld"' in html
    assert (
        'data-tile-url="https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/standaard/EPSG:28992/{z}/{x}/{y}.png"'
        in html
    )
    legend = re.search(r'data-legend="([^"]*)"', html).group(1).replace("&quot;", '"')
    assert json.loads(legend) == [["2027", "#c2410c"]]


@pytest.mark.django_db
def test_a_long_list_stops_counting_at_the_cap(monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "count_cap", 3)
    for code in "abcde":
        Theme.objects.create(code=code, name=code)
    queryset = Theme.objects.order_by("pk")
    capped = CappedCountPaginator(queryset, 2)
    assert capped.count_capped
    assert capped.count == 4, "counted up to one past the cap, no further"
    assert [t.code for t in capped.page(2)] == ["c", "d"]
    exact = CappedCountPaginator(queryset.filter(code__in="ab"), 2)
    assert (exact.count, exact.count_capped) == (2, False)
    request = RequestFactory().get("/thema/")
    with translation.override("nl"):
        html = render_to_string(
            "components/pagination.html", {"page_obj": capped.page(1)}, request=request
        )
    assert "Meer dan 3 resultaten" in html
    assert "Pagina 1<" in html, "no page total that would be a guess"
    assert "Laatste" not in html


@pytest.mark.django_db
def test_a_computed_column_sorts_only_a_list_under_the_cap(client, monkeypatch):
    user = UserFactory(is_superuser=True)
    client.force_login(user)
    for year in (1990, 1960, 1975):
        AssetFactory(construction_year=year)
    url = "/beheerobjecten/"
    sorted_years = [
        a.construction_year for a in client.get(url, {"sort": "preferred_year"}).context["page_obj"]
    ]
    assert sorted_years == [1960, 1975, 1990]

    monkeypatch.setattr(CappedCountPaginator, "count_cap", 2)
    response = client.get(url, {"sort": "preferred_year"})
    assert response.context["sort_refused"]
    assert response.context["sort"] == "asset_class__name", "back to the default order"
    assert "Op deze kolom sorteren kan bij ten hoogste 2 resultaten" in response.content.decode()
    assert client.get(url, {"sort": "-construction_year"}).context["sort_refused"] is False


def _render(source: str, **context) -> str:
    from django.template import Context, Template

    return Template("{% load impor_format %}" + source).render(Context(context))


def test_euros_are_whole_and_grouped_the_way_each_language_writes_them():
    with translation.override("nl"):
        assert _render("{{ v|euro }}", v=1234567.5) == "€ 1.234.568"  # rounded half up
        assert _render("{{ v|euro }}", v=-1234) == "€ -1.234"
        assert _render("{{ v|euro_cents }}", v="12.5") == "€ 12,50"
        assert _render("{{ v|euro }}", v=None) == "–"
    with translation.override("en"):
        assert _render("{{ v|euro }}", v=1234567) == "€1,234,567"
        assert _render("{{ v|euro }}", v=-1234) == "-€1,234"
        assert _render("{{ v|euro_cents }}", v=12.5) == "€12.50"


def test_percentages_carry_their_sign_in_each_language():
    with translation.override("nl"):
        assert _render("{{ v|percent }}", v=0.375) == "38 %"
        assert _render("{{ v|percent_value }}", v=3.45) == "3,5 %"
    with translation.override("en"):
        assert _render("{{ v|percent:1 }}", v=0.375) == "37.5%"
        assert _render("{{ v|percent }}", v=None) == "–"


def test_an_import_column_shows_as_words():
    assert _render("{{ v|field_label }}", v="diameter_mm") == "Diameter mm"


def test_every_number_cell_uses_the_one_numeric_class():
    """One class and one CSS rule for figures: `num` and `number` were used beside it."""
    templates = Path(settings.BASE_DIR) / "templates"
    stray = [
        str(path.relative_to(templates))
        for path in templates.rglob("*.html")
        if re.search(r'class="(?:num|number)\b', path.read_text())
    ]
    assert stray == []
