from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from shipped_content import FIXTURES, ShippedContent

from caching import content_version
from caching.page_cache import local_pages
from config.content_folder import import_folder


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


@pytest.fixture(scope="session")
def shipped_content_dump(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> ShippedContent:
    """The shipped content (fixtures/ and fixtures/guides/), imported once per run inside a
    transaction that is rolled back, and dumped as JSON (see tests/shipped_content.py)."""
    path = tmp_path_factory.mktemp("content") / "shipped-content.json"
    with django_db_blocker.unblock(), transaction.atomic():
        folder = import_folder(FIXTURES)
        call_command(
            "dumpdata", "glossary", "learning", "calculators", output=str(path), verbosity=0
        )
        transaction.set_rollback(True)
    return ShippedContent(dump=path, report=folder.glossary, guides=(folder.guides, folder.lessons))


@pytest.fixture(scope="module")
def shipped_content(
    shipped_content_dump: ShippedContent, django_db_blocker: Any
) -> Iterator[ShippedContent]:
    """The shipped content in the database for the rest of a module's tests, loaded from the
    run's dump inside a transaction that is rolled back after the module, so the modules after
    it see the database as migrations left it. Each test still runs in a transaction of its own
    (a savepoint in this one), rolled back after it. No test in the module may be
    transactional (`transactional_db`, `live_server`): it would end this transaction."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("loaddata", str(shipped_content_dump.dump), verbosity=0)
        with django_db_blocker.block():  # a test without django_db still has no database
            yield shipped_content_dump
        transaction.set_rollback(True)


@pytest.fixture
def editor_client(client, django_user_model):
    """A client signed in as a member of the Editors group (the migration's permissions). Test
    files with an editor of their own define their own fixture, which takes precedence."""
    user = django_user_model.objects.create_user("editor", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    return client
