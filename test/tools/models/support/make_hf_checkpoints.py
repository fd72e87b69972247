"""Write tiny synthetic Hugging Face wav2vec2 CTC checkpoints, and the logits torchaudio gives for them.

For test/tools/models/import-hf-checkpoint.test.ts. Each checkpoint is a folder as the hub serves it (config.json,
vocab.json, preprocessor_config.json, tokenizer_config.json, special_tokens_map.json and the weights), with the
parameter names and config fields of transformers' Wav2Vec2ForCTC (models/wav2vec2/modeling_wav2vec2.py and
configuration_wav2vec2.py), at a size that imports in seconds.

The weights are drawn for torchaudio's wav2vec2 model and written under transformers' names by the table in
`hf_names`, spelled out here from the upstream module tree rather than shared with the importer, so the test
checks the importer's mapping against an independent one. The reference logits come from that torchaudio model.

    python3 make_hf_checkpoints.py OUT_DIR

writes OUT_DIR/<variant>/ (the checkpoint) and OUT_DIR/<variant>.reference.json for each variant
  base   group-norm feature extractor, post-LN encoder, no conv bias, pos-conv weight_g/weight_v,
         pytorch_model.bin, do_normalize false
  large  layer-norm feature extractor, stable-layer-norm (pre-LN) encoder, conv bias, pos-conv as
         parametrizations.weight.original0/original1, model.safetensors with F32, F16 and BF16 tensors,
         added_tokens.json, do_normalize true
a copy of `base` in two safetensors shards with model.safetensors.index.json (OUT_DIR/base-sharded), and two
broken copies of `large`: OUT_DIR/unknown-tensor (with a pretraining quantizer tensor) and
OUT_DIR/missing-tensor (without wav2vec2.encoder.layers.1.final_layer_norm.bias).
"""

import json
import shutil
import struct
import sys
from pathlib import Path

import torch
import torchaudio

BASE_VOCAB = ["<pad>", "<s>", "</s>", "<unk>", "|", *"ETAONIHSRDLUMWCFGYPBVK'XJQZ"]
# An XLS-R fine-tune's layout: lower-case letters in vocab.json, <s> and </s> appended by added_tokens.json.
LARGE_VOCAB = ["<pad>", "<unk>", "|", *"abcdefghijklmnopqrstuvwxyz", "'", "-"]
LARGE_ADDED = ["<s>", "</s>"]

SMALL = {
    "hidden_size": 32,
    "num_hidden_layers": 2,
    "num_attention_heads": 2,
    "intermediate_size": 64,
}


def hf_config(variant: str) -> dict:
    """config.json as transformers writes it for Wav2Vec2ForCTC (every field of Wav2Vec2Config it saves)."""
    large = variant == "large"
    return {
        "_name_or_path": f"synthetic/wav2vec2-{variant}-tiny",
        "activation_dropout": 0.0 if large else 0.1,
        "apply_spec_augment": True,
        "architectures": ["Wav2Vec2ForCTC"],
        "attention_dropout": 0.1,
        "bos_token_id": 1,
        "classifier_proj_size": 256,
        "codevector_dim": 768 if large else 256,
        "contrastive_logits_temperature": 0.1,
        "conv_bias": large,
        "conv_dim": [16, 24, 24] if large else [32, 32, 32],
        "conv_kernel": [10, 3, 2] if large else [10, 3, 3],
        "conv_stride": [5, 2, 2],
        "ctc_loss_reduction": "mean" if large else "sum",
        "ctc_zero_infinity": False,
        "diversity_loss_weight": 0.1,
        "do_stable_layer_norm": large,
        "eos_token_id": 2,
        "feat_extract_activation": "gelu",
        "feat_extract_dropout": 0.0,
        "feat_extract_norm": "layer" if large else "group",
        "feat_proj_dropout": 0.1,
        "feat_quantizer_dropout": 0.0,
        "final_dropout": 0.1,
        "gradient_checkpointing": False,
        "hidden_act": "gelu",
        "hidden_dropout": 0.1,
        "initializer_range": 0.02,
        "layer_norm_eps": 1e-05,
        "layerdrop": 0.1,
        "mask_feature_length": 10,
        "mask_feature_prob": 0.0,
        "mask_time_length": 10,
        "mask_time_prob": 0.05,
        "model_type": "wav2vec2",
        "num_codevector_groups": 2,
        "num_codevectors_per_group": 320,
        "num_conv_pos_embedding_groups": 4,
        "num_conv_pos_embeddings": 15 if large else 16,
        "num_feat_extract_layers": 3,
        "num_negatives": 100,
        "pad_token_id": 0,
        "proj_codevector_dim": 768 if large else 256,
        "torch_dtype": "float32",
        "transformers_version": "4.38.2",
        "use_weighted_layer_sum": False,
        "vocab_size": len(LARGE_VOCAB) + len(LARGE_ADDED) if large else len(BASE_VOCAB),
        **SMALL,
    }


