"""T-Minus: calibrated launch risk and timing predictions."""

__version__ = "0.1.0"
