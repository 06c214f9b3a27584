"""Form widgets shared by the apps."""

from __future__ import annotations

from django import forms


class SuggestInput(forms.TextInput):
    """A text input that suggests as one types: htmx asks `url` (with the input's value under its name) for
    `<option>`s and puts them in the input's own <datalist>, which the browser offers under the field. Works without
    JavaScript as a plain text field."""

    template_name = "core/widgets/suggest_input.html"

    def __init__(self, url, attrs=None):
        self.url = url
        super().__init__(attrs={"autocomplete": "off", **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        suggestions = f"{widget_attrs.get('id') or name}-suggestions"
        widget_attrs.update(
            {
                "list": suggestions,
                "hx-get": str(self.url),
                "hx-trigger": "input changed delay:300ms",
                "hx-target": f"#{suggestions}",
            }
        )
        return context
