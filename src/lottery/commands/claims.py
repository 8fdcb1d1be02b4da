"""Commands of the claims stage: every claim of [LT] and [AR] judged on one run's results, and
the verdict map drawn from the claims CSV."""
from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

from lottery.commands import MANY, REQ, command

log = logging.getLogger("lottery")


@command("claims", ("--results-dir", REQ), ("--config-json", REQ), ("--table-tex", REQ), ("--macros", REQ),
         ("--table-md", REQ), ("--csv", REQ))
def claims(args: argparse.Namespace) -> None:
    """Verdicts of every claim: LaTeX and Markdown tables, a CSV, and one verdict macro per claim."""
    from lottery.claims.evaluate import evaluate
    from lottery.claims.registry import load_header, load_registry
    from lottery.claims.report import latex_table, long_cells, markdown_table, verdict_macros
    from lottery.claims.scale import scale_sentence
    from lottery.core.texmacros import write_tex

    config = json.loads(args.config_json)
    rows = evaluate(load_registry(), args.results_dir, config)
    sentence = scale_sentence(rows["paper_scale"].tolist(), config)
    write_tex(latex_table(rows), args.table_tex)
    too_long = long_cells(rows)
    if too_long:
        log.warning("cells longer than two lines of the paper's table: %s", "; ".join(too_long))
    write_tex(verdict_macros(rows, sentence, load_header().verdict_words), args.macros)
    write_tex(markdown_table(rows, sentence), args.table_md)
    Path(args.csv).parent.mkdir(parents=True, exist_ok=True)
    rows.to_csv(args.csv, index=False)
    log.info("%s\n%s", sentence, rows[["id", "verdict", "ours", "reason"]].to_string(index=False))


@command("claims-ladder", ("--sizes", {"required": True, "nargs": "+", "type": int}), ("--rungs", MANY),
         ("--config-json", REQ), ("--csv", REQ), ("--table-tex", REQ), ("--sentences-tex", REQ))
def claims_ladder(args: argparse.Namespace) -> None:
    """The scale ladder: the claims the training-set size decides, judged at each rung (the rung
    directories ``--rungs``, one per training-set size of ``--sizes``, in order)."""
    from lottery.claims.ladder import judge_ladder, latex_sentences, latex_table
    from lottery.claims.registry import load_registry
    from lottery.core.texmacros import write_tex

    if len(args.sizes) != len(args.rungs):
        raise SystemExit(f"claims-ladder: {len(args.sizes)} sizes but {len(args.rungs)} rung directories")
    frame = judge_ladder(load_registry(), dict(zip(args.sizes, args.rungs)), json.loads(args.config_json))
    Path(args.csv).parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(args.csv, index=False)
    write_tex(latex_table(frame), args.table_tex)
    write_tex(latex_sentences(frame), args.sentences_tex)
    log.info("%s", frame[["id", "n_train", "ours", "verdict", "reason"]].to_string(index=False))
