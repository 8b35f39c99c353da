"""Read models and their runners (the projections issue)."""