def torchaudio_model(config: dict) -> torch.nn.Module:
    """torchaudio's wav2vec2 for the config, with every parameter random (norms and biases included)."""
    model = torchaudio.models.wav2vec2_model(
        extractor_mode=f"{config['feat_extract_norm']}_norm",
        extractor_conv_layer_config=list(zip(config["conv_dim"], config["conv_kernel"], config["conv_stride"])),
        extractor_conv_bias=config["conv_bias"],
        encoder_embed_dim=config["hidden_size"],
        encoder_projection_dropout=0.0,
        encoder_pos_conv_kernel=config["num_conv_pos_embeddings"],
        encoder_pos_conv_groups=config["num_conv_pos_embedding_groups"],
        encoder_num_layers=config["num_hidden_layers"],
        encoder_num_heads=config["num_attention_heads"],
        encoder_attention_dropout=0.0,
        encoder_ff_interm_features=config["intermediate_size"],
        encoder_ff_interm_dropout=0.0,
        encoder_dropout=0.0,
        encoder_layer_norm_first=config["do_stable_layer_norm"],
        encoder_layer_drop=0.0,
        aux_num_out=config["vocab_size"],
    )
    # Default init leaves every norm at weight 1, bias 0: two norms swapped by a wrong mapping would go unseen.
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            if name.endswith("bias"):
                parameter.copy_(0.2 * torch.randn_like(parameter))
            else:
                parameter.mul_(1 + 0.3 * torch.randn_like(parameter))
    return model.eval()


def hf_names(config: dict) -> dict:
    """transformers' name of each torchaudio parameter, from Wav2Vec2ForCTC's module tree.

    Wav2Vec2ForCTC: wav2vec2.feature_extractor.conv_layers[i].{conv, layer_norm} (layer_norm on every layer with
    feat_extract_norm "layer", on the first only with "group"), wav2vec2.feature_projection.{layer_norm,
    projection}, wav2vec2.encoder.{pos_conv_embed.conv, layer_norm, layers[i].{attention.{q,k,v,out}_proj,
    layer_norm, feed_forward.{intermediate_dense, output_dense}, final_layer_norm}}, lm_head; plus
    wav2vec2.masked_spec_embed, which has no torchaudio counterpart. The positional convolution carries weight
    norm: weight_g/weight_v with torch's classic weight_norm, parametrizations.weight.original0/original1 where
    transformers finds torch.nn.utils.parametrizations.weight_norm.
    """
    names = {}
    for i in range(len(config["conv_dim"])):
        names[f"feature_extractor.conv_layers.{i}.conv.weight"] = f"wav2vec2.feature_extractor.conv_layers.{i}.conv.weight"
        if config["conv_bias"]:
            names[f"feature_extractor.conv_layers.{i}.conv.bias"] = f"wav2vec2.feature_extractor.conv_layers.{i}.conv.bias"
        if config["feat_extract_norm"] == "layer" or i == 0:
            for p in ("weight", "bias"):
                names[f"feature_extractor.conv_layers.{i}.layer_norm.{p}"] = (
                    f"wav2vec2.feature_extractor.conv_layers.{i}.layer_norm.{p}"
                )
    for p in ("weight", "bias"):
        names[f"encoder.feature_projection.layer_norm.{p}"] = f"wav2vec2.feature_projection.layer_norm.{p}"
        names[f"encoder.feature_projection.projection.{p}"] = f"wav2vec2.feature_projection.projection.{p}"
        names[f"encoder.transformer.layer_norm.{p}"] = f"wav2vec2.encoder.layer_norm.{p}"
        names[f"aux.{p}"] = f"lm_head.{p}"
    pos = "wav2vec2.encoder.pos_conv_embed.conv"
    names["encoder.transformer.pos_conv_embed.conv.bias"] = f"{pos}.bias"
    if config["variant"] == "large":
        names["encoder.transformer.pos_conv_embed.conv.weight_g"] = f"{pos}.parametrizations.weight.original0"
        names["encoder.transformer.pos_conv_embed.conv.weight_v"] = f"{pos}.parametrizations.weight.original1"
    else:
        names["encoder.transformer.pos_conv_embed.conv.weight_g"] = f"{pos}.weight_g"
        names["encoder.transformer.pos_conv_embed.conv.weight_v"] = f"{pos}.weight_v"
    for layer in range(config["num_hidden_layers"]):
        ours, theirs = f"encoder.transformer.layers.{layer}", f"wav2vec2.encoder.layers.{layer}"
        for p in ("weight", "bias"):
            for proj in ("q_proj", "k_proj", "v_proj", "out_proj"):
                names[f"{ours}.attention.{proj}.{p}"] = f"{theirs}.attention.{proj}.{p}"
            names[f"{ours}.layer_norm.{p}"] = f"{theirs}.layer_norm.{p}"
            names[f"{ours}.feed_forward.intermediate_dense.{p}"] = f"{theirs}.feed_forward.intermediate_dense.{p}"
            names[f"{ours}.feed_forward.output_dense.{p}"] = f"{theirs}.feed_forward.output_dense.{p}"
            names[f"{ours}.final_layer_norm.{p}"] = f"{theirs}.final_layer_norm.{p}"
    return names


