"""The service core, free of any web framework.

Loaded model snapshots and their live reload (:mod:`~tminus.serving.state`), the table of
served models (:mod:`~tminus.serving.models`), the prediction functions
(:mod:`~tminus.serving.predict`), the catalogue of vehicles and pads
(:mod:`~tminus.serving.catalogue`), model information, request and response schemas, and
domain errors (:mod:`~tminus.serving.errors`). The HTTP routes (``tminus.api``), the LLM face
(``tminus.tools``) and the dashboard (``tminus.web``) are built on it, and ``tminus.app``
assembles them.
"""
