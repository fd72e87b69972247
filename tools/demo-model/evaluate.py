"""Calibrate the timing correction on the dev set, or measure CER and word-boundary accuracy on the test set."""

import argparse
import json
from pathlib import Path

import numpy as np
import torch

from audio_data import held_out_set
from ctc_eval import score_examples
from model import load_model


def main() -> None:
    """`--split dev` writes the calibration JSON; `--split test` applies it and prints the metrics as JSON."""
    p = argparse.ArgumentParser()
    p.add_argument("--checkpoint", default="/tmp/demo-model-work/run/last.pt")
    p.add_argument("--corpus", default="/tmp/demo-model-work/corpus")
    p.add_argument("--split", choices=["dev", "test"], required=True)
    p.add_argument("--count", type=int, default=300)
    p.add_argument("--calibration", default="/tmp/demo-model-work/calibration.json")
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    model = load_model(args.checkpoint)
    model.eval()
    # Seeds differ from the training script's dev monitor set so calibration is not tuned on what was watched.
    examples = held_out_set(args.corpus, args.split, args.count, seed=11 if args.split == "dev" else 23)
    cer, starts, ends = score_examples(model, examples)
    if args.split == "dev":
        # The median minimises mean absolute error, so it is the offset that best centres the errors.
        cal = {"start_sec": round(-float(np.median(starts)), 3) + 0.0, "end_sec": round(-float(np.median(ends)), 3) + 0.0,
               "dev_utterances": len(examples), "dev_starts": len(starts), "dev_ends": len(ends),
               "dev_greedy_cer": round(cer, 4)}
        Path(args.calibration).write_text(json.dumps(cal, indent=2) + "\n")
        print(json.dumps(cal))
        return
    cal = json.loads(Path(args.calibration).read_text())
    s_err = np.abs(starts + cal["start_sec"])
    e_err = np.abs(ends + cal["end_sec"])
    both = np.concatenate([s_err, e_err])
    report = {
        "test_utterances": len(examples),
        "greedy_cer": round(cer, 4),
        "start_mae_ms": round(1000 * float(s_err.mean()), 1),
        "end_mae_ms": round(1000 * float(e_err.mean()), 1),
        "boundary_mae_ms": round(1000 * float(both.mean()), 1),
        "within_50ms": round(float((both <= 0.05).mean()), 4),
        "within_20ms": round(float((both <= 0.02).mean()), 4),
        "starts": len(starts),
        "ends": len(ends),
        "uncorrected_mean_start_ms": round(1000 * float(starts.mean()), 1),
        "uncorrected_mean_end_ms": round(1000 * float(ends.mean()), 1),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
