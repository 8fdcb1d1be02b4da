"""Analyses of stored results: they take frames and arrays and return frames, never train."""
