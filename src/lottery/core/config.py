"""Loading and validating the pipeline config before any job runs.

The JSON schema (``config/schema.yaml``) types, documents and defaults every key; this
module fills the defaults in, refuses unknown keys, and checks what a schema cannot say
(ranges that must be ordered, fit ranges that must hold two widths of the grid). Every
message names the offending key and what is allowed.
"""
from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from lottery.core.errors import ConfigError

# libyaml's loader where PyYAML was built with it: the schema is read at every workflow parse,
# and the pure-Python loader takes a tenth of a second for it.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _key(path: Any) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "<top level>"


def _with_defaults(validator_class: type) -> type:
    """A validator that also writes each property's ``default`` into the instance."""
    validate_properties = validator_class.VALIDATORS["properties"]

    def set_defaults(validator, properties, instance, schema):
        if isinstance(instance, dict):
            for name, sub in properties.items():
                if "default" in sub and name not in instance:
                    instance[name] = copy.deepcopy(sub["default"])
        yield from validate_properties(validator, properties, instance, schema)

    return jsonschema.validators.extend(validator_class, {"properties": set_defaults})


_Validator = _with_defaults(jsonschema.Draft7Validator)


def _allowed(error: jsonschema.ValidationError) -> str:
    s = error.schema
    if error.validator == "additionalProperties":
        return f"allowed keys: {', '.join(sorted(s.get('properties', {})))}"
    if "enum" in s:
        return f"allowed values: {', '.join(map(str, s['enum']))}"
    bits = [f"type {s['type']}"] if "type" in s else []
    for k, word in [("minimum", ">="), ("exclusiveMinimum", ">"), ("maximum", "<="), ("exclusiveMaximum", "<")]:
        if k in s:
            bits.append(f"{word} {s[k]}")
    if "minItems" in s:
        bits.append(f"at least {s['minItems']} items")
    if "maxItems" in s:
        bits.append(f"at most {s['maxItems']} items")
    if s.get("uniqueItems"):
        bits.append("no repeated items")
    if "minProperties" in s:
        bits.append(f"at least {s['minProperties']} entries")
    if "items" in s and isinstance(s["items"], dict) and "enum" in s["items"]:
        bits.append(f"items from {', '.join(map(str, s['items']['enum']))}")
    return "allowed: " + (", ".join(bits) if bits else s.get("description", "see config/schema.yaml"))


def _describe(error: jsonschema.ValidationError) -> str:
    path = list(error.absolute_path)
    if error.validator == "additionalProperties":
        known = set(error.schema.get("properties", {}))
        unknown = sorted(set(error.instance) - known)
        return f"unknown config key {', '.join(repr(_key(path + [u])) for u in unknown)}; {_allowed(error)}"
    if error.validator == "required":
        return f"config key {_key(path)!r}: {error.message}"
    return f"config key {_key(path)!r}: {error.message}; {_allowed(error)}"


def _semantic_errors(config: dict) -> list[str]:
    errors = []
    scaling = config["scaling"]
    data = scaling["data"]
    if not data["x_min"] < data["x_max"]:
        errors.append(
            f"config key 'scaling.data.x_min' ({data['x_min']}) must be below 'scaling.data.x_max' ({data['x_max']}); "
            f"allowed: x_min < x_max"
        )
    if scaling["train"]["batch_size"] > data["n_train"]:
        errors.append(
            f"config key 'scaling.train.batch_size' ({scaling['train']['batch_size']}) exceeds "
            f"'scaling.data.n_train' ({data['n_train']}); allowed: 0 (full batch) to n_train"
        )
    if "x2" not in scaling["targets"]:
        errors.append(
            f"config key 'scaling.targets' {scaling['targets']} must include 'x2', the target of the paper's "
            f"main figures (Fig 1c, Fig 3)"
        )
    widths = scaling["widths"]
    if "wide" not in scaling["analysis"]["fit_ranges"]:
        errors.append(
            f"config key 'scaling.analysis.fit_ranges' {sorted(scaling['analysis']['fit_ranges'])} must include "
            f"'wide', the width range the paper's text and Fig 1c quote"
        )
    for name, (lo, hi) in scaling["analysis"]["fit_ranges"].items():
        inside = [w for w in widths if lo <= w <= hi]
        if lo > hi or len(inside) < 2:
            errors.append(
                f"config key 'scaling.analysis.fit_ranges.{name}' = [{lo}, {hi}] holds {len(inside)} widths "
                f"of 'scaling.widths' {widths}; allowed: an ordered range holding at least 2 of them"
            )
    return errors + _tickets_errors(config) + _imp_errors(config) + _data_dir_errors(config)


def _data_dir_errors(config: dict) -> list[str]:
    """A data-set directory that is named must exist: a typo must not silently drop a data set."""
    images = config.get("imp", {}).get("images", {})
    return [
        f"config key 'imp.images.{key}' ({images[key]!r}) is not an existing directory; allowed: '' (leave the "
        f"data set out) or the path of a directory holding it"
        for key in sorted(images)
        if key.endswith("_dir") and images[key] and not Path(images[key]).is_dir()
    ]