def storage_dtype(variant: str, hf_name: str) -> torch.dtype:
    """The large checkpoint mixes the three float types safetensors checkpoints use; the base one is float32."""
    if variant == "large" and ".attention." in hf_name:
        return torch.float16
    if variant == "large" and ".feed_forward." in hf_name:
        return torch.bfloat16
    return torch.float32


SAFETENSORS_DTYPE = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16"}


def write_safetensors(path: Path, tensors: dict) -> None:
    """The safetensors layout: u64 header size, JSON header padded with spaces to 8 bytes, then the data."""
    header = {"__metadata__": {"format": "pt"}}
    chunks = []
    offset = 0
    for name in sorted(tensors):
        tensor = tensors[name].contiguous()
        data = tensor.view(torch.uint8).numpy().tobytes() if tensor.dtype == torch.bfloat16 else tensor.numpy().tobytes()
        header[name] = {
            "dtype": SAFETENSORS_DTYPE[tensor.dtype],
            "shape": list(tensor.shape),
            "data_offsets": [offset, offset + len(data)],
        }
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    path.write_bytes(struct.pack("<Q", len(text)) + text + b"".join(chunks))


def write_json(path: Path, value) -> None:
    path.write_text(json.dumps(value, indent=2) + "\n", encoding="utf-8")


def normalized(signal: torch.Tensor) -> torch.Tensor:
    """Wav2Vec2FeatureExtractor's do_normalize: zero mean, unit variance (variance + 1e-7), in float64."""
    x = signal.double()
    return ((x - x.mean()) / torch.sqrt(x.var(unbiased=False) + 1e-7)).float()


