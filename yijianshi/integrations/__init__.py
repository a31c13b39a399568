"""Department integrations: the outbox and connectors."""
