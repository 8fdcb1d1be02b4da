"""The scale ladder (ours, not in either paper): one rung is each mixture's Fig 5 start model
trained on one training-set size. A rung's results have the shape of a whole run's IMP summary
and calibration data, restricted to Fig 5's nu, so the claims stage judges them with the same
measures and the same "can this run decide it" conditions as the main run."""
from __future__ import annotations

import numpy as np
import pandas as pd

from lottery.arora.analysis.calibration_frames import CalibrationSettings, mixture_posteriors
from lottery.arora.analysis.imp import summary_frames
from lottery.arora.store import StoredRun


def rung_frames(runs: list[StoredRun], s: CalibrationSettings) -> tuple[dict[str, pd.DataFrame],
                                                                         dict[str, pd.DataFrame]]:
    """A rung's IMP summary (every round, best pruned models) and Fig 5 calibration frames (line,
    reliab5, cloud), of each run's models at its mixture's Fig 5 nu only."""
    rounds, calibration = [], {}
    for run in runs:
        nu = s.figure_nu[str(run.models["dataset"].iloc[0])]
        rounds.append(run.rounds[np.isclose(run.rounds["nu"], nu)])
        for key, frame in mixture_posteriors(run, s).items():
            calibration.setdefault(key, []).append(frame)
    return summary_frames(rounds), {k: pd.concat(v, ignore_index=True) for k, v in calibration.items()}
