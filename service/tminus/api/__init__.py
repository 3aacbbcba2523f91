"""The FastAPI service: schemas, routes, errors. Never imports training."""
