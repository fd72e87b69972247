"""Fold BatchNorm into the convolutions and export the model directory (model.onnx, vocab.json, config.json)."""

import argparse
import copy
import json
from pathlib import Path

import numpy as np
import torch
from torch import nn

from model import CONV_KERNEL, CONV_STRIDE, ContextBlock, DemoCtcModel, frame_count, load_model
from text_targets import VOCAB


def _fold(conv: nn.Conv1d, bn: nn.BatchNorm1d) -> nn.Conv1d:
    """A conv with bias that computes bn(conv(x)) in eval mode."""
    scale = bn.weight / torch.sqrt(bn.running_var + bn.eps)
    fused = nn.Conv1d(conv.in_channels, conv.out_channels, conv.kernel_size, conv.stride, conv.padding,
                      conv.dilation, bias=True)
    fused.weight.data = conv.weight.data * scale[:, None, None]
    bias = conv.bias.data if conv.bias is not None else torch.zeros_like(bn.running_mean)
    fused.bias.data = (bias - bn.running_mean) * scale + bn.bias
    return fused


def fold_batchnorm(model: DemoCtcModel) -> DemoCtcModel:
    """Copy of the model with every Conv+BatchNorm pair replaced by one biased Conv (BN becomes Identity)."""
    m = copy.deepcopy(model).eval()
    layers = list(m.front)
    for i in range(0, len(layers), 3):
        layers[i], layers[i + 1] = _fold(layers[i], layers[i + 1]), nn.Identity()
    m.front = nn.Sequential(*layers)
    for block in m.context:
        assert isinstance(block, ContextBlock)
        block.conv, block.norm = _fold(block.conv, block.norm), nn.Identity()
    return m


def write_model_dir(model: DemoCtcModel, out_dir: Path, timing: dict) -> None:
    """Export ONNX (opset 14, dynamic batch/length) and the HF-style vocab.json and config.json."""
    out_dir.mkdir(parents=True, exist_ok=True)
    folded = fold_batchnorm(model)
    example = torch.randn(1, 16000)
    torch.onnx.export(
        folded, (example,), str(out_dir / "model.onnx"), input_names=["input_values"], output_names=["logits"],
        dynamic_axes={"input_values": {0: "batch", 1: "samples"}, "logits": {0: "batch", 1: "frames"}},
        opset_version=14, do_constant_folding=True,
    )
    (out_dir / "vocab.json").write_text(json.dumps(VOCAB) + "\n")
    config = {
        "name": "demo-en",
        "model_type": "wav2vec2",
        "architectures": ["Wav2Vec2ForCTC"],
        "sampling_rate": 16000,
        "do_normalize": True,
        "pad_token_id": 0,
        "bos_token_id": 1,
        "eos_token_id": 2,
        "vocab_size": len(VOCAB),
        "word_delimiter_token": "|",
        "conv_kernel": list(CONV_KERNEL),
        "conv_stride": list(CONV_STRIDE),
        "inputs_to_logits_ratio": 320,
        "timing_correction": timing,
    }
    (out_dir / "config.json").write_text(json.dumps(config, indent=2) + "\n")


def check_folding(model: DemoCtcModel) -> float:
    """Largest absolute logit difference between the BN model and its folded copy, and a frame-count check."""
    model = model.eval()
    folded = fold_batchnorm(model)
    worst = 0.0
    for n in (400, 16000, 16000 * 3 + 123):
        x = torch.randn(2, n)
        with torch.no_grad():
            a, b = model(x), folded(x)
        if a.shape[1] != frame_count(n):
            raise AssertionError(f"{n} samples gave {a.shape[1]} frames, wav2vec2 gives {frame_count(n)}")
        worst = max(worst, float((a - b).abs().max()))
    return worst


def main() -> None:
    """Export a checkpoint, with the timing correction read from a calibration JSON (zero when absent)."""
    p = argparse.ArgumentParser()
    p.add_argument("--checkpoint", default="/tmp/demo-model-work/run/last.pt")
    p.add_argument("--calibration", default="")
    p.add_argument("--reference", default="/tmp/demo-model-work/reference.npz")
    p.add_argument("--out", default=str(Path(__file__).resolve().parents[2] / "models" / "demo-en"))
    args = p.parse_args()
    model = load_model(args.checkpoint)
    timing = {"start_sec": 0.0, "end_sec": 0.0}
    if args.calibration:
        cal = json.loads(Path(args.calibration).read_text())
        timing = {"start_sec": cal["start_sec"], "end_sec": cal["end_sec"]}
    print(f"max |torch - folded| logit difference: {check_folding(model):.2e}")
    write_model_dir(model, Path(args.out), timing)
    # Reference logits let check_onnx.py (run where onnxruntime is installed) compare the graph numerically.
    x = torch.randn(2, 16000 * 2 + 77, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        ref = model.eval()(x)
    np.savez(args.reference, input_values=x.numpy(), logits=ref.numpy())
    print(f"wrote {args.out} and {args.reference}")


if __name__ == "__main__":
    main()
