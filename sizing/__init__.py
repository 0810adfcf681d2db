"""The numbers behind AI models: parameters, memory, compute, hardware.

Pure, typed Python with exact integer arithmetic for counts and bytes; no Django, no
I/O. Every function raises ``SizingError`` (with per-field messages) on bad input.
"""

from sizing.architecture import (
    Architecture,
    LayerSpec,
    ParameterCount,
    Projection,
    count_parameters,
    layer_projections,
    linear_parameters,
    mlp_parameters,
    projections,
)
from sizing.compute import (
    InferenceSpeed,
    TrainingEstimate,
    chinchilla_loss,
    chinchilla_optimal_tokens,
    decode_tokens_per_second,
    estimate_inference_speed,
    estimate_training,
    prefill_seconds,
    training_flops,
)
from sizing.config_json import (
    SUPPORTED_MODEL_TYPES,
    ConfigReading,
    architecture_from_config,
    read_config,
)
from sizing.formatting import HumanNumber, human_bytes, human_count
from sizing.hardware import Fit, Gpu, apple_gpu_share, fits_on
from sizing.memory import (
    ALL_LINEAR,
    MemoryEstimate,
    MemoryItem,
    WeightsBytes,
    activation_bytes,
    estimate_memory,
    kv_cache_bytes,
    kv_cache_elements,
    lora_parameters,
    split_weights_bytes,
)
from sizing.precision import (
    DTYPES,
    KV_CACHE_DTYPES,
    Dtype,
    default_kv_dtype,
    get_dtype,
    get_kv_dtype,
    weights_bytes,
)
from sizing.validation import SizingError

__all__ = [
    "ALL_LINEAR",
    "DTYPES",
    "KV_CACHE_DTYPES",
    "SUPPORTED_MODEL_TYPES",
    "Architecture",
    "ConfigReading",
    "Dtype",
    "Fit",
    "Gpu",
    "HumanNumber",
    "InferenceSpeed",
    "LayerSpec",
    "MemoryEstimate",
    "MemoryItem",
    "ParameterCount",
    "Projection",
    "SizingError",
    "TrainingEstimate",
    "WeightsBytes",
    "activation_bytes",
    "architecture_from_config",
    "chinchilla_loss",
    "chinchilla_optimal_tokens",
    "count_parameters",
    "decode_tokens_per_second",
    "default_kv_dtype",
    "estimate_inference_speed",
    "estimate_memory",
    "estimate_training",
    "fits_on",
    "get_dtype",
    "apple_gpu_share",
    "get_kv_dtype",
    "human_bytes",
    "human_count",
    "kv_cache_bytes",
    "kv_cache_elements",
    "layer_projections",
    "linear_parameters",
    "lora_parameters",
    "mlp_parameters",
    "prefill_seconds",
    "projections",
    "read_config",
    "split_weights_bytes",
    "training_flops",
    "weights_bytes",
]
