"""What each calculator answers, with its working: one function per calculator, called with
a valid form's cleaned data. The same Result feeds the page, the widget and the API."""

from calculators.results.inference_speed import inference
from calculators.results.memory_use import memory
from calculators.results.model_scale import scale
from calculators.results.parameter_count import architecture_data, parameters
from calculators.results.result import Result, Step
from calculators.results.training_cost import training

__all__ = [
    "Result",
    "Step",
    "architecture_data",
    "inference",
    "memory",
    "parameters",
    "scale",
    "training",
]
