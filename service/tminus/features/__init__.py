"""As-of features: vehicle and family history, pad cadence; the same code serves and trains."""
