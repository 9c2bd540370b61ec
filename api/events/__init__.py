"""Domain events: written to the outbox in the caller's transaction."""
