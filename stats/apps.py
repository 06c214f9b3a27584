from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    """Statistics across years, regions, departments, service categories and organization types (一网统管), the
    data-quality report and the annual report. It reads every domain app and writes nothing; the public home and the
    API read their figures from it."""

    name = "stats"
    verbose_name = _("统计分析")
