"""Commands of the [AR] IMP stage: IMP runs, the summary, Figs 1-7, S1, S4, Table 1 and macros."""
from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

import numpy as np
import pandas as pd

from lottery.commands import INT, MANY, REQ, command, settings_of

log = logging.getLogger("lottery")


def _task_arrays(s: dict, dataset: str, classes: int):
    from lottery.arora.images import load_cifar10, load_digits_data, load_mnist
    from lottery.arora.tasks import image_task, mixture_task

    if dataset in ("linear", "xor"):
        m = s["mixture"]
        return mixture_task(dataset, m["nus"], m["dim"], m["n_train"], m["n_test"], m["noise"], m["test_noise"],
                            s["seed"])
    img = s["images"]
    if dataset == "digits":
        data = load_digits_data(img["test_fraction"], s["seed"])
    elif dataset == "mnist":
        data = load_mnist(img["mnist_dir"], "imp.images.mnist_dir")
    elif dataset == "cifar10":
        data = load_cifar10(img["cifar10_dir"], "imp.images.cifar10_dir")
    else:
        raise ValueError(f"unknown IMP data set {dataset!r}")
    return image_task(data, classes, img["noise"], img["test_noise"], s["seed"], dataset)


@command("imp-run", ("--dataset", REQ), ("--arch", REQ), ("--width", INT), ("--classes", INT),
         ("--settings", REQ), ("--out", REQ))
def imp_run(args: argparse.Namespace) -> None:
    """IMP of every (nu, repetition) model of one start architecture and width, vectorised."""
    import torch

    from lottery.core.devices import resolve_device, resolve_dtype
    from lottery.arora.analysis import round_metrics
    from lottery.arora.models import architecture, init_models
    from lottery.arora.pruning import remaining
    from lottery.arora.store import load_checkpoint, save_checkpoint, write_run
    from lottery.arora.train import PruneSettings, Task, TrainSettings, imp_rounds
    from lottery.core.seeds import seed_address
    from lottery.core.progress import Progress

    s = settings_of(args)
    torch.set_num_threads(s["threads"])
    device, dtype = resolve_device(s["device"]), resolve_dtype(s["dtype"])
    arrays = _task_arrays(s, args.dataset, args.classes)
    reps = s["repetitions"]
    group = np.repeat(np.arange(len(arrays.nus)), reps)
    keys = {"dataset": args.dataset, "arch": args.arch, "width": args.width, "classes": args.classes}
    models = pd.DataFrame({**{k: [v] * len(group) for k, v in keys.items()}, "nu": arrays.nus[group],
                           "repetition": np.tile(np.arange(reps), len(arrays.nus)), "group": group})
    addresses = [seed_address(s["seed"], *keys.values(), f"{nu:g}", rep) for nu, rep in
                 zip(models["nu"], models["repetition"])]
    arch = architecture(args.arch)
    init = init_models(arch, addresses, arrays.in_shape, arrays.n_classes, args.width, s["bias"], dtype, device)
    t = lambda a, dt=dtype: torch.as_tensor(a, device=device, dtype=dt)  # noqa: E731
    task = Task(t(arrays.x_train), t(arrays.y_train, torch.long), t(arrays.x_test), t(group, torch.long))
    train, prune = TrainSettings(**s["train"]), PruneSettings(**s["prune"])

    ckpt = Path(f"{args.out}.ckpt")
    fingerprint = json.dumps({**s, **keys}, sort_keys=True)
    state = load_checkpoint(ckpt, fingerprint)
    label = f"IMP {args.dataset} {args.arch} W={args.width} C={args.classes}"
    if state is not None:
        log.info("%s: resuming from checkpoint at round %d", label, state.next_round)
    log.info("%s: %d models (%d groups x %d repetitions), %d rounds of %d epochs, on %s", label, len(group),
             len(arrays.nus), reps, prune.rounds + 1, train.epochs, device)
    first = state.next_round if state else 0
    progress = Progress(label, max(prune.rounds + 1 - first, 0) * train.epochs, "epochs", interval=0.0)
    address = (s["seed"], *keys.values(), "batches")
    for state in imp_rounds(arch.forward, init, task, train, prune, address, state):
        save_checkpoint(ckpt, fingerprint, state)
        r = state.records[-1]
        progress.advance(train.epochs, f"round {state.next_round - 1}: {int(remaining(r.masks)[0])} weights, "
                            f"train error {float(r.train_error.mean()):.3f}")
    progress.finish()

    y_test, y_noisy = arrays.y_test[group], arrays.y_test_noisy[group]
    frames = []
    for k, r in enumerate(state.records):
        metrics = round_metrics(r.test_probs.numpy(), y_test, y_noisy, s["bins"])
        n_weights = remaining(r.masks).numpy()
        n_bias = sum(v[0].numel() for name, v in r.params.items() if name not in r.masks)
        frames.append(pd.concat([models.drop(columns="group"), pd.DataFrame({
            "round": k, "weights": n_weights, "params": n_weights + n_bias,
            "train_error": r.train_error.numpy(), "train_loss": r.train_loss.numpy()}), metrics], axis=1))
    rounds = pd.concat(frames, ignore_index=True)
    labels = pd.DataFrame({"group": np.repeat(np.arange(len(arrays.nus)), arrays.y_test.shape[1]),
                           "y_test": arrays.y_test.ravel(), "y_test_noisy": arrays.y_test_noisy.ravel()})
    write_run(args.out, models, rounds, labels, state.records)
    ckpt.unlink(missing_ok=True)


