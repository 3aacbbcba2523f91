"""Fitted predictors as plain, safely serialisable state: what the service runs per request."""
