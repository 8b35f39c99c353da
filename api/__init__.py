"""Corral's outer layer: settings, the `corral` CLI, and (later) HTTP and websockets."""
