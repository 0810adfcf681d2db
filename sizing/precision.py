"""Number formats for weights, with bits per weight as exact fractions.

Plain types store every weight in the same number of bits. Block formats (GGUF's q8_0,
q4_k, iq4_xs, ..., the microscaling MXFP4 and NVFP4, and QLoRA's NF4) store small numbers
plus a scale per block, so their bits per weight come exactly from the block layout.
llama.cpp's "mixes" (q4_k_m, ...) put different tensors in different block types; their
figure is a measured average and is marked approximate. ``mxfp4_moe`` is a mix by tensor
role: a mixture of experts' routed experts in MXFP4, the rest in q8_0 (``Dtype.experts``
names the experts' format).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from types import MappingProxyType
from typing import Final

from sizing.validation import SizingError, check_integer

LLAMA_CPP_BLOCKS: Final = "https://github.com/ggml-org/llama.cpp/blob/master/ggml/src/ggml-common.h"
LLAMA_CPP_QUANTIZE: Final = (
    "https://github.com/ggml-org/llama.cpp/blob/master/tools/quantize/quantize.cpp"
)
QLORA_PAPER: Final = "https://arxiv.org/abs/2305.14314"
LLAMA_CPP_QUANT_ROLES: Final = (
    "https://github.com/ggml-org/llama.cpp/blob/master/src/llama-quant.cpp"
)
OCP_MX_SPEC: Final = (
    "https://www.opencompute.org/documents/ocp-microscaling-formats-mx-v1-0-spec-final-pdf"
)
NVFP4_BLOG: Final = (
    "https://developer.nvidia.com/blog/"
    "introducing-nvfp4-for-efficient-and-accurate-low-precision-inference/"
)


@dataclass(frozen=True)
class Dtype:
    """How weights are stored. ``bits`` is bits per weight (averaged over a block for
    block formats); ``exact`` is False when ``bits`` is a measured average."""

    name: str
    bits: Fraction
    exact: bool
    note: str
    source: str = ""
    # A mix by tensor role (llama.cpp's mxfp4_moe): the format a mixture of experts'
    # routed-expert matrices take; ``bits`` is then the format of everything else.
    experts: str = ""

    @property
    def is_float16_or_wider(self) -> bool:
        """fp16, bf16 or fp32: a format training keeps weights and gradients in."""
        return self.name in ("fp32", "fp16", "bf16")


def _plain(name: str, bits: int, note: str) -> Dtype:
    return Dtype(name, Fraction(bits), exact=True, note=note)


def _block(
    name: str,
    block_bytes: int,
    block_weights: int,
    layout: str,
    *,
    kind: str = "GGUF block",
    source: str = LLAMA_CPP_BLOCKS,
) -> Dtype:
    return Dtype(
        name,
        Fraction(8 * block_bytes, block_weights),
        exact=True,
        note=f"{kind} of {block_weights} weights in {block_bytes} bytes: {layout}",
        source=source,
    )


# llama.cpp's quantize tool lists each mix's file size for Llama-3-8B (8,030,261,248
# parameters) in GiB; bits per weight = size × 2^30 × 8 ÷ parameters, to two decimals.
_LLAMA3_8B_PARAMS: Final = 8_030_261_248


def _mix(name: str, llama3_8b_gib: str, blocks: str) -> Dtype:
    bits = round(Fraction(llama3_8b_gib) * 2**33 / _LLAMA3_8B_PARAMS, 2)
    return Dtype(
        name,
        bits,
        exact=False,
        note=(
            f"llama.cpp mix ({blocks}; output tensor q6_k): about {float(bits):.2f} bits per "
            f"weight, from its {llama3_8b_gib} GiB Llama-3-8B file; varies a little by model"
        ),
        source=LLAMA_CPP_QUANTIZE,
    )


# K-quant super-blocks hold 256 weights (QK_K in ggml-common.h).
_QK_K: Final = 256

_ALL: Final = (
    _plain("fp32", 32, "IEEE 754 single precision"),
    _plain("fp16", 16, "IEEE 754 half precision"),
    _plain("bf16", 16, "bfloat16: fp32's exponent range in 16 bits"),
    _plain("fp8", 8, "8-bit float (E4M3 or E5M2); per-tensor scales not counted"),
    _plain("int8", 8, "8-bit integers; per-channel scales not counted"),
    _plain("int4", 4, "4-bit integers; group scales (GPTQ, AWQ) not counted"),
    _block("q8_0", 34, 32, "fp16 scale + 32 × int8"),
    _block("q4_0", 18, 32, "fp16 scale + 32 × 4 bits"),
    _block("q4_1", 20, 32, "fp16 scale and minimum + 32 × 4 bits"),
    _block("q5_0", 22, 32, "fp16 scale + 32 high bits + 32 × 4 bits"),
    _block("q5_1", 24, 32, "fp16 scale and minimum + 32 high bits + 32 × 4 bits"),
    _block("q2_k", 84, _QK_K, "16 bytes of scales + 2-bit quants + fp16 d, dmin"),
    _block("q3_k", 110, _QK_K, "high-bit mask + 2-bit quants + 12 bytes of scales + fp16 d"),
    _block("q4_k", 144, _QK_K, "fp16 d, dmin + 12 bytes of scales + 4-bit quants"),
    _block("q5_k", 176, _QK_K, "fp16 d, dmin + 12 bytes of scales + high bits + 4-bit quants"),
    _block("q6_k", 210, _QK_K, "4 low bits + 2 high bits + 16 int8 scales + fp16 d"),
    # The i-quants (ggml-common.h: block_iq4_xs, block_iq3_xxs, block_iq2_xxs): codebook
    # indices and signs, one fp16 scale per 256 weights (iq4_xs adds 6-bit sub-scales).
    _block("iq4_xs", 136, _QK_K, "fp16 d + 2 + 4 bytes of 6-bit scales + 4-bit indices"),
    _block("iq3_xxs", 98, _QK_K, "fp16 d + 96 bytes of 3-bit grid indices, signs and scales"),
    _block("iq2_xxs", 66, _QK_K, "fp16 d + 32 × uint16 of 2-bit grid indices, signs and scales"),
    # OCP Microscaling (MX) v1.0, §5: MXFP4 is 32 FP4 (E2M1) elements sharing one 8-bit
    # power-of-two scale (E8M0), 4 + 8/32 = 4.25 bits; ggml's block_mxfp4 is the same
    # 17 bytes.
    _block(
        "mxfp4",
        17,
        32,
        "one E8M0 scale + 32 × FP4 (E2M1)",
        kind="OCP MX block",
        source=OCP_MX_SPEC,
    ),
    # NVIDIA's NVFP4: 16 FP4 (E2M1) elements share one FP8 (E4M3) scale, 4 + 8/16 = 4.5
    # bits, and each tensor has one FP32 scale more (4 bytes a tensor, not counted).
    Dtype(
        "nvfp4",
        Fraction(9 * 8, 16),
        exact=True,
        note="block of 16 weights in 9 bytes: one FP8 (E4M3) scale + 16 × FP4 (E2M1); "
        "the one FP32 scale per tensor is not counted",
        source=NVFP4_BLOG,
    ),
    Dtype(
        "fp4",
        Fraction(4),
        exact=True,
        note="4-bit float (E2M1, as OCP MX defines it); block or tensor scales not counted",
        source=OCP_MX_SPEC,
    ),
    _mix("q2_k_s", "2.96", "mostly q2_k, some q4_k"),
    _mix("q3_k_s", "3.41", "mostly q3_k"),
    _mix("q3_k_m", "3.74", "q3_k with q4_k/q5_k for attention.wv, wo and ffn_down"),
    _mix("q3_k_l", "4.03", "q3_k with q5_k for attention.wv, wo and ffn_down"),
    _mix("q4_k_s", "4.37", "mostly q4_k"),
    _mix("q4_k_m", "4.58", "q4_k with q6_k for half of attention.wv and ffn_down"),
    _mix("q5_k_s", "5.21", "mostly q5_k"),
    _mix("q5_k_m", "5.33", "q5_k with q6_k for half of attention.wv and ffn_down"),
    # QLoRA §3 (Dettmers et al. 2023): 4-bit NormalFloat with one absmax per 64 weights,
    # itself quantised to 8 bits with an fp32 constant per 256 absmaxes ("double
    # quantisation"): 4 + 8/64 + 32/(64·256) = 4.127 bits.
    # llama.cpp's MXFP4_MOE (llama-quant.cpp): the routed experts' matrices (its 3-D
    # *_exps tensors) in MXFP4, every other matrix, embedding and output included, in
    # q8_0. Norms, biases and routers stay in the file's float type (f32): counted here at
    # q8_0's 8.5 bits, which is why the figure is approximate.
    Dtype(
        "mxfp4_moe",
        Fraction(34 * 8, 32),
        exact=False,
        note="llama.cpp mix: routed experts in mxfp4 (4.25 bits), every other matrix in "
        "q8_0 (8.5 bits); norms, biases and routers, left in f32, counted at 8.5 bits",
        source=LLAMA_CPP_QUANT_ROLES,
        experts="mxfp4",
    ),
    Dtype(
        "nf4",
        4 + Fraction(8, 64) + Fraction(32, 64 * 256),
        exact=True,
        note="4-bit NormalFloat with double-quantised block scales (QLoRA)",
        source=QLORA_PAPER,
    ),
)

DTYPES: Final[Mapping[str, Dtype]] = MappingProxyType({d.name: d for d in _ALL})


def get_dtype(dtype: Dtype | str) -> Dtype:
    """Look a dtype up by name (case-insensitive, "Q4_K_M" works); pass Dtypes through.

    >>> q4_k_m = get_dtype("Q4_K_M")
    >>> q4_k_m.name, q4_k_m.bits
    ('q4_k_m', Fraction(49, 10))
    """
    if isinstance(dtype, Dtype):
        return dtype
    found = DTYPES.get(str(dtype).strip().lower())
    if found is None:
        raise SizingError("dtype", f"unknown dtype {dtype!r}; choose one of: {', '.join(DTYPES)}")
    return found


# Formats a KV cache is kept in: 16- and 32-bit floats, fp8 (vLLM, TensorRT-LLM, SGLang),
# int8, and the block types llama.cpp's --cache-type-k/-v take.
KV_CACHE_DTYPES: Final = (
    "fp32",
    "fp16",
    "bf16",
    "fp8",
    "int8",
    "q8_0",
    "q4_0",
    "q4_1",
    "q5_0",
    "q5_1",
)


def get_kv_dtype(dtype: Dtype | str) -> Dtype:
    """A format for the KV cache (one of ``KV_CACHE_DTYPES``); errors name ``kv_dtype``.

    >>> get_kv_dtype("q8_0").bits
    Fraction(17, 2)
    """
    try:
        found = get_dtype(dtype)
    except SizingError:
        found = None
    if found is None or found.name not in KV_CACHE_DTYPES:
        raise SizingError(
            "kv_dtype", f"not a KV cache format; choose one of: {', '.join(KV_CACHE_DTYPES)}"
        )
    return found


def default_kv_dtype(dtype: Dtype | str) -> Dtype:
    """The contract's default for the KV cache: the weights' dtype when it has 16 bits
    or more, else fp16 (quantised weights are usually served with a 16-bit cache)."""
    weights = get_dtype(dtype)
    return weights if weights.bits >= 16 and not weights.experts else DTYPES["fp16"]


def weights_bytes(params: int, dtype: Dtype | str) -> int:
    """Bytes to hold ``params`` weights: params × bits ÷ 8, rounded up to a whole byte.
    Exact for plain types; for block types it assumes whole blocks.

    >>> weights_bytes(8_030_261_248, "bf16"), weights_bytes(8_030_261_248, "int4")
    (16060522496, 4015130624)
    """
    count = check_integer("params", params, minimum=0)
    return math.ceil(count * get_dtype(dtype).bits / 8)
