from __future__ import annotations

from pathlib import Path

import pytest
from django.db.models import Max
from reversion.models import Revision, Version

from calculators.models import Accelerator, CatalogModel
from content.catalog_files import import_catalog
from content.gpu_files import import_gpus

CATALOG = Path(__file__).resolve().parents[2] / "fixtures" / "models.yaml"
GPUS = CATALOG.parent / "gpus.yaml"


@pytest.fixture(scope="module")
def catalog(django_db_setup, django_db_blocker):
    """The shipped model and GPU catalogs, loaded once per module; yields how many models.
    Each test still runs in a transaction that is rolled back; afterwards the module removes
    only what it added, so rows other modules loaded stay."""
    with django_db_blocker.unblock():
        existing = set(CatalogModel.objects.values_list("pk", flat=True))
        existing_gpus = set(Accelerator.objects.values_list("pk", flat=True))
        last_revision = Revision.objects.aggregate(last=Max("pk"))["last"] or 0
        count = import_catalog(CATALOG)
        import_gpus(GPUS)
    yield count
    with django_db_blocker.unblock():
        CatalogModel.objects.exclude(pk__in=existing).delete()
        Accelerator.objects.exclude(pk__in=existing_gpus).delete()
        Version.objects.filter(revision__pk__gt=last_revision).delete()
        Revision.objects.filter(pk__gt=last_revision).delete()
