"""Failures the CLI reports as one clear line; torch-free so that importing them is cheap."""
from __future__ import annotations


class ConfigError(ValueError):
    """The config is invalid; the message names the key and the allowed values."""


class DeviceError(RuntimeError):
    """The config asks for a device this machine does not have."""


class ResultsError(RuntimeError):
    """A results file is missing, truncated or not what the reader expects."""
