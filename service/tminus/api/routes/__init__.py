"""HTTP routers, one per area: predictions, catalogue, models, operations, admin."""
