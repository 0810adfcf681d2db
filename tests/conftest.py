from __future__ import annotations

import pytest
from django.conf import settings
from django.core.cache import cache

from caching import content_version
from caching.page_cache import local_pages


@pytest.fixture(autouse=True, scope="session")
def _content_version_file(tmp_path_factory):
    # The suite's processes share a version file of their own, not the checkout's var/.
    settings.CONTENT_VERSION_FILE = str(tmp_path_factory.mktemp("wm") / "content-version")


@pytest.fixture(autouse=True)
def _empty_cache():
    # Pages are cached; every test starts from a cold cache so it sees what it wrote. Its
    # database was rolled back without a save, so this process takes a version of its own.
    cache.clear()
    local_pages.clear()
    content_version.renew_here()
    yield
    cache.clear()
    local_pages.clear()
