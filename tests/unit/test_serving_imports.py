"""What a serving process imports before it is ready: none of the heavy packages it never needs.

Importing is most of a cold start. The LLM client (``/v1/ask`` imports it on its first
question), the MCP SDK (the app builds its MCP face once it is up) and the training stack
(pandas, scikit-learn, SciPy, matplotlib) stay out of ``tminus serve``'s path to ready.
"""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("openai", "mcp", "pandas", "pyarrow", "sklearn", "scipy", "matplotlib", "joblib")


def test_the_serving_path_leaves_out_what_it_does_not_need() -> None:
    code = (
        "import sys, tminus.cli, tminus.app, tminus.predictors.kinds as kinds\n"
        "from tminus.settings import Settings\n"
        "kinds.predictor_kinds()\n"
        "tminus.app.create_app(Settings(models_dir='unused-models-dir'))\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == ""
