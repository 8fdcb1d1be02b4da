#!/usr/bin/env bash
# Set up a fresh machine and run the pipeline or its tests:
#   bash run.sh paper [snakemake args...]   install, then run the default config to paper/paper.pdf
#   bash run.sh test  [pytest args...]      install, then run the test suite
#   bash run.sh reference [snakemake args]  build the paper from the shipped paper-scale results
#                                           (reference/, no training) in build/reference/
#   bash run.sh lock                        re-resolve envs/requirements.lock after editing pyproject.toml
# Installs the pinned dependencies (envs/requirements.lock) and the package into .venv, and
# with apt-get, when missing and we are root: TeX (latexmk, texlive) and poppler-utils; the
# real Fashion-MNIST (the shipped configs' real images); headless Chromium (the report test) and
# SLURM with munge (the cluster-profile test).
set -euo pipefail
cd "$(dirname "$0")"

TEX_PACKAGES="latexmk texlive-latex-base texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended poppler-utils"
FASHION_MNIST_DIR=/usr/share/datasets/fashion-mnist

# apt_install "what is missing" PACKAGES...: install when root, else name the command and stop.
apt_install() {
    local missing="$1"
    shift
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
        echo "run.sh: installing $* ($missing missing) with apt-get" >&2
        [ -n "${APT_UPDATED:-}" ] || { apt-get update -qq; APT_UPDATED=1; }
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
    else
        echo "run.sh: $missing missing; install with: sudo apt-get install $*" >&2
        exit 1
    fi
}

install_tex() {
    local missing=()
    for tool in latexmk pdflatex pdftotext; do
        command -v "$tool" >/dev/null || missing+=("$tool")
    done
    [ ${#missing[@]} -eq 0 ] || apt_install "${missing[*]}" $TEX_PACKAGES
}

install_fashion_mnist() {
    [ -d "$FASHION_MNIST_DIR" ] || apt_install "$FASHION_MNIST_DIR" dataset-fashion-mnist
}

install_chromium() {
    command -v chromium >/dev/null || apt_install chromium chromium
}

install_slurm() {
    # For the SLURM profile's test (a one-node cluster on localhost); it needs root, and without
    # it that test skips, so a user without root is not stopped here.
    [ "$(id -u)" -eq 0 ] || return 0
    command -v slurmctld >/dev/null || [ -x /usr/sbin/slurmctld ] || apt_install "slurmctld" slurm-wlm munge
}

install_python() {
    [ -x .venv/bin/python ] || python3 -m venv .venv
    .venv/bin/python -m pip install -q -r envs/requirements.lock
    .venv/bin/python -m pip install -q --no-deps -e .
    # Rules call `python -m lottery`: the venv's python must come first on PATH.
    export PATH="$PWD/.venv/bin:$PATH"
}

mode="${1:-}"
shift || true
case "$mode" in
    paper)
        install_tex
        install_fashion_mnist
        install_python
        exec snakemake --cores "${CORES:-all}" "$@"
        ;;
    test)
        install_tex
        # No test reads it, but the shipped configs name it: their dry-run tests validate them.
        install_fashion_mnist
        install_chromium
        install_slurm
        install_python
        exec python -m pytest "$@"
        ;;
    reference)
        install_tex
        install_fashion_mnist
        install_python
        python -m lottery bundle-restore --bundle reference --workdir build/reference
        exec snakemake --configfile reference/config.yaml --directory build/reference --cores "${CORES:-all}" "$@"
        ;;
    lock)
        install_python
        .venv/bin/python -m pip install -q pip-tools
        exec .venv/bin/python envs/lock.py
        ;;
    *)
        echo "usage: bash run.sh paper|reference [snakemake args...] | bash run.sh test [pytest args...] | bash run.sh lock" >&2
        exit 2
        ;;
esac
