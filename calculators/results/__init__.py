"""What each calculator answers, with its working: one function per calculator, called with
a valid form's cleaned data. The same Result feeds the page, the widget and the API."""

from calculators.results.inference_speed import InferenceAnswer, inference
from calculators.results.memory_use import MemoryAnswer, memory
from calculators.results.model_scale import ScaleAnswer, scale
from calculators.results.parameter_count import ParametersAnswer, architecture_data, parameters
from calculators.results.result import Result, Step
from calculators.results.training_cost import TrainingAnswer, training

__all__ = [
    "InferenceAnswer",
    "MemoryAnswer",
    "ParametersAnswer",
    "ScaleAnswer",
    "TrainingAnswer",
    "Result",
    "Step",
    "architecture_data",
    "inference",
    "memory",
    "parameters",
    "scale",
    "training",
]