@command("imp-summary", ("--runs", MANY), ("--out", REQ))
def imp_summary(args: argparse.Namespace) -> None:
    """Every round of every IMP run, and each trajectory's best pruned model, in one file."""
    from lottery.arora.analysis import best_rounds
    from lottery.core.storage import atomic_hdf, read_frame

    rounds = pd.concat([read_frame(p, "rounds") for p in args.runs], ignore_index=True)
    best = best_rounds(rounds)
    with atomic_hdf(args.out) as store:
        store.put("rounds", rounds, format="table", track_times=False)
        store.put("best", best, format="table", track_times=False)
    log.info("%d trajectories, %d rounds; effective parameters:\n%s", len(best), len(rounds),
             best.groupby(["dataset", "arch", "classes"])["effective_params"].describe().to_string())


def _kind_rounds(models: pd.DataFrame, rounds: pd.DataFrame) -> dict[str, np.ndarray]:
    """Round index of the full (0) and the best pruned model of each model of one run, in model order."""
    from lottery.arora.analysis import best_rounds

    order = models[["nu", "repetition"]].reset_index(names="model")
    best = order.merge(best_rounds(rounds), on=["nu", "repetition"], how="left").sort_values("model")
    return {"full": np.zeros(len(best), dtype=int), "pruned": best["round"].to_numpy()}


def _mixture_calibration(path: str, s: dict, task: str) -> dict[str, pd.DataFrame]:
    """Fig 5 data of one mixture run at its first figure nu, from stored weights and test probabilities."""
    import torch

    from lottery.arora import data as mix
    from lottery.arora.analysis import posterior_frames
    from lottery.arora.models import architecture
    from lottery.arora.store import read_probs, read_weights
    from lottery.core.seeds import seed_address
    from lottery.core.storage import read_frame

    nu = s["mixture"][task]["figure_nus"][0]
    models, rounds, labels = read_frame(path, "models"), read_frame(path, "rounds"), read_frame(path, "labels")
    sel = np.flatnonzero(np.isclose(models["nu"], nu))
    mixture = mix.mixture(task, nu, s["mixture"]["dim"])
    arch = architecture("fcn2")
    shapes = arch.shapes((s["mixture"]["dim"],), 2, int(models["width"].iloc[0]), bool(s["mixture"]["bias"]))
    weights = {k: read_weights(path, k, shape) for k, shape in shapes.items()}
    probs = read_probs(path, 2)
    params, test_p0 = {}, {}
    for kind, r_of in _kind_rounds(models, rounds).items():
        params[kind] = {k: torch.as_tensor(np.stack([w[i, r_of[i]] for i in sel])) for k, w in weights.items()}
        test_p0[kind] = np.stack([probs[i, r_of[i], :, 0] for i in sel])
    y = labels[labels["group"] == int(models["group"].iloc[sel[0]])]["y_test"].to_numpy()
    rng = np.random.default_rng(seed_address(s["seed"], "fig5 probe", task, f"{nu:g}"))
    cloud_x, _ = mix.sample(mixture, s["mixture"]["probe_samples"], rng)
    frames = posterior_frames(mixture, arch.forward, params, test_p0, y, s["mixture"]["line_points"], cloud_x,
                              s["bins"])
    return {k: v.assign(dataset=task) for k, v in frames.items()}