def write_variant(out: Path, variant: str, seed: int) -> dict:
    """Writes the checkpoint folder and its reference outputs; returns the tensors it saved."""
    torch.manual_seed(seed)
    config = hf_config(variant)
    model = torchaudio_model(config)
    names = hf_names({**config, "variant": variant})
    state = model.state_dict()
    if set(names) != set(state):
        raise SystemExit(f"hf_names does not cover torchaudio's parameters: {sorted(set(names) ^ set(state))}")

    tensors = {}
    with torch.no_grad():
        for ours, theirs in names.items():
            stored = state[ours].to(storage_dtype(variant, theirs))
            tensors[theirs] = stored
            # The reference runs on exactly the values the checkpoint holds.
            state[ours].copy_(stored.float())
    tensors["wav2vec2.masked_spec_embed"] = torch.rand(config["hidden_size"])

    folder = out / variant
    folder.mkdir(parents=True)
    large = variant == "large"
    vocab = LARGE_VOCAB if large else BASE_VOCAB
    write_json(folder / "config.json", config)
    write_json(folder / "vocab.json", {token: i for i, token in enumerate(vocab)})
    if large:
        write_json(folder / "added_tokens.json", {token: len(vocab) + i for i, token in enumerate(LARGE_ADDED)})
        write_safetensors(folder / "model.safetensors", tensors)
    else:
        torch.save(tensors, folder / "pytorch_model.bin")
    do_normalize = large
    write_json(
        folder / "preprocessor_config.json",
        {
            "do_normalize": do_normalize,
            "feature_extractor_type": "Wav2Vec2FeatureExtractor",
            "feature_size": 1,
            "padding_side": "right",
            "padding_value": 0.0,
            "processor_class": "Wav2Vec2Processor",
            "return_attention_mask": large,
            "sampling_rate": 16000,
        },
    )
    write_json(
        folder / "tokenizer_config.json",
        {
            "bos_token": "<s>",
            "do_lower_case": False,
            "eos_token": "</s>",
            "pad_token": "<pad>",
            "processor_class": "Wav2Vec2Processor",
            "replace_word_delimiter_char": " ",
            "tokenizer_class": "Wav2Vec2CTCTokenizer",
            "unk_token": "<unk>",
            "word_delimiter_token": "|",
        },
    )
    write_json(
        folder / "special_tokens_map.json",
        {"bos_token": "<s>", "eos_token": "</s>", "pad_token": "<pad>", "unk_token": "<unk>"},
    )

    batch = 0.1 * torch.randn(2, 4000)
    odd = 0.1 * torch.randn(1, 2501)
    with torch.no_grad():
        batch_logits, _ = model(batch)
        odd_logits, _ = model(odd)
        fed = normalized(odd[0]) if do_normalize else odd[0]
        fed_logits, _ = model(fed[None])
    reference = {
        "cases": [
            {"input": batch.tolist(), "logits": batch_logits.tolist()},
            {"input": odd.tolist(), "logits": odd_logits.tolist()},
        ],
        # What the project's CPU backend returns for odd[0]: log-softmax of the logits of the audio it feeds.
        "logProbs": torch.log_softmax(fed_logits[0], dim=-1).tolist(),
    }
    write_json(out / f"{variant}.reference.json", reference)
    return tensors


def write_broken(out: Path, name: str, source: str, tensors: dict) -> None:
    """A copy of the `source` checkpoint folder whose model.safetensors holds `tensors` instead."""
    folder = out / name
    shutil.copytree(out / source, folder)
    write_safetensors(folder / "model.safetensors", tensors)


def write_sharded(out: Path, name: str, source: str, tensors: dict) -> None:
    """A copy of the `source` checkpoint folder with its tensors in two safetensors shards and their index."""
    folder = out / name
    shutil.copytree(out / source, folder, ignore=shutil.ignore_patterns("pytorch_model.bin", "model.safetensors"))
    names = sorted(tensors)
    shards = {"model-00001-of-00002.safetensors": names[::2], "model-00002-of-00002.safetensors": names[1::2]}
    for shard, shard_names in shards.items():
        write_safetensors(folder / shard, {k: tensors[k] for k in shard_names})
    total = sum(t.numel() * t.element_size() for t in tensors.values())
    weight_map = {k: shard for shard, shard_names in shards.items() for k in shard_names}
    write_json(folder / "model.safetensors.index.json", {"metadata": {"total_size": total}, "weight_map": weight_map})


def main() -> None:
    out = Path(sys.argv[1])
    base = write_variant(out, "base", seed=1)
    write_sharded(out, "base-sharded", "base", base)
    large = write_variant(out, "large", seed=2)
    # A pretraining checkpoint's quantizer, which a CTC model does not have.
    write_broken(out, "unknown-tensor", "large", {**large, "quantizer.weight_proj.weight": torch.zeros(640, 24)})
    write_broken(
        out,
        "missing-tensor",
        "large",
        {k: v for k, v in large.items() if k != "wav2vec2.encoder.layers.1.final_layer_norm.bias"},
    )


if __name__ == "__main__":
    main()
