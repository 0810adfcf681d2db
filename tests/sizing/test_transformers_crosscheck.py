"""Our counts against Hugging Face transformers' own model classes.

For random small configs of every supported family, and for the real configs in
tests/sizing/configs/, transformers builds the model on PyTorch's meta device (shapes, no
memory) and we sum ``numel()`` over its parameters (``named_parameters`` yields a tied
weight once); that must equal ``count_parameters``' total, and the routed experts a token
does not use must be exactly what separates our total from our active count.

torch and transformers are the ``crosscheck`` extra (``pip install -e ".[crosscheck]"``),
never a dependency of sizing/. Without them these tests skip, except under CI=true, where
.ci/run installs them and their absence is a failure.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path
from typing import Any

import pytest

from sizing import count_parameters
from sizing.config_json import MULTIMODAL, SUPPORTED_MODEL_TYPES, read_config

pytestmark = pytest.mark.crosscheck

if os.environ.get("CI", "").lower() == "true":
    import torch
    import transformers
else:
    torch = pytest.importorskip("torch", reason="the crosscheck extra (torch) is not installed")
    transformers = pytest.importorskip(
        "transformers", reason="the crosscheck extra (transformers) is not installed"
    )

CONFIGS = Path(__file__).parent / "configs"
EXAMPLES_PER_FAMILY = 12


def transformers_counts(config: dict[str, Any]) -> tuple[int, int]:
    """Total parameters of transformers' causal LM for ``config`` (its text model for a
    multimodal config), and the parameters a token runs through: the total less the
    routed experts' share it does not use (experts live under ``.experts.``)."""
    settings = {k: v for k, v in config.items() if k != "model_type"}
    hf_config = transformers.CONFIG_MAPPING[config["model_type"]](**settings)
    if config["model_type"] in MULTIMODAL:
        hf_config = hf_config.text_config
    with torch.device("meta"):
        model = transformers.AutoModelForCausalLM.from_config(hf_config)
    total = routed = 0
    for name, parameter in model.named_parameters():
        total += parameter.numel()
        if ".experts." in name:
            routed += parameter.numel()
    if not routed:
        return total, total
    experts = next(
        getattr(hf_config, key)
        for key in ("num_local_experts", "n_routed_experts", "num_experts")
        if getattr(hf_config, key, None)
    )
    idle = experts - hf_config.num_experts_per_tok
    assert routed * idle % experts == 0
    return total, total - routed * idle // experts


def _common(rng: random.Random) -> dict[str, Any]:
    heads = rng.choice([2, 4, 8])
    kv = rng.choice([k for k in (1, 2, 4, 8) if heads % k == 0])
    return {
        "hidden_size": heads * rng.choice([4, 8, 12]),
        "num_hidden_layers": rng.randint(1, 7),
        "num_attention_heads": heads,
        "num_key_value_heads": kv,
        "intermediate_size": rng.randint(8, 80),
        "vocab_size": rng.randint(32, 300),
        "tie_word_embeddings": rng.random() < 0.5,
        # Token ids inside the small vocabulary (some families default to 32000).
        "pad_token_id": None,
        "bos_token_id": 0,
        "eos_token_id": 1,
    }


def _maybe(rng: random.Random, config: dict[str, Any], key: str, value: Any) -> None:
    """Give ``key`` half the time, so transformers' default for it is tested too."""
    if rng.random() < 0.5:
        config[key] = value


def _sliding(rng: random.Random, config: dict[str, Any]) -> None:
    if rng.random() < 0.5:
        config["use_sliding_window"] = True
        config["sliding_window"] = rng.randint(4, 64)
        config["max_window_layers"] = rng.randint(0, config["num_hidden_layers"])