def _probs_by_kind(path: str, n_classes: int, nu: float | None) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per kind (full, pruned): test probabilities ``[models, n, C]`` and clean/noisy labels ``[models, n]``."""
    from lottery.arora.store import read_probs
    from lottery.core.storage import read_frame

    models, rounds, labels = read_frame(path, "models"), read_frame(path, "rounds"), read_frame(path, "labels")
    kinds = _kind_rounds(models, rounds)
    sel = np.arange(len(models)) if nu is None else np.flatnonzero(np.isclose(models["nu"], nu))
    probs = read_probs(path, n_classes)
    out = {}
    for kind, r_of in kinds.items():
        p = np.stack([probs[i, r_of[i]] for i in sel])
        lab = [labels[labels["group"] == models["group"].iloc[i]] for i in sel]
        out[kind] = (p, *(np.stack([x[c].to_numpy() for x in lab]) for c in ("y_test", "y_test_noisy")))
    return out


@command("imp-calibration", ("--mixture-runs", MANY), ("--real-runs", MANY), ("--settings", REQ), ("--out", REQ))
def imp_calibration(args: argparse.Namespace) -> None:
    """Data of Figs 5, 6 and S4 from stored weights and test probabilities (no retraining)."""
    from lottery.arora.analysis import classwise_reliability, top_label_reliability
    from lottery.core.storage import atomic_hdf, read_frame

    s = settings_of(args)
    keys = ("line", "reliab5", "cloud", "classwise", "confidence", "s4")
    frames: dict[str, list[pd.DataFrame]] = {k: [] for k in keys}
    panels = []
    for path in args.mixture_runs:
        task = str(read_frame(path, "models")["dataset"].iloc[0])
        for k, v in _mixture_calibration(path, s, task).items():
            frames[k].append(v)
        nu = s["mixture"][task]["figure_nus"][0]
        panels.append((path, nu, f"{task}, nu = {nu:g}"))
    for path in args.real_runs:
        models = read_frame(path, "models")
        dataset, n_classes = str(models["dataset"].iloc[0]), int(models["classes"].iloc[0])
        for kind, (p, y, _) in _probs_by_kind(path, n_classes, None).items():
            frames["classwise"].append(classwise_reliability(p, y, s["bins"]).assign(dataset=dataset, kind=kind))
            confidence = p.max(-1).ravel()
            frames["confidence"].append(pd.DataFrame({"dataset": dataset, "kind": kind, "confidence": confidence}))
        panels.append((path, None, dataset))
    for path, nu, panel in panels:
        n_classes = int(read_frame(path, "models")["classes"].iloc[0])
        for kind, (p, y, y_noisy) in _probs_by_kind(path, n_classes, nu).items():
            for which, lab in (("clean", y), ("noisy", y_noisy)):
                curve = top_label_reliability(p, lab, s["bins"])
                frames["s4"].append(curve.assign(panel=panel, kind=kind, labels=which))
    with atomic_hdf(args.out) as store:
        for k, v in frames.items():
            store.put(k, pd.concat(v, ignore_index=True), format="table", track_times=False)


def _fig_inputs(s: dict, summary: str | None, calibration: str | None) -> dict[str, pd.DataFrame]:
    from lottery.core.storage import read_frame

    out = {}
    if summary:
        out["rounds"], out["best"] = read_frame(summary, "rounds"), read_frame(summary, "best")
    if calibration:
        for key in ("line", "reliab5", "cloud", "classwise", "confidence", "s4"):
            out[key] = read_frame(calibration, key)
    return out


def _real_fcn2(frame: pd.DataFrame, s: dict) -> pd.DataFrame:
    """Rows of the real-data two-layer FCN runs of Fig 1 (all classes, the configured widths)."""
    img = s["images"]
    return frame[frame["dataset"].isin(s["real"]) & (frame["arch"] == "fcn2") & (frame["classes"] == img["classes"])
                 & frame["width"].isin(img["widths"])]


def _mixtures(frame: pd.DataFrame, s: dict) -> pd.DataFrame:
    return frame[frame["dataset"].isin(["linear", "xor"]) & frame["width"].isin(s["mixture"]["widths"])]


def _effective_mixtures(best: pd.DataFrame, s: dict) -> pd.DataFrame:
    """Best pruned mixture models of start widths large enough not to cap the effective count."""
    best = _mixtures(best, s)
    return best[best["width"] >= s["mixture"]["effective_min_width"]]


def _trajectories(rounds: pd.DataFrame, s: dict) -> pd.DataFrame:
    """Fig 7: repetition 0 of the calibration start model of each task."""
    parts = []
    for task in ("linear", "xor"):
        nu = s["mixture"][task]["figure_nus"][0]
        sel = rounds[(rounds["dataset"] == task) & np.isclose(rounds["nu"], nu)
                     & (rounds["width"] == s["mixture"]["calibration_width"]) & (rounds["repetition"] == 0)]
        parts.append(sel.assign(panel=f"{task}, nu = {nu:g}, P = {s['mixture']['calibration_width']}"))
    for d in s["real"]:
        img = s["images"]
        sel = rounds[(rounds["dataset"] == d) & (rounds["arch"] == "fcn2") & (rounds["classes"] == img["classes"])
                     & (rounds["width"] == img["calibration_width"]) & (rounds["repetition"] == 0)]
        parts.append(sel.assign(panel=f"{d}, FCN2, P = {img['calibration_width']}"))
    return pd.concat(parts, ignore_index=True)


def _build_figure(name: str, f: dict[str, pd.DataFrame], s: dict):
    from lottery.arora.analysis import effective_summary, sparse_curves
    from lottery.arora import plots

    img = s["images"]
    if name == "fig1":
        return plots.plot_fig1(sparse_curves(_real_fcn2(f["rounds"], s), ["dataset", "arch"]), s["real"])
    if name == "fig2":
        curves = sparse_curves(_mixtures(f["rounds"], s), ["dataset", "nu"])
        return plots.plot_fig2(curves, {t: s["mixture"][t]["figure_nus"] for t in ("linear", "xor")})
    if name == "fig3a":
        return plots.plot_fig3a(effective_summary(_effective_mixtures(f["best"], s), ["dataset", "nu"]))
    if name == "fig3b":
        b = f["best"]
        b = b[b["dataset"].isin(s["real"]) & (b["arch"] == "fcn2") & b["width"].isin(img["classes_widths"])
              & b["classes"].isin(img["classes_kept"])]
        return plots.plot_fig3b(effective_summary(b, ["dataset", "classes"]))
    if name == "fig4":
        b = f["best"]
        keep = pd.concat([b[(b["arch"] == a["arch"]) & b["width"].isin(a["widths"])] for a in img["architectures"]])
        keep = keep[keep["dataset"].isin(s["real"]) & (keep["classes"] == img["classes"])]
        return plots.plot_fig4(keep, [a["arch"] for a in img["architectures"]])
    if name == "fig5":
        return plots.plot_fig5(f["line"], f["reliab5"], f["cloud"])
    if name == "fig6":
        return plots.plot_fig6(f["classwise"], f["confidence"])
    if name == "fig7":
        return plots.plot_fig7(_trajectories(f["rounds"], s))
    if name == "figs1":
        return plots.plot_figs1(_effective_mixtures(f["best"], s))
    if name == "figs4":
        return plots.plot_figs4(f["s4"])
    raise ValueError(f"unknown IMP figure {name!r}")


IMP_FIGURES = ("fig1", "fig2", "fig3a", "fig3b", "fig4", "fig5", "fig6", "fig7", "figs1", "figs4")


@command("imp-figure", ("--name", {"required": True, "choices": IMP_FIGURES}), ("--summary", {}),
         ("--calibration", {}), ("--settings", REQ), ("--out", REQ))
def imp_figure(args: argparse.Namespace) -> None:
    """One [AR] figure from the stored IMP summary and calibration data."""
    from lottery.core.style import save_figure

    s = settings_of(args)
    save_figure(_build_figure(args.name, _fig_inputs(s, args.summary, args.calibration), s), args.out)


@command("imp-tex", ("--summary", REQ), ("--calibration", REQ), ("--settings", REQ), ("--table", REQ),
         ("--macros", REQ))
def imp_tex(args: argparse.Namespace) -> None:
    """Table 1 / S2 and every number the IMP section quotes."""
    from lottery.arora.analysis import dense_bumps, table_one
    from lottery.arora.report import BUMP_TOLERANCE, imp_macros, table_cases, table_tex
    from lottery.core.texmacros import write_tex

    s = settings_of(args)
    f = _fig_inputs(s, args.summary, args.calibration)
    table = table_one(f["rounds"], f["best"], table_cases(s))
    log.info("Table 1:\n%s", table.to_string())
    write_tex(table_tex(table), args.table)
    bumps = dense_bumps(pd.concat([_mixtures(f["rounds"], s), _real_fcn2(f["rounds"], s)]), ["dataset", "nu"],
                        BUMP_TOLERANCE)
    log.info("dense double-descent bumps:\n%s", bumps.to_string())
    write_tex(imp_macros(s, table, _effective_mixtures(f["best"], s), f["cloud"], bumps), args.macros)
