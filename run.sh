#!/usr/bin/env bash
# Set up a fresh machine and run the pipeline or its tests:
#   bash run.sh paper [snakemake args...]   install, then run the default config to paper/paper.pdf
#   bash run.sh test  [pytest args...]      install, then run the test suite
# Installs the Python package and its pinned dependencies into .venv, and TeX (latexmk,
# texlive) plus poppler-utils with apt-get when they are missing and we are root.
set -euo pipefail
cd "$(dirname "$0")"

APT_PACKAGES="latexmk texlive-latex-base texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended poppler-utils"

install_system() {
    local missing=()
    for tool in latexmk pdflatex pdftotext; do
        command -v "$tool" >/dev/null || missing+=("$tool")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
        echo "run.sh: installing ${missing[*]} with apt-get" >&2
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $APT_PACKAGES >/dev/null
    else
        echo "run.sh: missing ${missing[*]}; install them with: sudo apt-get install $APT_PACKAGES" >&2
        exit 1
    fi
}

install_python() {
    [ -x .venv/bin/python ] || python3 -m venv .venv
    .venv/bin/python -m pip install -q -e ".[test]"
    # Rules call `python -m lottery`: the venv's python must come first on PATH.
    export PATH="$PWD/.venv/bin:$PATH"
}

mode="${1:-}"
shift || true
case "$mode" in
    paper)
        install_system
        install_python
        exec snakemake --cores "${CORES:-all}" "$@"
        ;;
    test)
        install_system
        install_python
        exec python -m pytest "$@"
        ;;
    *)
        echo "usage: bash run.sh paper [snakemake args...] | bash run.sh test [pytest args...]" >&2
        exit 2
        ;;
esac
