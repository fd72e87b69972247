"""A small wav2vec2-shaped CTC model: wav2vec2 conv geometry, then residual dilated conv context blocks."""

import torch
from torch import nn

CONV_KERNEL = (10, 3, 3, 3, 3, 2, 2)
CONV_STRIDE = (5, 2, 2, 2, 2, 2, 2)
VOCAB_SIZE = 32
# The shipped demo-en model's context depth; train.py builds this many unless told otherwise.
DEFAULT_BLOCKS = 15


def frame_count(samples: int) -> int:
    """Output frames for `samples` input samples, exactly as wav2vec2's unpadded conv stack computes them."""
    for k, s in zip(CONV_KERNEL, CONV_STRIDE):
        samples = (samples - k) // s + 1
    return samples


class ContextBlock(nn.Module):
    """x + Linear(GELU(BN(dilated conv(x)))); BatchNorm, not LayerNorm, because espeak silences are exact zeros."""

    def __init__(self, dim: int, dilation: int, dropout: float) -> None:
        super().__init__()
        self.conv = nn.Conv1d(dim, dim, 3, padding=dilation, dilation=dilation, bias=False)
        self.norm = nn.BatchNorm1d(dim, eps=1e-3)
        self.act = nn.GELU()
        self.drop = nn.Dropout(dropout)
        self.pointwise = nn.Linear(dim, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: [B, C, T] -> [B, C, T]."""
        h = self.act(self.norm(self.conv(x)))
        h = self.pointwise(self.drop(h).transpose(1, 2)).transpose(1, 2)
        return x + self.drop(h)


class DemoCtcModel(nn.Module):
    """input_values [B, S] -> logits [B, frames, 32] with 320 samples per frame."""

    def __init__(self, channels=(32, 48, 64, 96, 128, 160, 192), blocks: int = DEFAULT_BLOCKS, dropout: float = 0.0) -> None:
        super().__init__()
        layers, c_in = [], 1
        for c, k, s in zip(channels, CONV_KERNEL, CONV_STRIDE):
            layers += [nn.Conv1d(c_in, c, k, stride=s, bias=False), nn.BatchNorm1d(c, eps=1e-3), nn.GELU()]
            c_in = c
        self.front = nn.Sequential(*layers)
        dilations = [1, 2, 4, 8] * (blocks // 4) + [1, 2, 4, 8][: blocks % 4]
        self.context = nn.Sequential(*[ContextBlock(c_in, d, dropout) for d in dilations])
        self.classifier = nn.Linear(c_in, VOCAB_SIZE)

    def forward(self, input_values: torch.Tensor) -> torch.Tensor:
        """Logits (unnormalized) per 20 ms frame."""
        x = self.context(self.front(input_values.unsqueeze(1)))
        return self.classifier(x.transpose(1, 2))


def block_count(state_dict: dict) -> int:
    """Number of context blocks stored in a state dict."""
    return len({k.split(".")[1] for k in state_dict if k.startswith("context.")})


def load_model(checkpoint: str) -> DemoCtcModel:
    """The model saved in a training checkpoint, with as many context blocks as it was trained with."""
    state = torch.load(checkpoint)["model"]
    model = DemoCtcModel(blocks=block_count(state))
    model.load_state_dict(state)
    return model


def grow(model: DemoCtcModel, state_dict: dict) -> None:
    """Load a checkpoint with fewer context blocks; the extra blocks start as the identity.

    Zeroing a block's pointwise layer makes `x + Linear(...)` return x, so the grown model computes exactly
    what the checkpoint did and training goes on from there instead of from scratch.
    """
    missing, unexpected = model.load_state_dict(state_dict, strict=False)
    if unexpected or any(not k.startswith("context.") for k in missing):
        raise ValueError(f"checkpoint does not fit the model: missing {missing}, unexpected {unexpected}")
    for i in range(block_count(state_dict), len(model.context)):
        nn.init.zeros_(model.context[i].pointwise.weight)
        nn.init.zeros_(model.context[i].pointwise.bias)
