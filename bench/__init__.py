"""Benchmarks that report ratios against raw baselines measured in the same run."""