def random_config(model_type: str, rng: random.Random) -> dict[str, Any]:  # noqa: C901
    config: dict[str, Any] = {"model_type": model_type, **_common(rng)}
    layers = config["num_hidden_layers"]
    if model_type == "gpt2":
        config = {
            "model_type": "gpt2",
            "n_embd": config["hidden_size"],
            "n_layer": layers,
            "n_head": config["num_attention_heads"],
            "vocab_size": config["vocab_size"],
            "n_positions": rng.randint(8, 128),
            "tie_word_embeddings": config["tie_word_embeddings"],
            "bos_token_id": 0,
            "eos_token_id": 1,
        }
        _maybe(rng, config, "n_inner", rng.randint(8, 80))
    elif model_type == "llama":
        _maybe(rng, config, "attention_bias", rng.random() < 0.5)
        _maybe(rng, config, "mlp_bias", rng.random() < 0.5)
        _maybe(rng, config, "head_dim", rng.choice([4, 8, 16]))
    elif model_type in ("mistral", "mixtral"):
        _maybe(rng, config, "head_dim", rng.choice([4, 8, 16]))
        _maybe(rng, config, "sliding_window", rng.choice([None, rng.randint(4, 64)]))
        if model_type == "mixtral":
            experts = rng.randint(2, 8)
            config["num_local_experts"] = experts
            config["num_experts_per_tok"] = rng.randint(1, experts)
    elif model_type in ("qwen2", "qwen3"):
        _sliding(rng, config)
        if model_type == "qwen3":
            config["head_dim"] = rng.choice([4, 8, 16])
            _maybe(rng, config, "attention_bias", rng.random() < 0.5)
    elif model_type in ("qwen2_moe", "qwen3_moe"):
        experts = rng.randint(2, 8)
        config.update(
            num_experts=experts,
            num_experts_per_tok=rng.randint(1, experts),
            moe_intermediate_size=rng.randint(4, 40),
            decoder_sparse_step=rng.choice([1, 1, 2]),
            mlp_only_layers=sorted(rng.sample(range(layers), rng.randint(0, layers - 1))),
        )
        if model_type == "qwen2_moe":
            config["shared_expert_intermediate_size"] = rng.randint(4, 60)
            _maybe(rng, config, "qkv_bias", rng.random() < 0.5)
            _sliding(rng, config)
        else:
            config["head_dim"] = rng.choice([4, 8, 16])
            _maybe(rng, config, "attention_bias", rng.random() < 0.5)
    elif model_type in ("gemma", "gemma2", "gemma3_text"):
        config["head_dim"] = rng.choice([4, 8, 16])
        _maybe(rng, config, "attention_bias", rng.random() < 0.5)
        if model_type != "gemma":
            config["sliding_window"] = rng.randint(4, 64)
        if model_type == "gemma3_text":
            _maybe(rng, config, "sliding_window_pattern", rng.randint(1, 6))
    elif model_type == "phi3":
        _maybe(rng, config, "sliding_window", rng.randint(4, 64))
    elif model_type == "deepseek_v3":
        experts = rng.randint(2, 8)
        config.update(
            n_routed_experts=experts,
            num_experts_per_tok=rng.randint(1, experts),
            n_group=1,
            topk_group=1,
            n_shared_experts=rng.randint(0, 2),
            moe_intermediate_size=rng.randint(4, 40),
            first_k_dense_replace=rng.randint(0, layers),
            q_lora_rank=rng.choice([None, rng.randint(4, 32)]),
            kv_lora_rank=rng.randint(4, 32),
            qk_nope_head_dim=rng.choice([4, 8]),
            qk_rope_head_dim=rng.choice([2, 4]),
            v_head_dim=rng.choice([4, 8]),
            attention_bias=rng.random() < 0.3,
        )
        config["num_key_value_heads"] = config["num_attention_heads"]
    elif model_type == "gpt_oss":
        experts = rng.randint(2, 8)
        config.update(
            num_local_experts=experts,
            num_experts_per_tok=rng.randint(1, experts),
            head_dim=rng.choice([4, 8, 16]),
            sliding_window=rng.randint(4, 64),
        )
        _maybe(rng, config, "attention_bias", rng.random() < 0.5)
    elif model_type == "llama4_text":
        experts = rng.randint(2, 8)
        config.update(
            num_local_experts=experts,
            num_experts_per_tok=rng.randint(1, experts),
            intermediate_size_mlp=rng.randint(8, 80),
            interleave_moe_layer_step=rng.choice([1, 2]),
            head_dim=rng.choice([4, 8, 16]),
            no_rope_layer_interval=rng.choice([2, 4]),
            attention_chunk_size=rng.choice([None, rng.randint(4, 64)]),
        )
        _maybe(rng, config, "attention_bias", rng.random() < 0.5)
    return config


CASES = [
    (model_type, seed)
    for model_type in SUPPORTED_MODEL_TYPES
    for seed in range(EXAMPLES_PER_FAMILY)
]


@pytest.mark.parametrize(("model_type", "seed"), CASES, ids=[f"{m}-{s}" for m, s in CASES])
def test_count_equals_transformers_for_random_configs(model_type, seed):
    config = random_config(model_type, random.Random(f"{model_type}-{seed}"))
    count = count_parameters(read_config(config).architecture)
    assert (count.total, count.active) == transformers_counts(config), config


REAL = sorted(CONFIGS.glob("*.json"))


@pytest.mark.parametrize("path", REAL, ids=[path.stem for path in REAL])
def test_count_equals_transformers_for_real_configs(path):
    config = {k: v for k, v in json.loads(path.read_text()).items() if not k.startswith("_")}
    count = count_parameters(read_config(config).architecture)
    assert (count.total, count.active) == transformers_counts(config)
