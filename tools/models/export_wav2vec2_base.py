"""Export a model of the real wav2vec2-base architecture, with random weights, in the Hugging Face ONNX shape.

It exists to measure inference and quantization on the true size and operator mix of wav2vec2-base (95 M
parameters, 12 transformer layers) without downloading the hub checkpoint, which this project cannot do offline.
The weights are random, so its logits carry no speech information: use it for speed and for fp32-vs-int8
agreement, never for alignment quality.

Run with an interpreter that has torch and torchaudio (Debian's /usr/bin/python3 here):
    python3 tools/models/export_wav2vec2_base.py [--out DIR] [--opset 14] [--seed 0]
"""

import argparse
import json
import os
from pathlib import Path

import torch
import torchaudio
from torch import nn

# facebook/wav2vec2-base-960h's vocabulary, so the model directory works with the project's aligner unchanged.
VOCAB = {
    "<pad>": 0, "<s>": 1, "</s>": 2, "<unk>": 3, "|": 4, "E": 5, "T": 6, "A": 7, "O": 8, "N": 9, "I": 10,
    "H": 11, "S": 12, "R": 13, "D": 14, "L": 15, "U": 16, "M": 17, "W": 18, "C": 19, "F": 20, "G": 21,
    "Y": 22, "P": 23, "B": 24, "V": 25, "K": 26, "'": 27, "X": 28, "J": 29, "Q": 30, "Z": 31,
}
CONV_KERNEL = [10, 3, 3, 3, 3, 2, 2]
CONV_STRIDE = [5, 2, 2, 2, 2, 2, 2]
DEFAULT_OUT = Path(__file__).resolve().parents[2] / ".cache" / "models" / "wav2vec2-base-random"


class LogitsOnly(nn.Module):
    """torchaudio's Wav2Vec2Model returns (logits, lengths); the HF contract has one output, `logits`."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, input_values: torch.Tensor) -> torch.Tensor:
        logits, _ = self.model(input_values)
        return logits


def export_logits_onnx(model: nn.Module, example: torch.Tensor, path: Path, opset: int) -> None:
    """Writes torchaudio's wav2vec2 `model` as the HF graph: `input_values` [batch, samples] to `logits`."""
    with torch.no_grad():
        torch.onnx.export(
            LogitsOnly(model), (example,), str(path), input_names=["input_values"], output_names=["logits"],
            dynamic_axes={"input_values": {0: "batch", 1: "samples"}, "logits": {0: "batch", 1: "frames"}},
            opset_version=opset, do_constant_folding=True,
        )


def hf_config() -> dict:
    """The fields of facebook/wav2vec2-base-960h's config.json that describe the graph and its front-end."""
    return {
        "name": "wav2vec2-base-random",
        "model_type": "wav2vec2",
        "architectures": ["Wav2Vec2ForCTC"],
        "sampling_rate": 16000,
        "do_normalize": True,
        "feat_extract_norm": "group",
        "hidden_size": 768,
        "num_hidden_layers": 12,
        "num_attention_heads": 12,
        "intermediate_size": 3072,
        "conv_dim": [512] * 7,
        "conv_kernel": CONV_KERNEL,
        "conv_stride": CONV_STRIDE,
        "conv_bias": False,
        "pad_token_id": 0,
        "bos_token_id": 1,
        "eos_token_id": 2,
        "vocab_size": len(VOCAB),
        "word_delimiter_token": "|",
        "inputs_to_logits_ratio": 320,
        "random_weights": True,
    }


def export(out_dir: Path, opset: int, seed: int) -> None:
    """Build wav2vec2-base with a 32-token CTC head and write model.onnx, config.json and vocab.json."""
    torch.manual_seed(seed)
    model = torchaudio.models.wav2vec2_base(aux_num_out=len(VOCAB)).eval()
    out_dir.mkdir(parents=True, exist_ok=True)
    # Written under a temporary name of this process and renamed last, so an interrupted export never leaves a
    # half model behind, and two exports at once (test workers) never write into one file.
    partial = out_dir / f"model.onnx.partial-{os.getpid()}"
    example = torch.randn(1, 16000)
    export_logits_onnx(model, example, partial, opset)
    write_atomically(out_dir / "vocab.json", json.dumps(VOCAB) + "\n")
    write_atomically(out_dir / "config.json", json.dumps(hf_config(), indent=2) + "\n")
    partial.rename(out_dir / "model.onnx")


def write_atomically(path: Path, text: str) -> None:
    """A reader of the folder (another export's caller) never sees half a file."""
    partial = path.with_name(f"{path.name}.partial-{os.getpid()}")
    partial.write_text(text)
    partial.rename(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="model directory to write")
    parser.add_argument("--opset", type=int, default=14, help="ONNX opset (14 or later)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random weights")
    args = parser.parse_args()
    if args.opset < 14:
        parser.error("--opset must be 14 or later (the Hugging Face exports this project targets use 14+)")
    export(args.out, args.opset, args.seed)
    print(f"wrote {args.out / 'model.onnx'}")


if __name__ == "__main__":
    main()
