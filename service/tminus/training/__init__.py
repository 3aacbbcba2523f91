"""Estimators, baselines, rolling-origin backtests, metrics and model cards (offline only)."""
