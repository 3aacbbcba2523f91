"""Log the ``launch_failure`` champion to an MLflow registry (SQLite backend) for serving.

Run by ``benchmarks/serving.py`` with the Python of MLflow's own virtual environment:

    python log_model.py --registry <tminus registry> --code <service/tminus> --store <dir>

It registers the model as ``launch_failure`` (version 1 in a fresh store) and prints its URI.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import mlflow
import pandas as pd

HERE = Path(__file__).resolve().parent
EXAMPLE = pd.DataFrame(
    [
        {"vehicle": "Falcon 9", "date": "2026-03-01", "site": "CC", "pad": "LC40"},
        {"vehicle": "Electron", "date": "2026-03-15", "site": None, "pad": None},
    ]
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registry", type=Path, required=True, help="T-Minus models folder.")
    parser.add_argument("--code", type=Path, required=True, help="The tminus package folder.")
    parser.add_argument("--store", type=Path, required=True, help="Folder for the MLflow store.")
    args = parser.parse_args()
    args.store.mkdir(parents=True, exist_ok=True)
    # tminus itself (numpy and scipy only on this path): to export the champion, and for the
    # input example MLflow predicts while logging. The served model carries it in code_paths.
    sys.path.insert(0, str(args.code.parent))
    from tminus.registry.store import Registry

    mlflow.set_tracking_uri(f"sqlite:///{args.store / 'mlflow.db'}")
    mlflow.set_registry_uri(f"sqlite:///{args.store / 'mlflow.db'}")
    experiment = mlflow.set_experiment("tminus-benchmark")
    with tempfile.TemporaryDirectory() as tmp:
        # Only the verified launch_failure champion travels with the MLflow model.
        exported = Path(tmp) / "registry"
        Registry(args.registry).export("champion", exported, models=("launch_failure",))
        with mlflow.start_run(experiment_id=experiment.experiment_id):
            info = mlflow.pyfunc.log_model(
                name="model",
                python_model=str(HERE / "pyfunc_model.py"),
                artifacts={"registry": str(exported)},
                code_paths=[str(args.code)],
                input_example=EXAMPLE,
                registered_model_name="launch_failure",
            )
    print(f"models:/launch_failure/{info.registered_model_version}")


if __name__ == "__main__":
    main()
