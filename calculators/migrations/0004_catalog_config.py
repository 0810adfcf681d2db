"""The catalog stores each model's config.json instead of flat architecture columns, which
could not describe multi-head latent attention, shared experts, dense first layers or sliding
windows. Existing rows are converted: their columns become the config.json of the family that
has exactly that shape (the count is unchanged; tests/calculators/test_catalog_migration.py
checks it), then the columns go.

Going back writes the columns from what sizing reads in each config; an architecture the
columns cannot hold (MLA, shared experts, sliding windows ...) loses those features, so the
reverse is for undoing this migration right after it ran, not for keeping new models.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations, models

import calculators.plain_text

COLUMNS = (
    "layers", "hidden", "heads", "kv_heads", "head_dim", "ffn", "vocab", "mlp", "norm", "bias",
    "tied", "positions", "experts", "active_experts",
)  # fmt: skip


def config_from_columns(row: dict[str, Any]) -> dict[str, Any] | None:
    """The config.json that sizing reads as the row's architecture, or None when no supported
    family has the shape (then the columns are kept as text in config_note)."""
    heads, hidden = row["heads"], row["hidden"]
    kv_heads = row["kv_heads"] or heads
    head_dim = row["head_dim"] or hidden // heads
    ffn = row["ffn"] or 4 * hidden
    mlp, norm, bias, experts = row["mlp"], row["norm"], row["bias"], row["experts"]
    if mlp == "standard" and norm == "layernorm" and bias == "all" and experts == 1:
        if kv_heads != heads or head_dim * heads != hidden:
            return None
        return {
            "model_type": "gpt2",
            "n_embd": hidden,
            "n_layer": row["layers"],
            "n_head": heads,
            "n_inner": ffn,
            "n_positions": row["positions"] or 1024,
            "vocab_size": row["vocab"],
            "tie_word_embeddings": row["tied"],
        }
    if mlp != "gated" or norm != "rmsnorm" or row["positions"]:
        return None
    core = {
        "hidden_size": hidden,
        "intermediate_size": ffn,
        "num_hidden_layers": row["layers"],
        "num_attention_heads": heads,
        "num_key_value_heads": kv_heads,
        "head_dim": head_dim,
        "vocab_size": row["vocab"],
        "tie_word_embeddings": row["tied"],
    }
    if experts > 1:
        if bias != "none":
            return None
        return {
            "model_type": "mixtral",
            **core,
            "num_local_experts": experts,
            "num_experts_per_tok": row["active_experts"],
            "sliding_window": None,
        }
    if bias == "qkv":
        return {"model_type": "qwen2", **core, "use_sliding_window": False}
    return {
        "model_type": "llama",
        **core,
        "attention_bias": bias == "all",
        "mlp_bias": bias == "all",
    }


def forwards(apps: Any, schema_editor: Any) -> None:
    CatalogModel = apps.get_model("calculators", "CatalogModel")
    for model in CatalogModel.objects.filter(layers__isnull=False):
        row = {name: getattr(model, name) for name in COLUMNS}
        config = config_from_columns(row)
        if config is None:
            model.config_note = "Architecture columns before migration 0004 (no config.json "
            model.config_note += f"family has this shape): {row}"
        else:
            model.config = config
            model.config_origin = "transcribed"
            model.config_source_url = model.source_url
            model.config_note = "Written from the catalog's architecture columns (0004)."
        model.save(update_fields=["config", "config_origin", "config_source_url", "config_note"])


def backwards(apps: Any, schema_editor: Any) -> None:
    from sizing import SizingError, architecture_from_config

    CatalogModel = apps.get_model("calculators", "CatalogModel")
    for model in CatalogModel.objects.filter(config__isnull=False):
        try:
            arch = architecture_from_config(model.config)
        except SizingError:
            continue
        for name in COLUMNS:
            setattr(model, name, getattr(arch, name))
        if model.bias not in ("none", "qkv", "all"):
            model.bias = "all"  # attention-only or MLP-only biases: the columns had no such kind
        model.save(update_fields=list(COLUMNS))


class Migration(migrations.Migration):
    dependencies = [
        ("calculators", "0003_accelerator"),
    ]

    operations = [
        migrations.AddField(
            model_name="catalogmodel",
            name="config",
            field=models.JSONField(
                blank=True,
                help_text="The model's config.json. Leave empty when the architecture is not public.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="catalogmodel",
            name="config_note",
            field=models.TextField(
                blank=True, validators=[calculators.plain_text.refuse_control_characters]
            ),
        ),
        migrations.AddField(
            model_name="catalogmodel",
            name="config_origin",
            field=models.CharField(
                blank=True,
                choices=[
                    ("published", "The published config.json, as the publisher ships it"),
                    ("transcribed", "Transcribed: the keys that matter, read from copies"),
                    ("paper", "Written from the paper: no config.json was published"),
                ],
                help_text="Where config comes from.",
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="catalogmodel",
            name="config_source_url",
            field=models.URLField(
                blank=True,
                max_length=500,
                validators=[calculators.plain_text.refuse_control_characters],
            ),
        ),
        migrations.AddField(
            model_name="catalogmodel",
            name="counting_note",
            field=models.TextField(
                blank=True,
                help_text="How the publisher counts, where it differs from ours (embedding and head counted; routed experts a token does not use left out of active).",
                validators=[calculators.plain_text.refuse_control_characters],
            ),
        ),
        migrations.AddField(
            model_name="catalogmodel",
            name="licence",
            field=models.CharField(
                blank=True,
                max_length=200,
                validators=[calculators.plain_text.refuse_control_characters],
            ),
        ),
        migrations.AddField(
            model_name="catalogmodel",
            name="published_active",
            field=models.BigIntegerField(
                blank=True,
                help_text="The publisher's active-parameter figure for a mixture of experts, if given.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="catalogmodel",
            name="published_wording",
            field=models.CharField(
                blank=True,
                help_text='The size as the publisher words it, e.g. "8B" or "671B total, 37B active".',
                max_length=300,
                validators=[calculators.plain_text.refuse_control_characters],
            ),
        ),
        migrations.AlterField(
            model_name="catalogmodel",
            name="source_url",
            field=models.URLField(
                help_text="Where the published size comes from.",
                max_length=500,
                validators=[calculators.plain_text.refuse_control_characters],
            ),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(
            model_name="catalogmodel",
            name="active_experts",
        ),
        migrations.RemoveField(
            model_name="catalogmodel",
            name="bias",
        ),
        migrations.RemoveField(
            model_name="catalogmodel",
            name="experts",
        ),
        migrations.RemoveField(
            model_name="catalogmodel",
            name="ffn",
        ),
        migrations.RemoveField(
            model_name="catalogmodel",
            name="head_dim",
        ),
        migrations.RemoveField(
            model_name="catalogmodel",
            name="heads",
        ),
        migrations.RemoveField(
            model_name="catalogmodel",
            name="hidden",
        ),
        migrations.RemoveField(
            model_name="catalogmodel",
            name="kv_heads",
        ),
        migrations.RemoveField(
            model_name="catalogmodel",
            name="layers",
        ),
        migrations.RemoveField(
            model_name="catalogmodel",
            name="mlp",
        ),
        migrations.RemoveField(
            model_name="catalogmodel",
            name="norm",
        ),
        migrations.RemoveField(
            model_name="catalogmodel",
            name="positions",
        ),
        migrations.RemoveField(
            model_name="catalogmodel",
            name="tied",
        ),
        migrations.RemoveField(
            model_name="catalogmodel",
            name="vocab",
        ),
    ]
