"""Run model.onnx with onnxruntime and compare against the torch reference logits written by export_onnx.py."""

import argparse
import json
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort


def frame_count(samples: int, kernels: list, strides: list) -> int:
    """wav2vec2's unpadded conv output length."""
    for k, s in zip(kernels, strides):
        samples = (samples - k) // s + 1
    return samples


def main() -> None:
    """Fail loudly if names, shapes, frame counts or values differ from the contract/torch reference."""
    p = argparse.ArgumentParser()
    p.add_argument("--model-dir", default=str(Path(__file__).resolve().parents[2] / "models" / "demo-en"))
    p.add_argument("--reference", default="/tmp/demo-model-work/reference.npz")
    args = p.parse_args()
    cfg = json.loads(Path(args.model_dir, "config.json").read_text())
    sess = ort.InferenceSession(str(Path(args.model_dir, "model.onnx")), providers=["CPUExecutionProvider"])
    assert [i.name for i in sess.get_inputs()] == ["input_values"], sess.get_inputs()
    assert [o.name for o in sess.get_outputs()] == ["logits"], sess.get_outputs()
    ref = np.load(args.reference)
    (logits,) = sess.run(None, {"input_values": ref["input_values"]})
    diff = float(np.abs(logits - ref["logits"]).max())
    print(f"onnxruntime {ort.__version__}: logits {logits.shape}, max |onnx - torch| = {diff:.2e}")
    assert diff < 1e-3, diff
    for n in (400, 401, 719, 720, 16000, 16000 * 7 + 5):
        (out,) = sess.run(None, {"input_values": np.random.randn(3, n).astype(np.float32)})
        expected = frame_count(n, cfg["conv_kernel"], cfg["conv_stride"])
        assert out.shape == (3, expected, cfg["vocab_size"]), (n, out.shape, expected)
    print("input/output names, dynamic batch/length and wav2vec2 frame counts OK")
    graph = onnx.load(str(Path(args.model_dir, "model.onnx")))
    ops = sorted({n.op_type for n in graph.graph.node})
    print(f"opset {graph.opset_import[0].version}, ops: {', '.join(ops)}")
    assert "BatchNormalization" not in ops, "BatchNorm should have been folded into the convolutions"


if __name__ == "__main__":
    main()
