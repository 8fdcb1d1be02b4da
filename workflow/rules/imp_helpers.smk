# Helpers of the [AR] IMP rules (imp.smk): which run files the figures need, and each job's settings.
IMP = config["imp"]
IMIX, IIMG = IMP["mixture"], IMP["images"]
MIXTURES = ("linear", "xor")
# Real-image data sets: the bundled digits always; MNIST and CIFAR-10 only when their directory exists.
IMP_REAL = ["digits"] + [d for d in ("mnist", "cifar10") if IIMG[f"{d}_dir"] and Path(IIMG[f"{d}_dir"]).is_dir()]
IMP_SETTINGS = settings(IMP, real=IMP_REAL)


def imp_run_file(dataset, arch, width, classes):
    """One IMP job: every (nu, repetition) model of one start architecture and width."""
    return f"results/imp/runs/{dataset}_{arch}_W{width}_C{classes}.h5"


def imp_run_settings(wildcards):
    """The JSON settings of one IMP job, from its wildcards and the imp config section."""
    base = {"seed": IMP["seed"], "dtype": IMP["dtype"], "bins": IMP["bins"], "device": config["device"],
            "threads": config["threads"]}
    if wildcards.dataset in MIXTURES:
        task = IMIX[wildcards.dataset]
        data = {k: IMIX[k] for k in ("dim", "n_train", "n_test")}
        data.update({k: task[k] for k in ("nus", "noise", "test_noise")})
        return settings(base, repetitions=IMIX["repetitions"], bias=IMIX["bias"], train=IMIX["train"],
                        prune=IMIX["prune"], mixture=data)
    train = {**IIMG["train"], **IIMG["train_by_arch"].get(wildcards.arch, {})}
    data = {k: IIMG[k] for k in ("mnist_dir", "fashion_mnist_dir", "cifar10_dir", "train_subset", "test_fraction",
                                 "noise", "test_noise")}
    return settings(base, repetitions=IIMG["repetitions"], bias=IIMG["bias"], train=train, prune=IIMG["prune"],
                    images=data)


IMP_MIX_RUNS = [imp_run_file(t, "fcn2", w, 2) for t in MIXTURES for w in IMIX["widths"]]
IMP_REAL_RUNS = sorted(
    {imp_run_file(d, "fcn2", w, IIMG["classes"]) for d in IMP_REAL for w in IIMG["widths"]}
    | {imp_run_file(d, "fcn2", w, k) for d in IMP_REAL for w in IIMG["classes_widths"] for k in IIMG["classes_kept"]}
    | {imp_run_file(d, a["arch"], w, IIMG["classes"]) for d in IMP_REAL for a in IIMG["architectures"] for w in a["widths"]}
)
IMP_CAL_MIX = [imp_run_file(t, "fcn2", IMIX["calibration_width"], 2) for t in MIXTURES]
IMP_CAL_REAL = [imp_run_file(d, "fcn2", IIMG["calibration_width"], IIMG["classes"]) for d in IMP_REAL]
IMP_SUMMARY = "results/imp/summary.h5"
IMP_CALIBRATION = "results/imp/calibration.h5"
