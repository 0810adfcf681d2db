"""Query-string fields for the per-layer parts of an architecture: which layers of a mixture
of experts are dense, and the repeating pattern of attention kinds. Each is a comma-separated
list ("0,1,2"; "sliding,sliding,full"), so that any architecture a config.json describes has a
GET URL (calculators/pasted_config.py builds it)."""

from __future__ import annotations

from typing import Any, get_args

from django import forms

from sizing.architecture import MAX_LAYERS, AttentionKind

ATTENTION_KINDS = get_args(AttentionKind)
# The longest list a layer count allows, written out: 1,000 layers of "sliding," or "999,".
MAX_LIST_LENGTH = MAX_LAYERS * (max(len(kind) for kind in ATTENTION_KINDS) + 1)


class LayerListField(forms.CharField):
    """Layer numbers from 0 (below `layers`; the Architecture checks that), comma-separated."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, max_length=MAX_LIST_LENGTH, **kwargs)

    def clean(self, value: Any) -> tuple[int, ...]:
        text = super().clean(value)
        if not text:
            return ()
        numbers = []
        for part in text.split(","):
            part = part.strip()
            if not (part.isascii() and part.isdigit()) or len(part) > len(str(MAX_LAYERS)):
                raise forms.ValidationError(
                    f"Layer numbers from 0 to {MAX_LAYERS - 1:,}, separated by commas.",
                    code="invalid",
                )
            numbers.append(int(part))
        return tuple(numbers)


class AttentionPatternField(forms.CharField):
    """Attention kinds, comma-separated, repeated over the layers from layer 0."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, max_length=MAX_LIST_LENGTH, **kwargs)

    def clean(self, value: Any) -> tuple[str, ...]:
        text = super().clean(value)
        if not text:
            return ("full",)
        kinds = tuple(part.strip() for part in text.split(","))
        if any(kind not in ATTENTION_KINDS for kind in kinds):
            raise forms.ValidationError(
                f"Each must be one of: {', '.join(ATTENTION_KINDS)}, separated by commas.",
                code="invalid",
            )
        return kinds
