"""The English catalogue is complete and every translation keeps its placeholders."""

import re
from pathlib import Path

import polib
import pytest
from django.utils import translation

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")


@pytest.fixture(scope="module")
def catalogue():
    return polib.pofile(str(CATALOGUE))


def test_every_entry_is_translated(catalogue):
    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []


def test_translations_keep_their_placeholders(catalogue):
    def names(text):
        return sorted({a or b for a, b in PLACEHOLDER.findall(text)})

    broken = [
        entry.msgid
        for entry in catalogue.translated_entries()
        if not entry.msgid_plural and names(entry.msgid) != names(entry.msgstr)
    ]
    assert broken == []


def test_chinese_source_strings_are_served_in_english():
    from registry.models import Organization

    with translation.override("en"):
        assert str(Organization.Status.NORMAL.label) == "Active"
        assert str(Organization._meta.verbose_name) == "Social organization"
    with translation.override("zh-hans"):
        assert str(Organization.Status.NORMAL.label) == "正常"


def test_amounts_are_grouped_by_thousands_in_chinese_and_years_are_not():
    from django.template import Context, Template

    template = Template('{{ amount|floatformat:"2g" }} {{ year }}')
    with translation.override("zh-hans"):
        assert template.render(Context({"amount": 1310000, "year": 2026})) == "1,310,000.00 2026"