def _tickets_errors(config: dict) -> list[str]:
    """Widths the [LT] ticket analyses take from other grids must be trained there."""
    errors = []
    tickets, scaling = config["tickets"], config["scaling"]
    grid = scaling["widths"]
    for n in tickets["ensembling"]["widths"]:
        if n not in grid or n // 2 not in grid:
            errors.append(f"config key 'tickets.ensembling.widths' holds {n}, but {n} and {n // 2} must both be "
                          f"in 'scaling.widths' {grid}")
    wide = tickets["wide"]["widths"]
    for n in tickets["splitting"]["widths"]:
        if n not in grid and n not in wide:
            errors.append(f"config key 'tickets.splitting.widths' holds {n}; allowed: widths of 'scaling.widths' "
                          f"{grid} or 'tickets.wide.widths' {wide}")
    for n, key in [(tickets["distill"]["width"], "tickets.distill.width"), (2, "the width-2 analyses")]:
        if n not in grid:
            errors.append(f"config key 'scaling.widths' {grid} must hold {n} (needed by {key})")
    if tickets["activation"] not in scaling["activations"]:
        errors.append(f"config key 'tickets.activation' ({tickets['activation']}) must be one of "
                      f"'scaling.activations' {scaling['activations']}")
    if tickets["llm"]["fit_range"] not in scaling["analysis"]["fit_ranges"]:
        errors.append(f"config key 'tickets.llm.fit_range' ({tickets['llm']['fit_range']}); allowed: "
                      f"{', '.join(scaling['analysis']['fit_ranges'])}")
    for family in ("targets", "multiplication"):
        section = tickets[family]
        lo, hi = section["fit_range"]
        inside = [w for w in section["widths"] if lo <= w <= hi]
        if lo > hi or len(inside) < 2:
            errors.append(f"config key 'tickets.{family}.fit_range' = [{lo}, {hi}] holds {len(inside)} widths of "
                          f"'tickets.{family}.widths' {section['widths']}; allowed: an ordered range holding at "
                          f"least 2 of them")
        for key, train in ((family, section["train"]), (f"{family}.paper_scale", section["paper_scale"]["train"])):
            if train["batch_size"] > scaling["data"]["n_train"]:
                errors.append(f"config key 'tickets.{key}.train.batch_size' exceeds 'scaling.data.n_train'")
        stray = sorted(set(section["paper_scale"]["targets"]) - set(section["targets"]))
        if stray:
            errors.append(f"config key 'tickets.{family}.paper_scale.targets' names {stray}, which "
                          f"'tickets.{family}.targets' {section['targets']} does not train")
    return errors


def _imp_errors(config: dict) -> list[str]:
    """[AR] IMP: figure nus among the nus, calibration widths among the start widths."""
    errors = []
    mix, img = config["imp"]["mixture"], config["imp"]["images"]
    for task in ("linear", "xor"):
        extra = [nu for nu in mix[task]["figure_nus"] if not any(abs(nu - v) < 1e-9 for v in mix[task]["nus"])]
        if extra:
            errors.append(f"config key 'imp.mixture.{task}.figure_nus' holds {extra}; allowed: values of "
                          f"'imp.mixture.{task}.nus' {mix[task]['nus']}")
    for section, key in ((mix, "imp.mixture"), (img, "imp.images")):
        if section["calibration_width"] not in section["widths"]:
            errors.append(f"config key '{key}.calibration_width' ({section['calibration_width']}); allowed: one of "
                          f"'{key}.widths' {section['widths']}")
    if max(mix["widths"]) < mix["effective_min_width"]:
        errors.append(f"config key 'imp.mixture.effective_min_width' ({mix['effective_min_width']}) exceeds every "
                      f"start width of 'imp.mixture.widths' {mix['widths']}; allowed: at most {max(mix['widths'])}")
    if any(k > img["classes"] for k in img["classes_kept"]):
        errors.append(f"config key 'imp.images.classes_kept' {img['classes_kept']}; allowed: at most "
                      f"'imp.images.classes' ({img['classes']})")
    chosen = [("imp.images.datasets", d) for d in img["datasets"]] + [("imp.images.figs3.dataset",
                                                                       img["figs3"]["dataset"])]
    for key, name in chosen:
        if not img.get(f"{name}_dir", "unneeded"):
            errors.append(f"config key '{key}' names {name}, but 'imp.images.{name}_dir' is empty; allowed: set "
                          f"'imp.images.{name}_dir' to its directory, or leave {name} out")
    return errors


def validate_config(config: dict, schema_path: str | Path) -> dict:
    """Return a validated copy of ``config`` with defaults filled in, or raise ConfigError."""
    schema = yaml.load(Path(schema_path).read_text(), Loader=YAML_LOADER)
    config = copy.deepcopy(dict(config))
    errors = sorted(_Validator(schema).iter_errors(config), key=lambda e: list(map(str, e.absolute_path)))
    messages = [_describe(e) for e in errors]
    if not messages:
        messages = _semantic_errors(config)
    if messages:
        raise ConfigError("invalid config:\n  - " + "\n  - ".join(messages))
    return config


def load_config(path: str | Path, schema_path: str | Path) -> dict:
    """Read a YAML config file and validate it."""
    text = Path(path).read_text()
    try:
        config = yaml.load(text, Loader=YAML_LOADER) or {}
    except yaml.YAMLError as err:
        raise ConfigError(f"config file {path} is not valid YAML: {err}") from None
    if not isinstance(config, dict):
        raise ConfigError(f"config file {path} must hold a mapping of keys, not {type(config).__name__}")
    return validate_config(config, schema_path)
