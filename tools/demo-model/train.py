"""Train the demo CTC model on freshly synthesized speech for a fixed wall-clock budget."""

import argparse
import math
import random
import time
from pathlib import Path

import numpy as np
import torch

from audio_data import TrainStream, held_out_set
from ctc_eval import greedy_cer
from model import DEFAULT_BLOCKS, DemoCtcModel, frame_count, grow


def main() -> None:
    """Parse arguments and run training; checkpoints go to --out every few minutes."""
    p = argparse.ArgumentParser()
    p.add_argument("--corpus", default="/tmp/demo-model-work/corpus")
    p.add_argument("--out", default="/tmp/demo-model-work/run")
    p.add_argument("--minutes", type=float, default=60)
    p.add_argument("--batch-seconds", type=float, default=60)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--seed", type=int, default=1234)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--resume", default="")
    p.add_argument("--blocks", type=int, default=DEFAULT_BLOCKS)
    args = p.parse_args()

    # Debian's torch 1.13 oneDNN (mkldnn) convolution backward returns wildly wrong gradients for this model
    # (norms of 1e4-1e11 or exact zeros where float64 autograd gives ~0.3), which kept every run on the
    # all-blank CTC plateau; the native kernels agree with float64.
    torch.backends.mkldnn.enabled = False
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    torch.set_num_threads(args.threads)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    log = open(out / "train.log", "a", buffering=1)

    model = DemoCtcModel(blocks=args.blocks)
    if args.resume:
        grow(model, torch.load(args.resume)["model"])
    params = sum(p.numel() for p in model.parameters())
    log.write(f"params {params}\n")
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-2)
    ctc = torch.nn.CTCLoss(blank=0, zero_infinity=True)
    dev = held_out_set(args.corpus, "dev", 60, seed=7)
    stream = torch.utils.data.DataLoader(
        TrainStream(args.corpus, args.batch_seconds, args.seed), batch_size=None, num_workers=1, prefetch_factor=4
    )
    budget = args.minutes * 60
    start = time.time()
    last_ckpt = start
    step, seconds_seen, running = 0, 0.0, None
    for audio, lengths, targets, target_lengths in stream:
        frac = (time.time() - start) / budget
        if frac >= 1:
            break
        # Warm up over the first 5% of the time, then cosine decay on wall-clock time so the schedule ends
        # exactly when the budget does, whatever speed the shared CPU gives.
        lr = args.lr * min(1.0, (frac + 1e-3) / 0.05) * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * frac)))
        for g in opt.param_groups:
            g["lr"] = lr
        model.train()
        logits = model(audio)
        frames = torch.tensor([frame_count(int(n)) for n in lengths])
        log_probs = logits.log_softmax(-1).transpose(0, 1)
        loss = ctc(log_probs, targets, frames, target_lengths)
        if not torch.isfinite(loss):
            log.write(f"step {step} non-finite loss, skipped\n")
            opt.zero_grad()
            step += 1
            continue
        opt.zero_grad()
        loss.backward()
        gnorm = torch.nn.utils.clip_grad_norm_(model.parameters(), 2.0)
        if torch.isfinite(gnorm):
            opt.step()
        step += 1
        seconds_seen += float(lengths.sum()) / 16000
        running = float(loss) if running is None else 0.98 * running + 0.02 * float(loss)
        if step % 25 == 0:
            log.write(f"step {step} t {time.time() - start:.0f}s lr {lr:.2e} loss {running:.3f} "
                      f"audio {seconds_seen / 3600:.2f}h\n")
        if time.time() - last_ckpt > 300:
            last_ckpt = time.time()
            cer = greedy_cer(model, dev)
            log.write(f"step {step} dev greedy CER {cer:.4f}\n")
            torch.save({"model": model.state_dict(), "step": step}, out / "last.pt")
    torch.save({"model": model.state_dict(), "step": step}, out / "last.pt")
    log.write(f"done step {step} dev greedy CER {greedy_cer(model, dev):.4f} audio {seconds_seen / 3600:.2f}h\n")


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
