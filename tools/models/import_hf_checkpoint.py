"""Import a downloaded Hugging Face wav2vec2 CTC checkpoint into a model directory, without transformers.

The checkpoint folder is what the hub serves for a `Wav2Vec2ForCTC` model: `config.json`, `vocab.json` and the
weights, as `model.safetensors` or `pytorch_model.bin` (or their sharded form with a `*.index.json`), plus
`preprocessor_config.json`, `tokenizer_config.json`, `special_tokens_map.json` and `added_tokens.json` when
present. The weights are loaded into torchaudio's wav2vec2 model, exported to ONNX (`input_values`
[batch, samples] -> `logits` [batch, frames, vocab]) and written with `vocab.json`, `config.json` and those side
files into a new model directory (docs/model-directory.md).

Run with an interpreter that has torch, torchaudio and onnx (Debian: python3-torch, python3-torchaudio,
python3-onnx); transformers is not needed:
    python3 tools/models/import_hf_checkpoint.py CHECKPOINT_DIR OUT_MODEL_DIR [--opset 14]
"""

import argparse
import json
import math
import shutil
import struct
import sys
from pathlib import Path

import onnx
import torch
import torchaudio
from torch import nn

# The sibling export script's ONNX export, so both write one graph contract (`input_values` to `logits`). Python
# puts this script's folder on the import path when it runs it.
from export_wav2vec2_base import export_logits_onnx


class CheckpointError(Exception):
    """A checkpoint this importer cannot turn into a model directory; the message names the file or tensor."""


# Wav2Vec2Config's defaults (transformers/models/wav2vec2/configuration_wav2vec2.py), used for fields a
# config.json leaves out, as transformers itself would.
CONFIG_DEFAULTS = {
    "vocab_size": 32,
    "hidden_size": 768,
    "num_hidden_layers": 12,
    "num_attention_heads": 12,
    "intermediate_size": 3072,
    "hidden_act": "gelu",
    "layer_norm_eps": 1e-5,
    "feat_extract_norm": "group",
    "feat_extract_activation": "gelu",
    "conv_dim": [512, 512, 512, 512, 512, 512, 512],
    "conv_stride": [5, 2, 2, 2, 2, 2, 2],
    "conv_kernel": [10, 3, 3, 3, 3, 2, 2],
    "conv_bias": False,
    "num_conv_pos_embeddings": 128,
    "num_conv_pos_embedding_groups": 16,
    "do_stable_layer_norm": False,
    "add_adapter": False,
    "adapter_attn_dim": None,
}

