"""Chinese number formats: Django's zh_Hans formats, with amounts grouped by thousands where a template asks
(`floatformat:"2g"`, `intcomma`), as 财政 documents write them (1,310,000.00)."""

from django.conf.locale.zh_Hans.formats import *  # noqa: F403

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
