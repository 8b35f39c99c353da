"""Corral's domain: event-sourced aggregates and the application service; no web or SQL frameworks."""
