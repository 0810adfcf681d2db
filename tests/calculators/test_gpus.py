"""The GPU catalog: fixtures/gpus.yaml in the database, read by every calculator through
calculators.gpus (cached under the content version), listed at /api/v1/gpus, edited in the
admin."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from admin_forms import AdminForm
from django.urls import reverse
from reversion.models import Version

from calculators.forms import InferenceForm, TrainingForm
from calculators.gpus import catalog_gpus, chosen_gpu, gpu_by_slug
from calculators.models import Accelerator
from content.gpu_files import export_gpus, import_gpus
from sizing import SizingError, fits_on

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "gpus.yaml"
ENTRIES = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
# Today's 17 (the old sizing.hardware.GPUS) and what issue 17 asks for.
PROMISED = {
    "h100-sxm", "h100-pcie", "h200", "a100-80gb", "a100-40gb", "l40s", "l4", "a10g", "t4",
    "v100", "rtx-5090", "rtx-4090", "rtx-3090", "mi300x", "m2-ultra-192gb", "m3-max-128gb",
    "m4-max-128gb",
    "b200", "gb200", "b300", "h100-nvl", "mi325x", "mi355x", "rtx-pro-6000-blackwell",
    "a100-pcie-80gb", "a100-pcie-40gb", "m1-max-64gb", "m2-max-96gb", "m3-ultra-512gb",
    "dgx-spark", "ryzen-ai-max-plus-395",
}  # fmt: skip

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalog")]


# --- The shipped file -------------------------------------------------------------------------


def test_the_fixture_has_the_promised_gpus_each_with_a_source():
    assert {entry["slug"] for entry in ENTRIES} >= PROMISED
    for entry in ENTRIES:
        assert entry["sources"] and all(url.startswith("https://") for url in entry["sources"])


def test_an_unknown_figure_is_null_and_the_note_says_why():
    for entry in ENTRIES:
        if entry["flops_16bit"] is None or entry["memory_label_gb"] is None:
            assert entry["note"], entry["slug"]


def test_the_fixture_round_trips_exactly(tmp_path):
    out = tmp_path / "gpus.yaml"
    assert export_gpus(out) == len(ENTRIES)
    assert out.read_text(encoding="utf-8") == FIXTURE.read_text(encoding="utf-8")


def test_importing_again_changes_nothing():
    before = list(Accelerator.objects.order_by("slug").values())
    import_gpus(FIXTURE)
    assert list(Accelerator.objects.order_by("slug").values()) == before


# --- What the calculators read ----------------------------------------------------------------


def test_the_h100_is_sized_with_the_bytes_its_driver_reports():
    h100 = chosen_gpu("h100-sxm")
    assert h100.memory_bytes == 81_559 * 2**20 == 85_520_809_984
    assert h100.memory_label == "80GB"
    assert h100.fp8_flops_per_second == 1_979 * 10**12


def test_without_a_driver_figure_the_label_is_read_in_its_unit():
    assert chosen_gpu("l4").memory_bytes == 24 * 2**30
    assert chosen_gpu("b300").memory_bytes == 288_400_343_040  # driver, decimal label


def test_unified_memory_machines_use_their_share():
    m4 = chosen_gpu("m4-max-128gb")
    assert m4.kind == "unified"
    assert m4.usable_memory_bytes == 96 * 2**30


def test_fits_on_reads_the_database_list():
    counts = {fit.gpu.slug: fit.count for fit in fits_on(141_107_412_992, catalog_gpus())}
    assert counts["h100-sxm"] == 2 and counts["h200"] == 1
    assert "gb200" not in counts  # its memory is not settled


def test_an_unknown_slug_is_none_and_the_default_missing_names_gpu():
    assert gpu_by_slug("voodoo2") is None
    with pytest.raises(SizingError) as caught:
        chosen_gpu("voodoo2")
    assert list(caught.value.errors) == ["gpu"]


def test_the_catalog_is_cached_until_content_changes(django_assert_num_queries):
    catalog_gpus()
    with django_assert_num_queries(0):
        assert gpu_by_slug("h100-sxm") is not None
    Accelerator.objects.filter(slug="h100-sxm").update(name="Renamed")  # no signal: still cached
    assert chosen_gpu("h100-sxm").name == "NVIDIA H100 SXM 80GB"
    gpu = Accelerator.objects.get(slug="h100-sxm")
    gpu.save()  # a save moves the content version
    assert chosen_gpu("h100-sxm").name == "Renamed"


def test_form_choices_are_read_when_the_form_is_used():
    Accelerator.objects.create(
        slug="new-card", name="New Card", vendor="X", sources="https://example.com/"
    )
    assert "new-card" in dict(TrainingForm().fields["gpu"].choices)
    assert TrainingForm({"gpu": "new-card", "params": "1000"}).is_valid()
    form = InferenceForm({"gpu": "voodoo2", "model": "llama-3-8b"})
    assert not form.is_valid() and "gpu" in form.errors


# --- The calculators and the API -------------------------------------------------------------


def test_an_unknown_gpu_is_a_400_naming_gpu(client):
    for slug in ("training", "inference"):
        response = client.get(f"/api/v1/sizing/{slug}", {"model": "llama-3-8b", "gpu": "nope"})
        assert response.status_code == 400
        assert list(response.json()["errors"]) == ["gpu"]


def test_a_gpu_without_published_flops_is_a_400_naming_gpu(client):
    response = client.get("/api/v1/sizing/training", {"params": "1000000", "gpu": "mi325x"})
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "gpu": ["AMD Instinct MI325X 256GB: no published dense 16-bit FLOP/s to estimate with."]
    }


def test_the_memory_fit_table_uses_the_catalog(client):
    data = client.get("/api/v1/sizing/memory", {"model": "llama-3-70b"}).json()
    fits = {fit["gpu"]: fit for fit in data["fits_on"]}
    assert fits["h100-sxm"]["memory_bytes"] == 85_520_809_984
    assert "gb200" not in fits and "m3-ultra-512gb" in fits


def test_the_gpu_list(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/api/v1/gpus")
    assert response.status_code == 200
    gpus = response.json()["gpus"]
    assert {gpu["slug"] for gpu in gpus} == {entry["slug"] for entry in ENTRIES}
    h100 = next(gpu for gpu in gpus if gpu["slug"] == "h100-sxm")
    assert h100 == {
        "slug": "h100-sxm",
        "name": "NVIDIA H100 SXM 80GB",
        "vendor": "NVIDIA",
        "kind": "datacenter",
        "memory_label": "80GB",
        "memory_bytes": 85_520_809_984,
        "memory_is_driver_reported": True,
        "usable_memory_bytes": 85_520_809_984,
        "bandwidth_bytes_per_second": 3_350_000_000_000,
        "flops_16bit": 989_500_000_000_000,
        "flops_8bit": 1_979_000_000_000_000,
        "flops_4bit": None,
        "note": h100["note"],
        "sources": ["https://www.nvidia.com/en-us/data-center/h100/"],
    }
    gb200 = next(gpu for gpu in gpus if gpu["slug"] == "gb200")
    assert gb200["memory_bytes"] is None and gb200["usable_memory_bytes"] is None
    assert "superchip" in gb200["note"]


def test_the_gpu_list_only_reads(client):
    assert client.post("/api/v1/gpus").status_code == 405


# --- The admin --------------------------------------------------------------------------------


def test_the_admin_lists_searches_and_filters(admin_client):
    url = reverse("admin:calculators_accelerator_changelist")
    assert "NVIDIA H100 SXM 80GB" in admin_client.get(url).content.decode()
    found = admin_client.get(url, {"q": "MI300X"}).content.decode()
    assert "AMD Instinct MI300X" in found and "H100 SXM" not in found
    unified = admin_client.get(url, {"kind__exact": "unified"}).content.decode()
    assert "Apple M4 Max" in unified and "H100 SXM" not in unified


def test_the_admin_refuses_bad_figures_naming_each_field(admin_client):
    gpu = Accelerator.objects.get(slug="rtx-4090")
    url = reverse("admin:calculators_accelerator_change", args=[gpu.pk])
    form = AdminForm(admin_client.get(url).content.decode(), form_id="accelerator_form")
    form["usable_share"] = "most"
    form["memory_bytes"] = str(24 * 10**12)
    form["sources"] = "the datasheet"
    form["name"] = "Bad\x07name"
    response = admin_client.post(url, form.post_data())
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert set(errors) == {"usable_share", "memory_bytes", "sources", "name"}
    gpu.refresh_from_db()
    assert gpu.name == "NVIDIA GeForce RTX 4090"


def test_an_admin_save_keeps_history_and_reaches_the_calculators(admin_client):
    gpu = Accelerator.objects.get(slug="rtx-4090")
    assert chosen_gpu("rtx-4090").bandwidth_bytes_per_second == 1_008 * 10**9
    url = reverse("admin:calculators_accelerator_change", args=[gpu.pk])
    form = AdminForm(admin_client.get(url).content.decode(), form_id="accelerator_form")
    form["bandwidth_bytes_per_second"] = "1010000000000"
    response = admin_client.post(url, form.post_data())
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Version.objects.get_for_object(gpu).count() >= 1
    assert chosen_gpu("rtx-4090").bandwidth_bytes_per_second == 1_010 * 10**9
