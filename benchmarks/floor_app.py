"""The HTTP floor: a bare FastAPI app whose only route returns a fixed small JSON object.

Served by ``benchmarks/serving.py`` with the same uvicorn settings as ``tminus serve`` (one
worker, uvloop, httptools, no access log), so the gap between it and a prediction route is what
T-Minus itself costs.
"""

from __future__ import annotations

from fastapi import FastAPI

app = FastAPI()


@app.get("/ping")
async def ping() -> dict[str, str]:
    """A fixed answer: no validation, no model."""
    return {"status": "ok"}
