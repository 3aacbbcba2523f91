"""1. Fuzzing: schemathesis with every check against the live schema of a real server.

``st run --checks all`` (schemathesis pinned in pyproject.toml, the project's
``schemathesis.toml`` and its hook) against the ``/openapi.json`` a running ``tminus serve``
publishes, over TCP: the examples, coverage, fuzzing and stateful phases, a fixed seed and a
bounded number of examples per operation, admin operations with the key (the ``ignored_auth``
check sends them without it too). Every check must pass on every operation: no 5xx, statuses,
content types, headers and bodies as documented, schema-violating input refused, schema-valid
input accepted (or refused only by the catalogue, see ``schemathesis.toml``), methods not
allowed answered 405 with ``Allow``, and so on. Any finding fails the test, with the report.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

from tminus.http.deps import ADMIN_HEADER

from .live import ADMIN_KEY, Figures, Server

ROOT = Path(__file__).resolve().parents[2]
SEED = 20_261_129
# Examples per operation in the fuzzing phase (the others take what they need): ~3,000 requests
# over 31 operations, about a minute of one CPU.
MAX_EXAMPLES = 40
PHASES = "examples,coverage,fuzzing,stateful"


def test_schemathesis_with_every_check_finds_nothing(
    live_server: Server, tmp_path: Path, figures: Figures
) -> None:
    st = Path(sys.executable).with_name("st")
    report = tmp_path / "report.json"
    command = [
        str(st),
        "run",
        f"{live_server.url}/openapi.json",
        "--checks",
        "all",
        "--phases",
        PHASES,
        "--seed",
        str(SEED),
        "--max-examples",
        str(MAX_EXAMPLES),
        "--generation-database",
        "none",
        "--suppress-health-check",
        "all",
        "--workers",
        "1",
        "--request-timeout",
        "30",
        "--header",
        f"{ADMIN_HEADER}: {ADMIN_KEY}",
        "--no-color",
        "--report",
        "json",
        "--report-json-path",
        str(report),
    ]
    started = time.monotonic()
    run = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=900, check=False
    )
    seconds = time.monotonic() - started
    output = run.stdout + run.stderr
    summary = output[output.rfind("SUMMARY") :] if "SUMMARY" in output else output[-3000:]
    assert "Configuration:    " + str(ROOT / "schemathesis.toml") in output, output[:2000]
    assert run.returncode == 0, output[-12_000:]
    operations = re.search(r"Tested: (\d+)", summary)
    cases = re.search(r"(\d+) generated, (\d+) passed", summary)
    assert operations is not None and cases is not None, summary
    tested = int(operations.group(1))
    assert tested >= 30, summary  # every operation, the tools' included
    assert cases.group(1) == cases.group(2) and int(cases.group(1)) > 1_000, summary
    assert report.is_file() and json.loads(report.read_text())
    assert live_server.process.poll() is None, live_server.output()
    figures.add(
        f"st run --checks all, phases {PHASES}, seed {SEED}, --max-examples {MAX_EXAMPLES}: "
        f"{cases.group(1)} cases over {tested} operations in {seconds:.0f} s, all passed"
    )
