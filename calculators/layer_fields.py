"""Query-string fields for the per-layer parts of an architecture: which layers of a mixture
of experts are dense, and the repeating pattern of attention kinds. Both are short, so that
any architecture a config.json describes has a GET URL a server takes (calculators/
pasted_config.py writes it): dense layers as numbers and inclusive ranges ("0-2" for
DeepSeek-V3's first three), the pattern as kinds with repeat counts ("sliding*5,full" for
Gemma 3's five sliding-window layers to one full)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import groupby
from typing import Any, get_args

from django import forms

from sizing.architecture import MAX_LAYERS, AttentionKind

ATTENTION_KINDS = get_args(AttentionKind)
# Far more than any published model needs (Llama 4 Maverick's alternate dense layers are
# about 70 characters), and short enough that every field at its longest fits in the 8 KB
# request line servers accept.
MAX_LIST_LENGTH = 200
_NUMBER = r"\d{1,4}"
LAYERS_PATTERN = rf"^ *({_NUMBER}(-{_NUMBER})?( *, *{_NUMBER}(-{_NUMBER})?)*)? *$"
_KIND = rf"({'|'.join(ATTENTION_KINDS)})(\*{_NUMBER})?"
ATTENTION_PATTERN = rf"^ *({_KIND}( *, *{_KIND})*)? *$"


class LayerListField(forms.CharField):
    """Layer numbers from 0 (below `layers`; the Architecture checks that): "0-2,5"."""

    pattern = LAYERS_PATTERN

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, max_length=MAX_LIST_LENGTH, **kwargs)

    def clean(self, value: Any) -> tuple[int, ...]:
        text = super().clean(value)
        if not text:
            return ()
        if not re.fullmatch(self.pattern, text, flags=re.ASCII):
            raise forms.ValidationError(
                "Layer numbers from 0, or ranges such as 0-2, separated by commas.",
                code="invalid",
            )
        numbers: list[int] = []
        for part in text.split(","):
            first, _, last = part.strip().partition("-")
            low, high = int(first), int(last or first)
            if high < low or high >= MAX_LAYERS:
                raise forms.ValidationError(
                    f"A range runs upwards, to layer {MAX_LAYERS - 1:,} at most.", code="invalid"
                )
            numbers += range(low, high + 1)
        return tuple(numbers)


class AttentionPatternField(forms.CharField):
    """Attention kinds repeated over the layers from layer 0: "sliding*5,full"."""

    pattern = ATTENTION_PATTERN

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, max_length=MAX_LIST_LENGTH, **kwargs)

    def clean(self, value: Any) -> tuple[str, ...]:
        text = super().clean(value)
        if not text:
            return ("full",)
        if not re.fullmatch(self.pattern, text, flags=re.ASCII):
            raise forms.ValidationError(
                f"Each must be one of: {', '.join(ATTENTION_KINDS)}, with a repeat count if "
                "more than one (sliding*5), separated by commas.",
                code="invalid",
            )
        kinds: list[str] = []
        for part in text.split(","):
            kind, _, times = part.strip().partition("*")
            count = int(times or 1)
            if not 1 <= count <= MAX_LAYERS or len(kinds) + count > MAX_LAYERS:
                raise forms.ValidationError(
                    f"The pattern covers 1 to {MAX_LAYERS:,} layers.", code="invalid"
                )
            kinds += [kind] * count
        return tuple(kinds)


def layers_text(layers: Iterable[int]) -> str:
    """Sorted layer numbers as LayerListField reads them: runs become ranges."""
    runs = []
    for _, group in groupby(enumerate(sorted(layers)), key=lambda item: item[1] - item[0]):
        run = [layer for _, layer in group]
        runs.append(str(run[0]) if len(run) == 1 else f"{run[0]}-{run[-1]}")
    return ",".join(runs)


def pattern_text(kinds: Iterable[str]) -> str:
    """Attention kinds as AttentionPatternField reads them: repeats become counts."""
    parts = []
    for kind, group in groupby(kinds):
        count = len(list(group))
        parts.append(kind if count == 1 else f"{kind}*{count}")
    return ",".join(parts)
