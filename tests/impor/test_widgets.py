"""LongSelect writes the HTML that Django's Select writes, only faster."""

import pytest
from django import forms
from django.test.html import parse_html

from impor.models import Area
from impor.widgets import LongSelect
from tests.factories import AreaFactory

pytestmark = pytest.mark.django_db


def _form(widget):
    class AreaForm(forms.Form):
        area = forms.ModelChoiceField(
            Area.objects.order_by("name"),
            empty_label="Alle gebieden",
            help_text="Een kern of wijk",
            widget=widget,
        )

    return AreaForm


@pytest.mark.parametrize("data", [None, {"area": "first"}, {"area": "999999"}])
def test_a_long_select_renders_as_django_select_does(data):
    areas = [AreaFactory(name=name) for name in ("Nieuwleusen", "Dalfsen", "Lemelerveld <&>")]
    if data == {"area": "first"}:
        data = {"area": str(areas[0].pk)}
    django_form, long_form = _form(forms.Select)(data), _form(LongSelect)(data)
    if data:
        django_form.is_valid()
        long_form.is_valid()
    django_html, long_html = str(django_form["area"]), str(long_form["area"])
    assert parse_html(long_html) == parse_html(django_html)
    assert "Lemelerveld &lt;&amp;&gt;" in long_html
    if data and data["area"] == str(areas[0].pk):
        assert f'<option value="{areas[0].pk}" selected>' in long_html
    if data and data["area"] == "999999":
        assert 'aria-invalid="true"' in long_html, "the error reaches the widget"