# Copied along as they are: the model directory's loader reads the first three for what config.json leaves out,
# and all of them keep the folder usable as a Hugging Face processor.
SIDE_FILES = ("preprocessor_config.json", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json")

# ONNX files are one protobuf message, which cannot exceed 2 GiB; the model directory holds a single model.onnx.
ONNX_LIMIT_BYTES = 2**31 - 2**24


# ---------------------------------------------------------------------------------------------------------------
# config.json -> torchaudio's wav2vec2_model() arguments
# ---------------------------------------------------------------------------------------------------------------


def read_json(path: Path) -> dict:
    """A checkpoint file that must hold a JSON object."""
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CheckpointError(f"{path.name} not found in {path.parent}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise CheckpointError(f"{path.name} is not valid JSON: {error}") from None
    if not isinstance(value, dict):
        raise CheckpointError(f"{path.name} must hold a JSON object")
    return value


def effective_config(config: dict) -> dict:
    """config.json over Wav2Vec2Config's defaults, with the fields the import depends on checked."""
    model_type = config.get("model_type", "wav2vec2")
    if model_type != "wav2vec2":
        raise CheckpointError(f'config.json model_type is "{model_type}"; only "wav2vec2" checkpoints are supported')
    architectures = config.get("architectures") or ["Wav2Vec2ForCTC"]
    if "Wav2Vec2ForCTC" not in architectures:
        raise CheckpointError(
            f"config.json architectures is {architectures}: only Wav2Vec2ForCTC (a CTC fine-tuned model with an"
            " lm_head) can align; a pretrained-only checkpoint has no output layer"
        )
    cfg = {**CONFIG_DEFAULTS, **{k: v for k, v in config.items() if k in CONFIG_DEFAULTS}}
    for field in ("hidden_act", "feat_extract_activation"):
        if cfg[field] != "gelu":
            raise CheckpointError(f'config.json {field} is "{cfg[field]}"; torchaudio\'s wav2vec2 only has "gelu"')
    if cfg["feat_extract_norm"] not in ("group", "layer"):
        raise CheckpointError(f'config.json feat_extract_norm is "{cfg["feat_extract_norm"]}"; expected "group" or "layer"')
    if cfg["add_adapter"]:
        raise CheckpointError("config.json add_adapter is true: the output adapter after the encoder is not supported")
    if cfg["adapter_attn_dim"] is not None:
        raise CheckpointError(
            "config.json adapter_attn_dim is set (per-language attention adapters, as in MMS): not supported"
        )
    lengths = {len(cfg[f]) if isinstance(cfg[f], list) else -1 for f in ("conv_dim", "conv_kernel", "conv_stride")}
    if len(lengths) != 1 or -1 in lengths:
        raise CheckpointError("config.json conv_dim, conv_kernel and conv_stride must be lists of the same length")
    if cfg["hidden_size"] % cfg["num_attention_heads"] != 0:
        raise CheckpointError("config.json hidden_size must be a multiple of num_attention_heads")
    return cfg


def torchaudio_arguments(cfg: dict) -> dict:
    """The arguments of torchaudio.models.wav2vec2_model, as torchaudio's `_get_config` derives them.

    Follows torchaudio/models/wav2vec2/utils/import_huggingface.py (`_get_config`), reading the fields from
    config.json instead of a transformers config object. Dropouts and layer drop are training-only and set to 0.
    """
    return {
        "extractor_mode": f"{cfg['feat_extract_norm']}_norm",
        "extractor_conv_layer_config": list(zip(cfg["conv_dim"], cfg["conv_kernel"], cfg["conv_stride"])),
        "extractor_conv_bias": bool(cfg["conv_bias"]),
        "encoder_embed_dim": cfg["hidden_size"],
        "encoder_projection_dropout": 0.0,
        "encoder_pos_conv_kernel": cfg["num_conv_pos_embeddings"],
        "encoder_pos_conv_groups": cfg["num_conv_pos_embedding_groups"],
        "encoder_num_layers": cfg["num_hidden_layers"],
        "encoder_num_heads": cfg["num_attention_heads"],
        "encoder_attention_dropout": 0.0,
        "encoder_ff_interm_features": cfg["intermediate_size"],
        "encoder_ff_interm_dropout": 0.0,
        "encoder_dropout": 0.0,
        "encoder_layer_norm_first": bool(cfg["do_stable_layer_norm"]),
        "encoder_layer_drop": 0.0,
        "aux_num_out": cfg["vocab_size"],
    }


# ---------------------------------------------------------------------------------------------------------------
# Reading the weights
# ---------------------------------------------------------------------------------------------------------------

# The safetensors format (https://github.com/huggingface/safetensors, "Format"), read here without the
# safetensors package:
#
#   bytes 0..8      N, an unsigned 64-bit little-endian integer: the size of the header in bytes
#   bytes 8..8+N    the header: a UTF-8 JSON object, which may be padded at the end with spaces (0x20).
#                   Each key is a tensor name and maps to
#                       {"dtype": "F32", "shape": [768, 512], "data_offsets": [BEGIN, END]}
#                   except the optional key "__metadata__", a map of strings to strings (e.g. {"format": "pt"}).
#   bytes 8+N..     the byte buffer. A tensor's bytes are buffer[BEGIN:END], offsets counted from the start of the
#                   buffer (not of the file); END - BEGIN = product(shape) * size of dtype. Values are
#                   little-endian and in row-major (C) order, with no strides. A shape of [] is a scalar (one
#                   value) and a 0 in the shape an empty tensor. The tensors cover the buffer entirely, without
#                   holes or overlaps (writers order them by alignment, then name).
#   dtypes          BOOL, U8, I8, I16, U16, I32, U32, I64, U64, F16, BF16, F32, F64 (and 8-bit floats such as
#                   F8_E4M3, F8_E5M2); checkpoints hold F32, F16 or BF16.
#
# A sharded checkpoint is model-00001-of-0000N.safetensors ... plus model.safetensors.index.json, whose
# "weight_map" maps each tensor name to the shard file holding it (pytorch_model.bin.index.json likewise).
# Unlike a pickle, reading this format never runs code, so it is the one to prefer.
SAFETENSORS_DTYPES = {
    "F64": (torch.float64, 8),
    "F32": (torch.float32, 4),
    "F16": (torch.float16, 2),
    "BF16": (torch.bfloat16, 2),
    "I64": (torch.int64, 8),
    "I32": (torch.int32, 4),
    "I16": (torch.int16, 2),
    "I8": (torch.int8, 1),
    "U8": (torch.uint8, 1),
    "BOOL": (torch.bool, 1),
}
SAFETENSORS_MAX_HEADER = 100 * 1024 * 1024


def read_safetensors(path: Path) -> dict:
    """Tensors of one .safetensors file, checked against the format above."""
    if sys.byteorder != "little":
        raise CheckpointError("reading safetensors needs a little-endian machine")
    try:
        data = bytearray(path.read_bytes())  # writable, so torch.frombuffer shares it without a warning
    except OSError as error:
        raise CheckpointError(f"{path.name} cannot be read: {error.strerror}") from None
    if len(data) < 8:
        raise CheckpointError(f"{path.name}: too short for a safetensors file")
    (header_size,) = struct.unpack("<Q", data[:8])
    if header_size > SAFETENSORS_MAX_HEADER or 8 + header_size > len(data):
        raise CheckpointError(
            f"{path.name}: header size {header_size} does not fit the file ({len(data)} bytes):"
            " not a safetensors file, or truncated"
        )
    try:
        header = json.loads(data[8 : 8 + header_size].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CheckpointError(f"{path.name}: header is not JSON ({error})") from None
    if not isinstance(header, dict):
        raise CheckpointError(f"{path.name}: header is not a JSON object")
    start = 8 + header_size
    buffer_size = len(data) - start
    tensors = {}
    spans = []
    for name, info in header.items():
        if name == "__metadata__":
            continue
        try:
            dtype, itemsize = SAFETENSORS_DTYPES[info["dtype"]]
            shape = [int(d) for d in info["shape"]]
            begin, end = (int(o) for o in info["data_offsets"])
        except (KeyError, TypeError, ValueError):
            raise CheckpointError(f'{path.name}: tensor "{name}" has a malformed or unsupported entry {info}') from None
        count = math.prod(shape)
        if 0 <= begin <= end and end > buffer_size:
            raise CheckpointError(
                f'{path.name}: tensor "{name}" ends at byte {end} of the data, which holds only {buffer_size}'
                " bytes: the file is truncated"
            )
        if min(shape, default=0) < 0 or not 0 <= begin <= end or end - begin != count * itemsize:
            raise CheckpointError(
                f'{path.name}: tensor "{name}" ({info["dtype"]} {shape}) has data_offsets [{begin}, {end}]'
                " that do not match its size"
            )
        spans.append((begin, end, name))
        if count == 0:
            tensors[name] = torch.empty(shape, dtype=dtype)
        else:
            tensors[name] = torch.frombuffer(data, dtype=dtype, count=count, offset=start + begin).reshape(shape)
    position = 0
    for begin, end, name in sorted(spans):
        if begin != position:
            problem = "overlaps the tensor before it" if begin < position else "leaves a hole before it"
            raise CheckpointError(f'{path.name}: tensor "{name}" {problem} in the byte buffer')
        position = end
    if position != buffer_size:
        raise CheckpointError(f"{path.name}: {buffer_size - position} bytes after the last tensor")
    return tensors


def read_pickle(path: Path) -> dict:
    """Tensors of a pytorch_model.bin, unpickled with torch's restricted (weights-only) unpickler.

    A plain pickle can run arbitrary code while loading, so torch.load(weights_only=True) is used: it accepts only
    tensors, storages and plain containers, which is all a transformers state dict holds, and refuses anything else.
    torch has it since 1.13; an older torch is refused rather than trusted.
    """
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:  # the unpickler raises many types; each means "not readable as tensors"
        if isinstance(error, TypeError) and "weights_only" in str(error):
            raise CheckpointError(
                f"{path.name}: this torch has no weights_only loading (1.13+); use the model.safetensors file instead"
            ) from None
        raise CheckpointError(f"{path.name} could not be read as tensors only: {error}") from None
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise CheckpointError(f"{path.name} is not a state dict of tensors")
    return dict(state)


def read_weights(checkpoint: Path) -> tuple:
    """(tensors by name, the file(s) they came from). safetensors is preferred over the pickle when both exist."""
    candidates = [
        ("model.safetensors", None, read_safetensors),
        ("model.safetensors.index.json", "index", read_safetensors),
        ("pytorch_model.bin", None, read_pickle),
        ("pytorch_model.bin.index.json", "index", read_pickle),
    ]
    for name, kind, reader in candidates:
        path = checkpoint / name
        if not path.exists():
            continue
        if kind is None:
            return reader(path), name
        weight_map = read_json(path).get("weight_map")
        if not isinstance(weight_map, dict) or not weight_map:
            raise CheckpointError(f"{name} has no weight_map")
        tensors = {}
        for shard in sorted(set(weight_map.values())):
            if not isinstance(shard, str) or Path(shard).name != shard:
                raise CheckpointError(f"{name} names a shard {shard!r} that is not a file name in the checkpoint folder")
            for key, value in reader(checkpoint / shard).items():
                if key in tensors:
                    raise CheckpointError(f'tensor "{key}" appears in more than one shard ({shard})')
                tensors[key] = value
        absent = sorted(set(weight_map) - set(tensors))
        if absent:
            raise CheckpointError(f'{name} lists tensor "{absent[0]}" but its shard does not hold it')
        return tensors, name
    raise CheckpointError(
        f"{checkpoint} has no weights: expected model.safetensors or pytorch_model.bin (or a sharded *.index.json)"
    )


# ---------------------------------------------------------------------------------------------------------------
# Hugging Face parameter names -> torchaudio's
# ---------------------------------------------------------------------------------------------------------------

# torchaudio's importer (import_huggingface.py, `_build`) copies three submodules' state dicts whole, because
# torchaudio's wav2vec2 mirrors transformers' module tree below them, and the CTC head into `aux`:
#   Wav2Vec2ForCTC.wav2vec2.feature_extractor  -> Wav2Vec2Model.feature_extractor
#   Wav2Vec2ForCTC.wav2vec2.feature_projection -> Wav2Vec2Model.encoder.feature_projection
#   Wav2Vec2ForCTC.wav2vec2.encoder            -> Wav2Vec2Model.encoder.transformer
#   Wav2Vec2ForCTC.lm_head                     -> Wav2Vec2Model.aux
# So a parameter's name maps by its prefix; the rest (conv_layers.N.conv/layer_norm, layers.N.attention.q_proj,
# feed_forward.intermediate_dense, final_layer_norm, pos_conv_embed.conv.weight_g/weight_v ...) is the same.
PREFIXES = [
    ("wav2vec2.feature_extractor.", "feature_extractor."),
    ("wav2vec2.feature_projection.", "encoder.feature_projection."),
    ("wav2vec2.encoder.", "encoder.transformer."),
    ("lm_head.", "aux."),
]
# Saved by transformers but unused at inference: SpecAugment's learned mask vector.
IGNORED = {"wav2vec2.masked_spec_embed"}
# The positional convolution's weight norm under torch.nn.utils.parametrizations (newer torch and transformers)
# rather than the classic weight_g (magnitude) / weight_v (direction) names of hub checkpoints.
PARAMETRIZED = {
    "pos_conv_embed.conv.parametrizations.weight.original0": "pos_conv_embed.conv.weight_g",
    "pos_conv_embed.conv.parametrizations.weight.original1": "pos_conv_embed.conv.weight_v",
}


def map_key(key: str):
    """torchaudio's name for a checkpoint tensor, or None for one that is unknown."""
    for old, new in PARAMETRIZED.items():
        if key.endswith(old):
            key = key[: -len(old)] + new
    for hf_prefix, ta_prefix in PREFIXES:
        if key.startswith(hf_prefix):
            return ta_prefix + key[len(hf_prefix) :]
    return None


def convert_state_dict(tensors: dict, expected: dict) -> dict:
    """The checkpoint's tensors under torchaudio's names, each checked against `expected` (name -> shape)."""
    converted = {}
    source = {}
    unknown = []
    for key, value in tensors.items():
        if key in IGNORED:
            continue
        mapped = map_key(key)
        if mapped is None:
            unknown.append(key)
            continue
        if mapped in converted:
            raise CheckpointError(f'tensors "{source[mapped]}" and "{key}" are the same parameter')
        converted[mapped] = value
        source[mapped] = key
    if unknown:
        listed = ", ".join(f'"{k}"' for k in sorted(unknown)[:5])
        more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
        raise CheckpointError(
            f"unexpected tensors {listed}{more}: not part of a Wav2Vec2ForCTC model as config.json describes it"
        )
    missing = [name for name in expected if name not in converted]
    if missing:
        names = ", ".join(f'"{hf_name(name)}"' for name in missing[:5])
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        hint = " (a CTC model needs lm_head)" if any(name.startswith("aux.") for name in missing) else ""
        raise CheckpointError(f"missing tensors {names}{more}{hint}")
    for name, value in converted.items():
        if name not in expected:
            raise CheckpointError(f'unexpected tensor "{source[name]}": not in the model config.json describes')
        if tuple(value.shape) != expected[name]:
            raise CheckpointError(
                f'tensor "{source[name]}" has shape {list(value.shape)} but config.json implies {list(expected[name])}'
            )
        if not value.is_floating_point():
            raise CheckpointError(f'tensor "{source[name]}" is {value.dtype}, not floating point')
        converted[name] = value.to(torch.float32)
    return converted


def hf_name(torchaudio_name: str) -> str:
    """The checkpoint name of a torchaudio parameter (for messages)."""
    for hf_prefix, ta_prefix in PREFIXES:
        if torchaudio_name.startswith(ta_prefix):
            return hf_prefix + torchaudio_name[len(ta_prefix) :]
    return torchaudio_name


# ---------------------------------------------------------------------------------------------------------------
# Model, export and the model directory
# ---------------------------------------------------------------------------------------------------------------


def build_model(cfg: dict, tensors: dict) -> nn.Module:
    """torchaudio's wav2vec2 with the checkpoint's weights, in eval mode, weight norm folded into the weight."""
    model = torchaudio.models.wav2vec2_model(**torchaudio_arguments(cfg))
    # transformers gives the encoder's layer norms config.layer_norm_eps; torchaudio builds them with the default.
    for module in model.encoder.modules():
        if isinstance(module, nn.LayerNorm):
            module.eps = float(cfg["layer_norm_eps"])
    expected = {name: tuple(value.shape) for name, value in model.state_dict().items()}
    model.load_state_dict(convert_state_dict(tensors, expected), strict=True)
    torch.nn.utils.remove_weight_norm(model.encoder.transformer.pos_conv_embed.conv)
    return model.eval()


def receptive_field(cfg: dict) -> int:
    """Samples one output frame reads."""
    length = 1
    for kernel, stride in reversed(list(zip(cfg["conv_kernel"], cfg["conv_stride"]))):
        length = (length - 1) * stride + kernel
    return length


def export_onnx(model: nn.Module, cfg: dict, path: Path, opset: int) -> None:
    """Writes the graph with dynamic batch and length axes, and checks it with onnx's checker."""
    size = sum(p.numel() * 4 for p in model.parameters())
    if size > ONNX_LIMIT_BYTES:
        raise CheckpointError(
            f"the model has {size / 2**30:.1f} GiB of fp32 weights; one model.onnx cannot exceed 2 GiB"
        )
    example = torch.randn(1, max(16000, 2 * receptive_field(cfg)))
    export_logits_onnx(model, example, path, opset)
    onnx.checker.check_model(onnx.load(str(path)))


def token_content(value):
    """A tokenizer_config.json token: a string, or an AddedToken object {"content": ...}."""
    if isinstance(value, dict):
        value = value.get("content")
    return value if isinstance(value, str) else None


def read_vocabulary(checkpoint: Path, vocab_size: int) -> tuple:
    """(token -> id, whether it differs from vocab.json): vocab.json plus added_tokens.json, ids 0..vocab_size-1."""
    vocab = read_json(checkpoint / "vocab.json")
    if any(isinstance(v, dict) for v in vocab.values()):
        raise CheckpointError(
            "vocab.json holds one vocabulary per language (as multilingual tokenizers do); write the one"
            " vocabulary this model's lm_head was trained on as vocab.json"
        )
    changed = False
    added_path = checkpoint / "added_tokens.json"
    if added_path.exists():
        for token, token_id in read_json(added_path).items():
            if token not in vocab:
                vocab[token] = token_id
                changed = True
    ids = sorted(vocab.values()) if all(isinstance(v, int) for v in vocab.values()) else None
    if ids != list(range(len(vocab))):
        raise CheckpointError("vocab.json (with added_tokens.json) must map its tokens to the ids 0..n-1, once each")
    if len(vocab) != vocab_size:
        raise CheckpointError(
            f"vocab.json has {len(vocab)} tokens (with added_tokens.json) but lm_head has {vocab_size} outputs"
        )
    return vocab, changed


def output_config(checkpoint: Path, config: dict, cfg: dict, vocab: dict) -> dict:
    """config.json as copied, plus what this project reads and transformers keeps elsewhere.

    transformers reads sampling_rate and do_normalize from preprocessor_config.json and the special tokens from
    tokenizer_config.json, so those win over config.json; the geometry the import used is written explicitly.
    """
    out = dict(config)
    for field in ("conv_dim", "conv_kernel", "conv_stride", "conv_bias", "vocab_size"):
        out[field] = cfg[field]
    preprocessor_path = checkpoint / "preprocessor_config.json"
    if preprocessor_path.exists():
        preprocessor = read_json(preprocessor_path)
        for field in ("sampling_rate", "do_normalize"):
            if field in preprocessor:
                out[field] = preprocessor[field]
    tokenizer_path = checkpoint / "tokenizer_config.json"
    tokenizer = read_json(tokenizer_path) if tokenizer_path.exists() else {}
    # Wav2Vec2CTCTokenizer's defaults, for a field its tokenizer_config.json leaves out (or a checkpoint without one).
    for field, default in (("word_delimiter_token", "|"), ("unk_token", "<unk>")):
        token = token_content(tokenizer.get(field, default))
        if token is not None and token in vocab:
            out[field] = token
    # Wav2Vec2ForCTC's CTC blank is config.json's pad_token_id; the tokenizer's pad token only stands in without it.
    pad = token_content(tokenizer.get("pad_token", "<pad>"))
    if "pad_token_id" not in out and pad in vocab:
        out["pad_token_id"] = vocab[pad]
    return out


def import_checkpoint(checkpoint: Path, out_dir: Path, opset: int) -> str:
    """Writes model.onnx, vocab.json, config.json and the side files into out_dir; returns a one-line summary."""
    if not checkpoint.is_dir():
        raise CheckpointError(f"{checkpoint} is not a folder")
    # A folder already holding files could keep a stale model.int8.onnx or side file beside the new graph.
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise CheckpointError(f"{out_dir} already exists and is not an empty folder; name a new one")
    config = read_json(checkpoint / "config.json")
    cfg = effective_config(config)
    vocab, vocab_changed = read_vocabulary(checkpoint, cfg["vocab_size"])
    tensors, source = read_weights(checkpoint)
    model = build_model(cfg, tensors)
    del tensors
    out_config = output_config(checkpoint, config, cfg, vocab)
    # Everything is written into a staging folder renamed last, so a failed import leaves no half model directory.
    staging = out_dir.parent / f".{out_dir.name}.partial"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    try:
        if vocab_changed:
            (staging / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False) + "\n", encoding="utf-8")
        else:
            shutil.copyfile(checkpoint / "vocab.json", staging / "vocab.json")
        config_text = json.dumps(out_config, indent=2, ensure_ascii=False)
        (staging / "config.json").write_text(config_text + "\n", encoding="utf-8")
        for name in SIDE_FILES:
            if (checkpoint / name).exists():
                shutil.copyfile(checkpoint / name, staging / name)
        export_onnx(model, cfg, staging / "model.onnx", opset)
        if out_dir.exists():
            out_dir.rmdir()
        staging.rename(out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    parameters = sum(p.numel() for p in model.parameters())
    layout = "pre-LN (stable layer norm)" if cfg["do_stable_layer_norm"] else "post-LN"
    return (
        f"imported {source} ({cfg['feat_extract_norm']}-norm feature extractor, {layout} encoder,"
        f" {parameters} parameters, {cfg['vocab_size']} tokens) into {out_dir / 'model.onnx'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("checkpoint", type=Path, help="folder of the downloaded Hugging Face checkpoint")
    parser.add_argument("out", type=Path, help="model directory to write (model.onnx, vocab.json, config.json)")
    parser.add_argument("--opset", type=int, default=14, help="ONNX opset (14 or later; default 14)")
    args = parser.parse_args()
    if args.opset < 14:
        parser.error("--opset must be 14 or later")
    try:
        print(import_checkpoint(args.checkpoint, args.out, args.opset))
    except CheckpointError as error:
        print(f"import_hf_checkpoint: {error}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
