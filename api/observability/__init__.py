"""What operators see of a running Corral: its logs (one JSON object a line) and its metrics for Prometheus."""
