import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def isolated(db, settings, tmp_path):
    """Uploads go to a fresh folder; rate limits start from zero; the minimum rectification period is on."""
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()
