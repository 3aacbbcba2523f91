"""What the HTTP faces (``api``, ``tools``, ``web``) share, below all three: the request's
settings, store and snapshot as FastAPI dependencies, the admin key, and the HTTP-only error.
"""
