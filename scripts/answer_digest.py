"""Answers of a fixed set of requests across every route, to compare two commits byte for byte.

A refactor that should change no answer is checked by running this at the commit before it and
at the commit after, on the same registry, and comparing the two files::

    .venv/bin/python scripts/answer_digest.py --models-dir models > before.jsonl
    (check out the other commit)
    .venv/bin/python scripts/answer_digest.py --models-dir models > after.jsonl
    diff before.jsonl after.jsonl

Each line is one request (method, path, body) with the answer's status and body exactly as
sent. Only the clock is taken out (such an answer is written as parsed JSON, the clock's values
replaced): the moments a model was loaded and the process's uptime
differ between any two runs. /metrics is left out for the same reason (its counters are the
run's own).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from tminus.app import create_app
from tminus.settings import Settings

DAY = "2026-03-01"
# Keys whose values are the clock of this run, not an answer.
VOLATILE = {"loaded_at", "uptime_s", "started_at", "checked_at"}

PREDICTIONS: dict[str, list[dict[str, Any]]] = {
    "/v1/launch-failure": [
        {"vehicle": "Falcon 9", "date": DAY},
        {"vehicle": "Electron", "site": "Mahia", "date": DAY},
        {"vehicle": "Starship", "date": "2026-06-01"},
        {"vehicle": "Long March 2D", "date": DAY},
        {"vehicle": "Neutron", "date": DAY},
        {"vehicle": "Falcon 99", "date": DAY},
        {"vehicle": "Falcon 9", "date": DAY, "vehicel": 1},
        {"items": [{"vehicle": "Falcon 9", "date": DAY}, {"vehicle": "Soyuz-2.1b", "date": DAY}]},
    ],
    "/v1/launch-anomaly": [{"vehicle": "Falcon 9", "date": DAY}],
    "/v1/booster-landing": [
        {"date": DAY, "landing_type": "ASDS", "payload_mass_kg": 15600, "orbit": "LEO"},
        {"date": DAY, "landing_type": "RTLS"},
    ],
    "/v1/pad-turnaround": [
        {"pad": "SLC-40", "site": "Cape Canaveral", "date": DAY},
        {"pad": "LC-39A", "date": DAY},
        {"pad": "Nowhere", "date": DAY},
    ],
    "/v1/return-to-flight": [
        {"vehicle": "Falcon 9", "date": DAY},
        {"vehicle": "Electron", "date": "2025-09-01"},
        {"vehicle": "Electron"},
    ],
    "/v1/weather-scrub": [
        {"date": DAY},
        {"date": "2026-08-15", "max_peak_wind": 25, "lightning_count": 3},
        {"date": "2026-08-15", "max_peak_wnd": 25},
    ],
}
PLANS: list[dict[str, Any]] = [
    {
        "earliest_date": "2027-01-01",
        "latest_date": "2027-03-31",
        "payload_mass_kg": 5500,
        "orbit": "GTO",
    },
    {
        "earliest_date": "2027-01-01",
        "latest_date": "2027-06-30",
        "payload_mass_kg": 200,
        "orbit": "SSO",
        "vehicles": ["Electron"],
    },
    {"earliest_date": "2027-03-01", "latest_date": "2027-01-01"},
    # A year, open: every vehicle and pad; with a tolerance, every pair on every weekly date.
    {
        "earliest_date": "2027-01-01",
        "latest_date": "2027-12-31",
        "payload_mass_kg": 500,
        "orbit": "SSO",
        "max_options": 100,
    },
    {
        "earliest_date": "2027-01-01",
        "latest_date": "2027-12-31",
        "max_failure_probability": 0.02,
        "max_options": 100,
    },
]
QUESTIONS = [
    "What's the chance a Falcon 9 launch fails next March?",
    "Compare Falcon 9 and Electron for a launch in June 2026",
    "When can LC-39A launch again?",
    "Which rockets can put 9 tonnes in LEO in early 2027?",
    "What is the risk of a Vulcan launch this summer?",
    "Will the booster land on a drone ship in April?",
    "Can a new rocket fly from Kourou?",
]
TOOLS: dict[str, dict[str, Any]] = {
    "predict_launch_failure": {"vehicle": "Falcon 9", "date": DAY},
    "predict_booster_landing": {"date": DAY, "landing_type": "ASDS"},
    "predict_pad_turnaround": {"pad": "SLC-40", "date": DAY},
    "predict_return_to_flight": {"vehicle": "Electron", "date": DAY},
    "predict_weather_scrub": {"date": DAY},
    "predict_launch_anomaly": {"vehicle": "Falcon 9", "date": DAY},
    "list_vehicles": {"query": "long march"},
    "list_pads": {"query": "Vandenberg"},
    "compare_vehicles": {"vehicles": ["Falcon 9", "Electron", "Vega-C"], "date": DAY},
    "plan_mission": PLANS[0],
}


def requests(models: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """(method, path or URL with its query, JSON body or None), every route at least once."""
    out: list[tuple[str, str, Any]] = []
    for path, bodies in PREDICTIONS.items():
        out += [("POST", path, body) for body in bodies]
    out += [
        ("GET", "/v1/vehicles", None),
        ("GET", "/v1/vehicles?q=falcon&limit=5", None),
        ("GET", "/v1/vehicles?status=retired&limit=10", None),
        ("GET", "/v1/vehicles?q=Falcn", None),
        ("GET", "/v1/pads?q=39A", None),
        ("GET", "/v1/pads?limit=3", None),
        ("GET", "/v1/vehicle-history?vehicle=Falcon%209", None),
        ("GET", "/v1/vehicle-history?vehicle=Electron", None),
        ("GET", "/v1/models", None),
        ("GET", "/healthz", None),
        ("GET", "/readyz", None),
        ("PUT", "/v1/models/launch_failure/aliases/champion", {"version": "x"}),
        ("POST", "/v1/admin/reload", None),
        ("GET", "/v1/tools", None),
        ("GET", "/v1/nowhere", None),
    ]
    for name, model in models.items():
        out += [
            ("GET", f"/v1/models/{name}", None),
            ("GET", f"/v1/models/{name}/card", None),
            ("GET", f"/v1/models/{name}/versions/{model}/files/MODEL_CARD.md", None),
        ]
    out += [("POST", "/v1/plan", body) for body in PLANS]
    out += [("POST", f"/v1/tools/{name}", body) for name, body in TOOLS.items()]
    out += [("POST", "/v1/ask", {"question": q, "mode": "offline"}) for q in QUESTIONS]
    return out


def steady(value: Any) -> Any:
    """``value`` with this run's clock taken out (see :data:`VOLATILE`)."""
    if isinstance(value, dict):
        return {k: "(clock)" if k in VOLATILE else steady(v) for k, v in value.items()}
    if isinstance(value, list):
        return [steady(v) for v in value]
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--models-dir", type=Path, default=Path("models"))
    args = parser.parse_args(argv)
    settings = Settings(models_dir=args.models_dir, reload_interval_s=3600)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        served = client.get("/v1/models").json()
        listing = served.get("models", served) if isinstance(served, dict) else served
        champions = {m["name"]: m["aliases"].get("champion") for m in listing}
        for method, url, body in requests(champions):
            answer = client.request(method, url, json=body)
            content: Any = answer.text  # the bytes as sent (decoded), unless a clock is in them
            try:
                parsed = answer.json()
            except ValueError:
                parsed = None
            if steady(parsed) != parsed:
                content = steady(parsed)
            line = {"request": [method, url, body], "status": answer.status_code, "answer": content}
            sys.stdout.write(json.dumps(line, sort_keys=True, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
