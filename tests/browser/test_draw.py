"""In a browser: a partner draws its work as a polygon on the project form's map, saves,
and the stored geometry is that polygon (in RD New); the form passes an axe check."""

import json
import re

import shapely
from playwright.sync_api import expect

from impor.geometry import from_geojson
from projects.models import Project
from tests.browser.conftest import log_in, serious_violations


def test_a_partner_draws_a_polygon_and_saves_it(demo, page):
    project = Project.objects.filter(owner__name="Enexis Netbeheer").order_by("pk").first()
    assert project is not None, "the demo has no project of Enexis"
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    log_in(page, "enexis")
    page.goto(f"/projecten/{project.pk}/bewerken/")
    draw = page.locator(".impor-draw")
    expect(draw).to_have_attribute("data-impor-draw-ready", "1")
    assert serious_violations(page) == []

    map_element = draw.locator(".impor-draw__map")
    map_element.scroll_into_view_if_needed()
    box = map_element.bounding_box()
    corners = [(0.35, 0.35), (0.65, 0.35), (0.5, 0.7)]
    draw.locator(".leaflet-pm-icon-polygon").click()
    for x, y in corners:
        page.mouse.click(box["x"] + x * box["width"], box["y"] + y * box["height"])
    # Clicking the first corner again closes the polygon.
    page.mouse.click(
        box["x"] + corners[0][0] * box["width"], box["y"] + corners[0][1] * box["height"]
    )

    field = page.locator("textarea[name=geometry]")
    expect(field).to_have_value(re.compile(r'^\{"type":"Polygon"'))
    drawn = json.loads(field.input_value())
    assert len(drawn["coordinates"][0]) == 4  # three corners and the closing one
    page.get_by_role("button", name="Opslaan").click()
    expect(page).to_have_url(re.compile(rf"/projecten/{project.pk}/$"))

    assert refused == []  # the drawing tools need no inline script or style
    stored = Project.objects.get(pk=project.pk).geometry
    assert stored.startswith("POLYGON")
    assert shapely.from_wkt(stored).equals_exact(shapely.from_wkt(from_geojson(drawn)), 0.001)
