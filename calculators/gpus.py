"""The GPU catalog as the calculators read it: the Accelerator rows (edited in the admin,
loaded from fixtures/gpus.yaml) turned into sizing's Gpu values.

Every calculator request needs the list (the form's choices, the fit table), so it is kept in
Django's cache under the content version: an editor's save moves the version
(caching/content_version.py), which retires the cached list everywhere at once. With no cache
configured there is no version, and the list is read from the database each time.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.cache import cache

from caching import content_version
from calculators.models import Accelerator
from sizing import Gpu, SizingError

DEFAULT_GPU = "h100-sxm"
_KEY = "gpu-catalog"


def _load() -> tuple[Gpu, ...]:
    return tuple(gpu.as_gpu() for gpu in Accelerator.objects.order_by("name", "slug"))


def catalog_gpus() -> tuple[Gpu, ...]:
    """Every accelerator in the catalog, by name."""
    version = content_version.current()
    if version is None:
        return _load()
    key = f"{_KEY}:{version}"
    found = cache.get(key)
    if isinstance(found, tuple):
        return found
    gpus = _load()
    cache.set(key, gpus, getattr(settings, "GPU_CACHE_SECONDS", 24 * 60 * 60))
    return gpus


def gpu_by_slug(slug: str) -> Gpu | None:
    """The catalog's GPU with this slug, or None."""
    for gpu in catalog_gpus():
        if gpu.slug == slug:
            return gpu
    return None


def _choices() -> list[tuple[str, str]]:
    return [(gpu.slug, gpu.name) for gpu in catalog_gpus()]


class GpuField(forms.ChoiceField):
    """A GPU's slug, one of the catalog's as it is when the form is used (the choices are
    read each time, not when the module is imported). `current_choices` gives the slugs for
    the API's description."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", "GPU")
        kwargs.setdefault("initial", DEFAULT_GPU)
        super().__init__(required=False, choices=_choices, **kwargs)

    def current_choices(self) -> list[str]:
        return [gpu.slug for gpu in catalog_gpus()]

    def valid_value(self, value: Any) -> bool:
        return gpu_by_slug(str(value)) is not None


def chosen_gpu(slug: str | None) -> Gpu:
    """The GPU a calculator was asked for (the default when none was): the form has refused
    unknown slugs already, so a miss here is the default missing from the catalog."""
    wanted = slug or DEFAULT_GPU
    gpu = gpu_by_slug(wanted)
    if gpu is None:
        raise SizingError("gpu", f"There is no GPU “{wanted[:80]}” in the catalog.")
    return gpu
