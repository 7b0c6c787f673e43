"""Form widgets for the sizes of a city."""

from html import escape

from django import forms
from django.forms.utils import flatatt
from django.utils.safestring import mark_safe


class LongSelect(forms.Select):
    """A select for hundreds of options (the areas of a city), rendered in Python.

    Django renders every option through a template; for the 700 kernen and wijken of a
    city that is most of a list page's time. This widget writes the same HTML (the
    attributes Django adds, such as aria-describedby, included), escaping each value and
    label. It takes flat choices only, no option groups.
    """

    def render(self, name, value, attrs=None, renderer=None):
        selected = set(self.format_value(value))
        options = "".join(
            f'<option value="{escape(str(option))}"'
            f"{' selected' if str(option) in selected else ''}>{escape(str(label))}</option>"
            for option, label in self.choices
        )
        attrs = flatatt(self.build_attrs(self.attrs, attrs))
        return mark_safe(f'<select name="{escape(name)}"{attrs}>{options}</select>')
