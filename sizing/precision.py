"""Number formats for weights, with bits per weight as exact fractions.

Plain types store every weight in the same number of bits. Block formats (GGUF's q8_0,
q4_k, ..., and QLoRA's NF4) store small integers plus a scale per block, so their bits
per weight come exactly from the block layout. llama.cpp's "mixes" (q4_k_m, ...) put
different tensors in different block types; their figure is a measured average and is
marked approximate.
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


@dataclass(frozen=True)
class Dtype:
    """How weights are stored. ``bits`` is bits per weight (averaged over a block for
    block formats); ``exact`` is False when ``bits`` is a measured average."""

    name: str
    bits: Fraction
    exact: bool
    note: str
    source: str = ""

    @property
    def is_float16_or_wider(self) -> bool:
        """fp16, bf16 or fp32: a format training keeps weights and gradients in."""
        return self.name in ("fp32", "fp16", "bf16")


def _plain(name: str, bits: int, note: str) -> Dtype:
    return Dtype(name, Fraction(bits), exact=True, note=note)


def _block(name: str, block_bytes: int, block_weights: int, layout: str) -> Dtype:
    return Dtype(
        name,
        Fraction(8 * block_bytes, block_weights),
        exact=True,
        note=f"GGUF block of {block_weights} weights in {block_bytes} bytes: {layout}",
        source=LLAMA_CPP_BLOCKS,
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


def default_kv_dtype(dtype: Dtype | str) -> Dtype:
    """The contract's default for the KV cache: the weights' dtype when it has 16 bits
    or more, else fp16 (quantised weights are usually served with a 16-bit cache)."""
    weights = get_dtype(dtype)
    return weights if weights.bits >= 16 else DTYPES["fp16"]


def weights_bytes(params: int, dtype: Dtype | str) -> int:
    """Bytes to hold ``params`` weights: params × bits ÷ 8, rounded up to a whole byte.
    Exact for plain types; for block types it assumes whole blocks.

    >>> weights_bytes(8_030_261_248, "bf16"), weights_bytes(8_030_261_248, "int4")
    (16060522496, 4015130624)
    """
    count = check_integer("params", params, minimum=0)
    return math.ceil(count * get_dtype(dtype).bits / 8)
