import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WAV2VEC2_BASE_VOCAB } from './wav2vec2-vocab';

/** Changes to the exported files: a field set to undefined is left out. */
export interface ExportEdits {
  config?: Record<string, unknown>;
  preprocessor?: Record<string, unknown>;
  tokenizer?: Record<string, unknown>;
  specialTokens?: Record<string, unknown>;
  vocab?: Record<string, number>;
}

/**
 * `config.json` as transformers saves it for facebook/wav2vec2-base-960h (keys sorted, as save_pretrained writes
 * them). It has no sampling_rate, do_normalize or word_delimiter_token: those live in the side files.
 */
export const WAV2VEC2_BASE_960H_CONFIG: Readonly<Record<string, unknown>> = {
  _name_or_path: 'facebook/wav2vec2-base-960h',
  activation_dropout: 0.1,
  adapter_attn_dim: null,
  adapter_kernel_size: 3,
  adapter_stride: 2,
  add_adapter: false,
  apply_spec_augment: true,
  architectures: ['Wav2Vec2ForCTC'],
  attention_dropout: 0.1,
  bos_token_id: 1,
  classifier_proj_size: 256,
  codevector_dim: 256,
  contrastive_logits_temperature: 0.1,
  conv_bias: false,
  conv_dim: [512, 512, 512, 512, 512, 512, 512],
  conv_kernel: [10, 3, 3, 3, 3, 2, 2],
  conv_stride: [5, 2, 2, 2, 2, 2, 2],
  ctc_loss_reduction: 'sum',
  ctc_zero_infinity: false,
  diversity_loss_weight: 0.1,
  do_stable_layer_norm: false,
  eos_token_id: 2,
  feat_extract_activation: 'gelu',
  feat_extract_dropout: 0.0,
  feat_extract_norm: 'group',
  feat_proj_dropout: 0.1,
  feat_quantizer_dropout: 0.0,
  final_dropout: 0.1,
  gradient_checkpointing: false,
  hidden_act: 'gelu',
  hidden_dropout: 0.1,
  hidden_dropout_prob: 0.1,
  hidden_size: 768,
  initializer_range: 0.02,
  intermediate_size: 3072,
  layer_norm_eps: 1e-5,
  layerdrop: 0.1,
  mask_feature_length: 10,
  mask_feature_min_masks: 0,
  mask_feature_prob: 0.0,
  mask_time_length: 10,
  mask_time_min_masks: 2,
  mask_time_prob: 0.05,
  model_type: 'wav2vec2',
  num_adapter_layers: 3,
  num_attention_heads: 12,
  num_codevector_groups: 2,
  num_codevectors_per_group: 320,
  num_conv_pos_embedding_groups: 16,
  num_conv_pos_embeddings: 128,
  num_feat_extract_layers: 7,
  num_hidden_layers: 12,
  num_negatives: 100,
  output_hidden_size: 768,
  pad_token_id: 0,
  proj_codevector_dim: 256,
  tdnn_dilation: [1, 2, 3, 1, 1],
  tdnn_dim: [512, 512, 512, 512, 1500],
  tdnn_kernel: [5, 3, 3, 1, 1],
  torch_dtype: 'float32',
  transformers_version: '4.40.2',
  use_weighted_layer_sum: false,
  vocab_size: 32,
  xvector_output_dim: 512,
};

/** `preprocessor_config.json`: Wav2Vec2FeatureExtractor's settings. */
export const WAV2VEC2_BASE_960H_PREPROCESSOR: Readonly<Record<string, unknown>> = {
  do_normalize: true,
  feature_extractor_type: 'Wav2Vec2FeatureExtractor',
  feature_size: 1,
  padding_side: 'right',
  padding_value: 0.0,
  processor_class: 'Wav2Vec2Processor',
  return_attention_mask: false,
  sampling_rate: 16000,
};

const addedToken = (content: string, special: boolean) => ({
  content,
  lstrip: true,
  normalized: false,
  rstrip: true,
  single_word: false,
  special,
});

/** `tokenizer_config.json`: Wav2Vec2CTCTokenizer's settings (its legacy do_normalize is not the extractor's). */
export const WAV2VEC2_BASE_960H_TOKENIZER: Readonly<Record<string, unknown>> = {
  added_tokens_decoder: {
    '0': addedToken('<pad>', false),
    '1': addedToken('<s>', true),
    '2': addedToken('</s>', true),
    '3': addedToken('<unk>', false),
  },
  bos_token: '<s>',
  clean_up_tokenization_spaces: true,
  do_lower_case: false,
  do_normalize: true,
  eos_token: '</s>',
  model_max_length: 1e30,
  pad_token: '<pad>',
  processor_class: 'Wav2Vec2Processor',
  replace_word_delimiter_char: ' ',
  return_attention_mask: false,
  target_lang: null,
  tokenizer_class: 'Wav2Vec2CTCTokenizer',
  unk_token: '<unk>',
  word_delimiter_token: '|',
};

/** `special_tokens_map.json`. */
export const WAV2VEC2_BASE_960H_SPECIAL_TOKENS: Readonly<Record<string, unknown>> = {
  bos_token: '<s>',
  eos_token: '</s>',
  pad_token: '<pad>',
  unk_token: '<unk>',
};

/**
 * Lays `dir` out as `optimum-cli export onnx --model facebook/wav2vec2-base-960h dir` does, with `modelOnnx`
 * (linked, not copied: the base export is 378 MB) as its model.onnx and `edits` applied to the other files.
 */
export function writeOptimumExport(dir: string, modelOnnx: string, edits: ExportEdits = {}): string {
  symlinkSync(modelOnnx, join(dir, 'model.onnx'));
  writeJson(join(dir, 'config.json'), { ...WAV2VEC2_BASE_960H_CONFIG, ...edits.config });
  writeJson(join(dir, 'preprocessor_config.json'), {
    ...WAV2VEC2_BASE_960H_PREPROCESSOR,
    ...edits.preprocessor,
  });
  writeJson(join(dir, 'tokenizer_config.json'), { ...WAV2VEC2_BASE_960H_TOKENIZER, ...edits.tokenizer });
  writeJson(join(dir, 'special_tokens_map.json'), {
    ...WAV2VEC2_BASE_960H_SPECIAL_TOKENS,
    ...edits.specialTokens,
  });
  writeJson(join(dir, 'vocab.json'), edits.vocab ?? WAV2VEC2_BASE_VOCAB);
  return dir;
}

/** As save_pretrained writes: two-space indent, and transformers' int(1e30) for "no limit" written out whole. */
function writeJson(path: string, value: Record<string, unknown>): void {
  const text = JSON.stringify(value, null, 2).replace(
    '"model_max_length": 1e+30',
    '"model_max_length": 1000000000000000019884624838656',
  );
  writeFileSync(path, `${text}\n`);
}
