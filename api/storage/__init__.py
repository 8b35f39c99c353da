"""Storage and settings: configuration, the event store, wiring, the attachment store and the operational tables."""
