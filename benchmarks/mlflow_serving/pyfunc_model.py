"""The ``launch_failure`` champion as an MLflow pyfunc model (MLflow "models from code").

MLflow loads this file in its own virtual environment: ``tminus`` arrives through the logged
model's ``code_paths`` and the champion's verified JSON artifact through its ``artifacts``, so
both servers answer with the same predictor and the same numbers; only the serving stack
differs. A request is a DataFrame of launches (``vehicle``, ``date``, optional ``site`` and
``pad``); the answer holds each launch's failure probability and 90% interval.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import mlflow
import pandas as pd
from mlflow.pyfunc import PythonModel, PythonModelContext


def _text(value: Any) -> str | None:
    return None if value is None or pd.isna(value) else str(value)


class LaunchFailureModel(PythonModel):
    """Load the champion once; predict every row of a DataFrame."""

    def load_context(self, context: PythonModelContext) -> None:
        from tminus.registry.store import Registry

        registry = Registry(Path(context.artifacts["registry"]))
        self.loaded = registry.load_alias("launch_failure", "champion")

    def predict(
        self,
        context: PythonModelContext,
        model_input: pd.DataFrame,
        params: dict[str, Any] | None = None,
    ) -> pd.DataFrame:
        from tminus.predictors.launch_failure import LaunchQuery

        predictor = self.loaded.predictor
        rows = []
        for record in model_input.to_dict("records"):
            when = dt.datetime.fromisoformat(str(record["date"]))
            if when.tzinfo is None:
                when = when.replace(tzinfo=dt.UTC)
            answer = predictor.predict(  # type: ignore[attr-defined]
                LaunchQuery(
                    vehicle=str(record["vehicle"]),
                    date=when,
                    site=_text(record.get("site")),
                    pad=_text(record.get("pad")),
                )
            )
            rows.append(
                {
                    "probability": answer.probability,
                    "interval_low": answer.interval[0],
                    "interval_high": answer.interval[1],
                    "version": self.loaded.version.version,
                }
            )
        return pd.DataFrame(rows)


mlflow.models.set_model(LaunchFailureModel())
