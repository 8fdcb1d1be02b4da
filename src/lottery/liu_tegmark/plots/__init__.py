"""Plotting functions: each takes frames and returns a matplotlib Figure; one per figure."""
