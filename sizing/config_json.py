"""A Hugging Face ``config.json`` (already parsed into a dict) read as an ``Architecture``.

Each supported ``model_type`` is read the way transformers' own configuration class and
model code read it (transformers 5.x, ``models/<family>/configuration_*.py`` and
``modeling_*.py``): a key that is missing takes transformers' default for that family, so
the architecture is the one ``AutoModelForCausalLM.from_config`` would build, and the count
equals its parameters (tests/sizing cross-checks every family on the meta device). Three
keys are required all the same: ``hidden_size``, ``num_hidden_layers`` and
``num_attention_heads`` (``n_embd``, ``n_layer``, ``n_head`` for GPT-2). transformers has
defaults for them too, but a file without them is not a model's config, and answering
with the default model's size would be answering a question nobody asked.

Every number read is bounded, and every problem is a ``SizingError`` naming the key as it
appears in the file (``text_config.num_hidden_layers`` inside a multimodal config).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final, cast

from sizing.architecture import (
    MAX_EXPERTS,
    MAX_FFN,
    MAX_HEAD_DIM,
    MAX_HEADS,
    MAX_HIDDEN,
    MAX_LAYERS,
    MAX_POSITIONS,
    MAX_RANK,
    MAX_VOCAB,
    MAX_WINDOW,
    Architecture,
    AttentionKind,
)
from sizing.validation import FieldErrors, SizingError

TRANSFORMERS_DOCS: Final = "https://huggingface.co/docs/transformers/main/en/model_doc/"

# Multimodal wrappers whose text model is counted; their vision towers are not.
MULTIMODAL: Final = {
    "gemma3": "the SigLIP vision tower and the multimodal projector",
    "llama4": "the vision encoder and the multimodal projector",
}
# Same architecture under another name: Kimi K2 ships DeepSeek-V3's model code.
ALIASES: Final = {"kimi_k2": "deepseek_v3"}

_MISSING: Final = object()
# Config keys whose name in our Architecture differs, per family, so that an error the
# Architecture raises names the key in the file.
_KeyMap = dict[str, str]


@dataclass(frozen=True)
class ConfigReading:
    """What a config.json says: the architecture, the ``model_type`` it was read as (the
    text model's, for a multimodal config) and notes on what the count leaves out."""

    architecture: Architecture
    model_type: str
    notes: tuple[str, ...]


def read_config(config: Mapping[str, Any]) -> ConfigReading:
    """Read ``config`` (a parsed config.json) for one of ``SUPPORTED_MODEL_TYPES``.

    >>> reading = read_config({"model_type": "llama", "hidden_size": 4096,
    ...     "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8,
    ...     "intermediate_size": 14336, "vocab_size": 128256})
    >>> from sizing import count_parameters
    >>> count_parameters(reading.architecture).total
    8030261248
    >>> try:
    ...     read_config({"model_type": "bert"})
    ... except SizingError as error:
    ...     print(error.field, error.message.split(";")[0])
    model_type 'bert' is not supported
    """
    if not isinstance(config, Mapping):
        raise SizingError("config", "must be a JSON object")
    model_type = config.get("model_type")
    if not isinstance(model_type, str) or not model_type:
        raise SizingError("model_type", "missing: a config.json names its model_type")
    notes: list[str] = []
    outer: _Keys | None = None
    keys = _Keys(config, "")
    if model_type in MULTIMODAL:
        text = config.get("text_config")
        if not isinstance(text, Mapping):
            raise SizingError("text_config", f"missing: a {model_type} config holds its text model")
        outer = keys
        keys = _Keys(text, "text_config.")
        notes.append(
            f"A multimodal {model_type} config: its text model is counted; "
            f"{MULTIMODAL[model_type]} are not."
        )
        model_type = str(text.get("model_type") or f"{model_type}_text")
        if model_type not in _READERS:
            raise SizingError("text_config.model_type", f"{model_type!r} is not supported")
    if model_type in ALIASES:
        notes.append(f"{model_type} is read as {ALIASES[model_type]}: the same architecture.")
        model_type = ALIASES[model_type]
    reader = _READERS.get(model_type)
    if reader is None:
        raise SizingError("model_type", f"{model_type[:60]!r} is not supported; {_SUPPORTED}")
    fields, keymap = reader(keys, outer, notes)
    keys.errors.raise_if_any()
    quantised = config.get("quantization_config")
    if isinstance(quantised, Mapping) and isinstance(quantised.get("quant_method"), str):
        notes.append(
            f"The checkpoint is quantised ({str(quantised['quant_method'])[:40]}): this counts "
            "parameters; its file size depends on the format of each tensor."
        )
    try:
        architecture = Architecture(**fields)
    except SizingError as error:
        raise SizingError.from_errors(
            {keys.prefix + keymap.get(field, field): msgs for field, msgs in error.errors.items()}
        ) from None
    return ConfigReading(architecture, model_type, tuple(notes))


def architecture_from_config(config: Mapping[str, Any]) -> Architecture:
    """The ``Architecture`` of a parsed config.json (``read_config`` also gives notes)."""
    return read_config(config).architecture


class _Keys:
    """Typed, bounded reads of one config object, collecting every error."""

    def __init__(self, config: Mapping[str, Any], prefix: str) -> None:
        self.config, self.prefix = config, prefix
        self.errors = FieldErrors()

    def has(self, key: str) -> bool:
        return self.config.get(key) is not None

    def integer(
        self, key: str, default: object = _MISSING, *, minimum: int = 1, maximum: int
    ) -> int:
        """An integer in [minimum, maximum]; ``default`` when missing or null (else an
        error naming the key). Returns ``minimum`` after an error, to go on checking."""
        value = self.config.get(key)
        if value is None:
            if default is _MISSING:
                self.errors.add(self.prefix + key, "missing")
                return minimum
            value = default
        if not self.errors.integer(self.prefix + key, value, minimum=minimum, maximum=maximum):
            return minimum
        return cast(int, value)  # checked just above

    def optional_integer(self, key: str, *, minimum: int = 1, maximum: int) -> int | None:
        if self.config.get(key) is None:
            return None
        return self.integer(key, minimum=minimum, maximum=maximum)

    def flag(self, key: str, default: bool) -> bool:
        value = self.config.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.errors.add(self.prefix + key, "must be true or false")
            return default
        return value

    def integers(self, key: str, *, maximum: int) -> list[int] | None:
        """A list of integers from 0 to ``maximum``, or None when missing or null."""
        value = self.config.get(key)
        if value is None:
            return None
        if not isinstance(value, list) or len(value) > MAX_LAYERS:
            self.errors.add(self.prefix + key, f"must be a list of at most {MAX_LAYERS:,} numbers")
            return None
        for item in value:
            if isinstance(item, bool) or not isinstance(item, int) or not 0 <= item <= maximum:
                self.errors.add(self.prefix + key, f"must hold whole numbers from 0 to {maximum:,}")
                return None
        return list(value)

    def layer_types(self, layers: int) -> list[AttentionKind] | None:
        """transformers' ``layer_types``: one of full_attention, sliding_attention,
        chunked_attention per layer."""
        value = self.config.get("layer_types")
        if value is None:
            return None
        kinds: dict[object, AttentionKind] = {
            "full_attention": "full",
            "sliding_attention": "sliding",
            "chunked_attention": "chunked",
        }
        if not isinstance(value, list) or len(value) != layers:
            self.errors.add(
                self.prefix + "layer_types", f"must list one attention type per layer ({layers:,})"
            )
            return None
        if any(not isinstance(item, str) or item not in kinds for item in value):
            self.errors.add(
                self.prefix + "layer_types", f"each must be one of: {', '.join(map(str, kinds))}"
            )
            return None
        return [kinds[item] for item in value]


def _core(keys: _Keys, *, vocab: int, ffn: int | None, kv_heads: int | None) -> dict[str, Any]:
    """The sizes every family has, under transformers' usual names, with that family's
    defaults for the optional ones (None: the key is required)."""
    heads = keys.integer("num_attention_heads", maximum=MAX_HEADS)
    fields: dict[str, Any] = {
        "hidden": keys.integer("hidden_size", maximum=MAX_HIDDEN),
        "layers": keys.integer("num_hidden_layers", maximum=MAX_LAYERS),
        "heads": heads,
        "vocab": keys.integer("vocab_size", vocab, maximum=MAX_VOCAB),
        "kv_heads": keys.integer(
            "num_key_value_heads", heads if kv_heads is None else kv_heads, maximum=MAX_HEADS
        ),
    }
    if ffn is not None:
        fields["ffn"] = keys.integer("intermediate_size", ffn, maximum=MAX_FFN)
    return fields


_CORE_KEYS: Final[_KeyMap] = {
    "hidden": "hidden_size",
    "layers": "num_hidden_layers",
    "heads": "num_attention_heads",
    "vocab": "vocab_size",
    "kv_heads": "num_key_value_heads",
    "head_dim": "head_dim",
    "ffn": "intermediate_size",
    "tied": "tie_word_embeddings",
    "sliding_window": "sliding_window",
    "layer_attention": "layer_types",
    "bias": "attention_bias",
}


def _head_dim(keys: _Keys, fields: Mapping[str, Any], default: int | None = None) -> int:
    """head_dim, or transformers' fallback hidden_size // num_attention_heads."""
    fallback = fields["hidden"] // max(fields["heads"], 1) if default is None else default
    return keys.integer("head_dim", max(fallback, 1), maximum=MAX_HEAD_DIM)


def _all_or_each(
    kind: AttentionKind, window: int | None
) -> tuple[tuple[AttentionKind, ...], int | None]:
    """Every layer ``kind`` when there is a window (Mistral, Phi-3), else every layer full."""
    return ((kind,), window) if window is not None else (("full",), None)


def _bias(qkv: bool, o: bool, mlp: bool) -> str:
    if qkv and o:
        return "all" if mlp else "attention"
    if qkv:
        return "qkv" if not mlp else "all"  # no family has q/k/v and MLP biases without o
    return "mlp" if mlp else "none"


_Reader = Callable[[_Keys, "_Keys | None", list[str]], tuple[dict[str, Any], _KeyMap]]


def _gpt2(keys: _Keys, outer: _Keys | None, notes: list[str]) -> tuple[dict[str, Any], _KeyMap]:
    # GPT2Config: n_embd, n_layer, n_head, n_positions 1024, n_inner None (4 × n_embd),
    # tie_word_embeddings True; every linear layer and LayerNorm has a bias.
    hidden = keys.integer("n_embd", maximum=MAX_HIDDEN)
    inner = keys.optional_integer("n_inner", maximum=MAX_FFN)
    fields = {
        "hidden": hidden,
        "layers": keys.integer("n_layer", maximum=MAX_LAYERS),
        "heads": keys.integer("n_head", maximum=MAX_HEADS),
        "vocab": keys.integer("vocab_size", 50257, maximum=MAX_VOCAB),
        "positions": keys.integer("n_positions", 1024, maximum=MAX_POSITIONS),
        "ffn": 4 * hidden if inner is None else inner,
        "mlp": "standard",
        "norm": "layernorm",
        "bias": "all",
        "tied": keys.flag("tie_word_embeddings", True),
    }
    keymap = {
        "hidden": "n_embd",
        "layers": "n_layer",
        "heads": "n_head",
        "vocab": "vocab_size",
        "positions": "n_positions",
        "ffn": "n_inner",
        "tied": "tie_word_embeddings",
    }
    return fields, keymap


def _llama(keys: _Keys, outer: _Keys | None, notes: list[str]) -> tuple[dict[str, Any], _KeyMap]:
    # LlamaConfig: vocab 32000, intermediate 11008, kv = heads, head_dim hidden // heads,
    # attention_bias (q, k, v and o) and mlp_bias False, untied.
    fields = _core(keys, vocab=32000, ffn=11008, kv_heads=None)
    fields["head_dim"] = _head_dim(keys, fields)
    attention = keys.flag("attention_bias", False)
    fields["bias"] = _bias(attention, attention, keys.flag("mlp_bias", False))
    fields["tied"] = keys.flag("tie_word_embeddings", False)
    return fields, _CORE_KEYS


def _mistral(keys: _Keys, outer: _Keys | None, notes: list[str]) -> tuple[dict[str, Any], _KeyMap]:
    # MistralConfig: intermediate 14336, kv 8, sliding_window 4096 on every layer unless
    # the file says null (v0.1 has 4096; v0.3 and Mistral Small 3 have null).
    return _mistral_like(keys, window_default=4096)


def _mixtral(keys: _Keys, outer: _Keys | None, notes: list[str]) -> tuple[dict[str, Any], _KeyMap]:
    # MixtralConfig: like Mistral, with 8 experts (num_local_experts), top-2, a bias-free
    # router; sliding_window defaults to null.
    fields, keymap = _mistral_like(keys, window_default=None)
    fields["experts"] = keys.integer("num_local_experts", 8, maximum=MAX_EXPERTS)
    fields["active_experts"] = keys.integer("num_experts_per_tok", 2, maximum=MAX_EXPERTS)
    return fields, {
        **keymap,
        "experts": "num_local_experts",
        "active_experts": "num_experts_per_tok",
    }


def _mistral_like(keys: _Keys, window_default: int | None) -> tuple[dict[str, Any], _KeyMap]:
    fields = _core(keys, vocab=32000, ffn=14336, kv_heads=8)
    fields["head_dim"] = _head_dim(keys, fields)
    fields["tied"] = keys.flag("tie_word_embeddings", False)
    window = keys.optional_integer("sliding_window", maximum=MAX_WINDOW)
    fields["layer_attention"], fields["sliding_window"] = _all_or_each(
        "sliding", window if "sliding_window" in keys.config else window_default
    )
    return fields, _CORE_KEYS


def _qwen_layer_types(keys: _Keys, fields: dict[str, Any], *, alternate: bool) -> None:
    """Qwen's sliding windows: off unless use_sliding_window; then the layers from
    max_window_layers on (Qwen2, Qwen3), or every other layer below it (Qwen2-MoE)."""
    layers = fields["layers"]
    explicit = keys.layer_types(layers)
    use = keys.flag("use_sliding_window", False)
    # transformers drops the window unless use_sliding_window, whatever layer_types say.
    window = keys.integer("sliding_window", 4096, maximum=MAX_WINDOW) if use else None
    first = keys.integer("max_window_layers", 28, minimum=0, maximum=MAX_LAYERS)
    kinds: list[AttentionKind] = explicit or [
        "sliding" if use and ((i + 1) % 2 and i < first if alternate else i >= first) else "full"
        for i in range(layers)
    ]
    sliding = window is not None and "sliding" in kinds
    fields["layer_attention"] = tuple(kinds) if sliding else ("full",)
    fields["sliding_window"] = window if sliding else None


def _qwen2(keys: _Keys, outer: _Keys | None, notes: list[str]) -> tuple[dict[str, Any], _KeyMap]:
    # Qwen2Config: vocab 151936, intermediate 22016, kv 32; q, k and v always have biases.
    fields = _core(keys, vocab=151936, ffn=22016, kv_heads=32)
    fields["head_dim"] = _head_dim(keys, fields)
    fields["bias"] = "qkv"
    fields["tied"] = keys.flag("tie_word_embeddings", False)
    _qwen_layer_types(keys, fields, alternate=False)
    return fields, _CORE_KEYS


def _qwen2_moe(
    keys: _Keys, outer: _Keys | None, notes: list[str]
) -> tuple[dict[str, Any], _KeyMap]:
    # Qwen2MoeConfig: 60 experts of 1408, top-4, a shared expert of 5632 behind a
    # hidden × 1 gate; a layer is sparse unless in mlp_only_layers or off the
    # decoder_sparse_step; q, k, v biases unless qkv_bias is false.
    fields = _core(keys, vocab=151936, ffn=5632, kv_heads=16)
    fields["head_dim"] = _head_dim(keys, fields)
    fields["bias"] = "qkv" if keys.flag("qkv_bias", True) else "none"
    fields["tied"] = keys.flag("tie_word_embeddings", False)
    _qwen_layer_types(keys, fields, alternate=True)
    _qwen_experts(keys, fields, experts=60, top=4, width=1408)
    if fields.get("experts", 1) > 1:
        fields["shared_ffn"] = keys.integer(
            "shared_expert_intermediate_size", 5632, minimum=0, maximum=MAX_FFN
        )
        fields["shared_expert_gate"] = True
    return fields, {**_CORE_KEYS, **_QWEN_MOE_KEYS, "shared_ffn": "shared_expert_intermediate_size"}


_QWEN_MOE_KEYS: Final[_KeyMap] = {
    "experts": "num_experts",
    "active_experts": "num_experts_per_tok",
    "expert_ffn": "moe_intermediate_size",
    "dense_layers": "mlp_only_layers",
}


def _qwen_experts(
    keys: _Keys, fields: dict[str, Any], *, experts: int, top: int, width: int
) -> None:
    count = keys.integer("num_experts", experts, minimum=0, maximum=MAX_EXPERTS)
    if count == 1:
        keys.errors.add(keys.prefix + "num_experts", "must be 0 (dense) or at least 2")
    step = keys.integer("decoder_sparse_step", 1, maximum=MAX_LAYERS)
    dense_only = keys.integers("mlp_only_layers", maximum=MAX_LAYERS) or []
    layers = fields["layers"]
    dense = [i for i in range(layers) if i in dense_only or (i + 1) % step]
    if count < 2 or len(dense) == layers:
        return  # every layer dense: intermediate_size throughout
    fields["experts"] = count
    fields["active_experts"] = keys.integer("num_experts_per_tok", top, maximum=MAX_EXPERTS)
    fields["expert_ffn"] = keys.integer("moe_intermediate_size", width, maximum=MAX_FFN)
    fields["dense_layers"] = tuple(dense)


def _qwen3(keys: _Keys, outer: _Keys | None, notes: list[str]) -> tuple[dict[str, Any], _KeyMap]:
    # Qwen3Config: head_dim 128 (not hidden // heads), kv 32, q and k norms of head_dim,
    # attention_bias (q, k, v and o) False.
    fields = _core(keys, vocab=151936, ffn=22016, kv_heads=32)
    fields["head_dim"] = _head_dim(keys, fields, default=128)
    attention = keys.flag("attention_bias", False)
    fields["bias"] = _bias(attention, attention, False)
    fields["qk_norm"] = True
    fields["tied"] = keys.flag("tie_word_embeddings", False)
    _qwen_layer_types(keys, fields, alternate=False)
    return fields, _CORE_KEYS


def _qwen3_moe(
    keys: _Keys, outer: _Keys | None, notes: list[str]
) -> tuple[dict[str, Any], _KeyMap]:
    # Qwen3MoeConfig: 128 experts of 768, top-8, no shared expert, kv 4, head_dim from
    # the file or hidden // heads, q and k norms; one sliding window for every layer when
    # use_sliding_window (the model reads config.sliding_window, not layer_types).
    fields = _core(keys, vocab=151936, ffn=6144, kv_heads=4)
    fields["head_dim"] = _head_dim(keys, fields)
    attention = keys.flag("attention_bias", False)
    fields["bias"] = _bias(attention, attention, False)
    fields["qk_norm"] = True
    fields["tied"] = keys.flag("tie_word_embeddings", False)
    window = (
        keys.integer("sliding_window", 4096, maximum=MAX_WINDOW)
        if keys.flag("use_sliding_window", False)
        else None
    )
    fields["layer_attention"], fields["sliding_window"] = _all_or_each("sliding", window)
    _qwen_experts(keys, fields, experts=128, top=8, width=768)
    return fields, {**_CORE_KEYS, **_QWEN_MOE_KEYS}


def _gemma(keys: _Keys, outer: _Keys | None, notes: list[str]) -> tuple[dict[str, Any], _KeyMap]:
    # GemmaConfig: vocab 256000, head_dim 256, kv 16, tied.
    fields = _core(keys, vocab=256000, ffn=24576, kv_heads=16)
    fields["head_dim"] = _head_dim(keys, fields, default=256)
    attention = keys.flag("attention_bias", False)
    fields["bias"] = _bias(attention, attention, False)
    fields["tied"] = keys.flag("tie_word_embeddings", True)
    notes.append(_GEMMA_SCALE)
    return fields, _CORE_KEYS


_GEMMA_SCALE: Final = (
    "Gemma multiplies the embeddings by √hidden_size: a constant, not a parameter."
)


def _gemma2(keys: _Keys, outer: _Keys | None, notes: list[str]) -> tuple[dict[str, Any], _KeyMap]:
    # Gemma2Config: four norms per layer, sliding windows of 4096 on every other layer
    # (layer_types: sliding where (i + 1) % 2), head_dim 256, kv 4, tied.
    fields = _core(keys, vocab=256000, ffn=9216, kv_heads=4)
    _gemma_layers(keys, outer, fields, pattern=2, window=4096, head_dim=256)
    notes.append(_GEMMA_SCALE)
    return fields, _CORE_KEYS


def _gemma3_text(
    keys: _Keys, outer: _Keys | None, notes: list[str]
) -> tuple[dict[str, Any], _KeyMap]:
    # Gemma3TextConfig: as Gemma 2, plus q and k norms; vocab 262208; five sliding layers
    # (sliding_window 4096) for each full one (sliding_window_pattern 6).
    fields = _core(keys, vocab=262208, ffn=9216, kv_heads=4)
    pattern = keys.integer("sliding_window_pattern", 6, maximum=MAX_LAYERS)
    _gemma_layers(keys, outer, fields, pattern=pattern, window=4096, head_dim=256)
    fields["qk_norm"] = True
    notes.append(_GEMMA_SCALE)
    return fields, {**_CORE_KEYS, "layer_attention": "layer_types"}


def _gemma_layers(
    keys: _Keys,
    outer: _Keys | None,
    fields: dict[str, Any],
    *,
    pattern: int,
    window: int,
    head_dim: int,
) -> None:
    fields["head_dim"] = _head_dim(keys, fields, default=head_dim)
    attention = keys.flag("attention_bias", False)
    fields["bias"] = _bias(attention, attention, False)
    fields["layer_norms"] = 4
    # A multimodal Gemma 3 ties its head by the outer config's flag (its lm_head is the
    # language model's embedding when tie_word_embeddings is true, the default).
    tie = keys.flag("tie_word_embeddings", True)
    fields["tied"] = outer.flag("tie_word_embeddings", True) if outer else tie
    layers = fields["layers"]
    explicit = keys.layer_types(layers)
    kinds: list[AttentionKind] = explicit or [
        "sliding" if (i + 1) % pattern else "full" for i in range(layers)
    ]
    sliding = "sliding" in kinds
    size = (
        keys.optional_integer("sliding_window", maximum=MAX_WINDOW)
        if "sliding_window" in keys.config
        else window
    )
    fields["layer_attention"] = tuple(kinds) if sliding else ("full",)
    fields["sliding_window"] = size if sliding else None


def _phi3(keys: _Keys, outer: _Keys | None, notes: list[str]) -> tuple[dict[str, Any], _KeyMap]:
    # Phi3Config: vocab 32064, intermediate 8192, kv = heads, untied, sliding_window on
    # every layer when set (Phi-3-mini: 2047). q, k, v are one fused matrix and gate, up
    # another: the same number of parameters as separate ones.
    fields = _core(keys, vocab=32064, ffn=8192, kv_heads=None)
    fields["head_dim"] = _head_dim(keys, fields)
    fields["tied"] = keys.flag("tie_word_embeddings", False)
    window = keys.optional_integer("sliding_window", maximum=MAX_WINDOW)
    fields["layer_attention"], fields["sliding_window"] = _all_or_each("sliding", window)
    notes.append("Phi-3 fuses q, k, v into one matrix and gate, up into another: same count.")
    return fields, _CORE_KEYS


def _deepseek_v3(
    keys: _Keys, outer: _Keys | None, notes: list[str]
) -> tuple[dict[str, Any], _KeyMap]:
    # DeepseekV3Config: multi-head latent attention (q_lora_rank 1536 or null,
    # kv_lora_rank 512, qk_nope 128, qk_rope 64, v 128), first_k_dense_replace 3 dense
    # layers of 18432, then 256 routed experts of 2048 (top-8) beside n_shared_experts
    # shared ones (one MLP of n_shared × moe_intermediate_size).
    fields = _core(keys, vocab=129280, ffn=18432, kv_heads=128)
    layers = fields["layers"]
    q_rank = keys.config.get("q_lora_rank", 1536)
    fields["q_lora_rank"] = (
        0 if q_rank is None else keys.integer("q_lora_rank", 1536, maximum=MAX_RANK)
    )
    fields["kv_lora_rank"] = keys.integer("kv_lora_rank", 512, maximum=MAX_RANK)
    fields["qk_nope_head_dim"] = keys.integer("qk_nope_head_dim", 128, minimum=0, maximum=MAX_RANK)
    fields["qk_rope_head_dim"] = keys.integer("qk_rope_head_dim", 64, maximum=MAX_RANK)
    fields["v_head_dim"] = keys.integer("v_head_dim", 128, maximum=MAX_RANK)
    attention = keys.flag("attention_bias", False)
    fields["bias"] = _bias(attention, attention, False)
    fields["tied"] = keys.flag("tie_word_embeddings", False)
    first_dense = keys.integer("first_k_dense_replace", 3, minimum=0, maximum=MAX_LAYERS)
    if first_dense < layers:
        routed = keys.integer("n_routed_experts", 256, minimum=2, maximum=MAX_EXPERTS)
        fields["experts"] = routed
        fields["active_experts"] = keys.integer("num_experts_per_tok", 8, maximum=MAX_EXPERTS)
        width = keys.integer("moe_intermediate_size", 2048, maximum=MAX_FFN)
        fields["expert_ffn"] = width
        shared = keys.integer("n_shared_experts", 1, minimum=0, maximum=MAX_EXPERTS)
        fields["shared_ffn"] = shared * width
        fields["dense_layers"] = tuple(range(min(first_dense, layers)))
    mtp = keys.integer("num_nextn_predict_layers", 1, minimum=0, maximum=MAX_LAYERS)
    if mtp:
        notes.append(
            f"The multi-token-prediction module ({mtp} extra layer"
            f"{'s' if mtp > 1 else ''} in the checkpoint) is not counted: transformers does "
            "not load it, and DeepSeek's 671B leaves it out (its 685B includes it)."
        )
    notes.append(
        "The routers' score-correction biases (one per expert and MoE layer) are buffers in "
        "transformers, not parameters, and are not counted."
    )
    keymap = {
        **_CORE_KEYS,
        "experts": "n_routed_experts",
        "active_experts": "num_experts_per_tok",
        "expert_ffn": "moe_intermediate_size",
        "shared_ffn": "n_shared_experts",
        "dense_layers": "first_k_dense_replace",
    }
    return fields, keymap


def _gpt_oss(keys: _Keys, outer: _Keys | None, notes: list[str]) -> tuple[dict[str, Any], _KeyMap]:
    # GptOssConfig: 128 experts (num_local_experts) of 2880 with biases, top-4, a router
    # with a bias, attention sinks, q/k/v/o biases (attention_bias True), head_dim 64,
    # kv 8; sliding windows of 128 on every other layer.
    fields = _core(keys, vocab=201088, ffn=2880, kv_heads=8)
    fields["head_dim"] = _head_dim(keys, fields, default=64)
    attention = keys.flag("attention_bias", True)
    fields["bias"] = _bias(attention, attention, True)
    fields["tied"] = keys.flag("tie_word_embeddings", False)
    fields["experts"] = keys.integer("num_local_experts", 128, minimum=2, maximum=MAX_EXPERTS)
    fields["active_experts"] = keys.integer("num_experts_per_tok", 4, maximum=MAX_EXPERTS)
    fields["router_bias"] = True
    fields["attention_sinks"] = True
    layers = fields["layers"]
    kinds: list[AttentionKind] = keys.layer_types(layers) or [
        "sliding" if (i + 1) % 2 else "full" for i in range(layers)
    ]
    window = (
        keys.optional_integer("sliding_window", maximum=MAX_WINDOW)
        if "sliding_window" in keys.config
        else 128
    )
    sliding = "sliding" in kinds and window is not None
    fields["layer_attention"] = tuple(kinds) if sliding else ("full",)
    fields["sliding_window"] = window if sliding else None
    notes.append(
        "OpenAI's published active counts (5.1B for gpt-oss-120b, 3.6B for 20b) leave out "
        "the embedding; ours include it and the output head."
    )
    keymap = {**_CORE_KEYS, "experts": "num_local_experts", "active_experts": "num_experts_per_tok"}
    return fields, keymap


def _llama4_text(
    keys: _Keys, outer: _Keys | None, notes: list[str]
) -> tuple[dict[str, Any], _KeyMap]:
    # Llama4TextConfig: 16 routed experts of intermediate_size 8192 (top-1) beside one
    # shared expert of the same width on the moe_layers (every interleave_moe_layer_step-th
    # layer), dense layers of intermediate_size_mlp 16384; chunked attention (8192) on the
    # RoPE layers, full attention on the NoPE ones (every 4th); its q/k norm is an L2 norm
    # without weights.
    fields = _core(keys, vocab=202048, ffn=None, kv_heads=8)
    layers = fields["layers"]
    fields["head_dim"] = _head_dim(keys, fields, default=128)
    attention = keys.flag("attention_bias", False)
    fields["bias"] = _bias(attention, attention, False)
    fields["tied"] = keys.flag("tie_word_embeddings", False)
    width = keys.integer("intermediate_size", 8192, maximum=MAX_FFN)
    fields["ffn"] = keys.integer("intermediate_size_mlp", 16384, maximum=MAX_FFN)
    step = keys.integer("interleave_moe_layer_step", 1, maximum=MAX_LAYERS)
    moe = keys.integers("moe_layers", maximum=MAX_LAYERS)
    moe_layers = set(range(step - 1, layers, step) if moe is None else moe)
    experts = keys.integer("num_local_experts", 16, minimum=1, maximum=MAX_EXPERTS)
    if moe_layers & set(range(layers)):
        if experts < 2:
            keys.errors.add(keys.prefix + "num_local_experts", "must be at least 2")
        fields["experts"] = max(experts, 2)
        fields["active_experts"] = keys.integer("num_experts_per_tok", 1, maximum=MAX_EXPERTS)
        fields["expert_ffn"] = width
        fields["shared_ffn"] = width
        fields["dense_layers"] = tuple(i for i in range(layers) if i not in moe_layers)
    interval = keys.integer("no_rope_layer_interval", 4, maximum=MAX_LAYERS)
    rope = keys.integers("no_rope_layers", maximum=1) or [
        int((i + 1) % interval != 0) for i in range(layers)
    ]
    chunk = (
        keys.optional_integer("attention_chunk_size", maximum=MAX_WINDOW)
        if "attention_chunk_size" in keys.config
        else 8192
    )
    explicit = keys.layer_types(layers)
    if explicit is None and len(rope) != layers:
        keys.errors.add(
            keys.prefix + "no_rope_layers", f"must have one entry per layer ({layers:,})"
        )
        rope = [1] * layers
    kinds: list[AttentionKind] = explicit or [
        "chunked" if uses and chunk is not None else "full" for uses in rope
    ]
    chunked = "chunked" in kinds
    fields["layer_attention"] = tuple(kinds) if chunked else ("full",)
    fields["attention_chunk"] = chunk if chunked else None
    keymap = {
        **_CORE_KEYS,
        "ffn": "intermediate_size_mlp",
        "expert_ffn": "intermediate_size",
        "shared_ffn": "intermediate_size",
        "experts": "num_local_experts",
        "active_experts": "num_experts_per_tok",
        "dense_layers": "moe_layers",
        "attention_chunk": "attention_chunk_size",
    }
    return fields, keymap


_READERS: Final[Mapping[str, _Reader]] = {
    "gpt2": _gpt2,
    "llama": _llama,
    "mistral": _mistral,
    "mixtral": _mixtral,
    "qwen2": _qwen2,
    "qwen2_moe": _qwen2_moe,
    "qwen3": _qwen3,
    "qwen3_moe": _qwen3_moe,
    "gemma": _gemma,
    "gemma2": _gemma2,
    "gemma3_text": _gemma3_text,
    "phi3": _phi3,
    "deepseek_v3": _deepseek_v3,
    "gpt_oss": _gpt_oss,
    "llama4_text": _llama4_text,
}

SUPPORTED_MODEL_TYPES: Final = tuple(_READERS)
_SUPPORTED: Final = (
    f"supported: {', '.join(SUPPORTED_MODEL_TYPES)} (and the multimodal "
    f"{', '.join(MULTIMODAL)}, whose text model is counted)"
)
