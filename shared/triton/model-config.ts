/** What goes into a Triton model repository entry for a wav2vec2 CTC ONNX model. */
export interface TritonModelConfigOptions {
  name: string;
  /** Vocabulary size: the last dimension of `logits`. */
  vocabSize: number;
  /** > 0: Triton batches requests along an implicit first dimension. */
  maxBatchSize: number;
  /** How long the dynamic batcher waits to fill a batch. */
  maxQueueDelayMicroseconds: number;
  /** GPU instances of the model. */
  instances: number;
  /** TensorRT execution accelerator for the ONNX Runtime backend; `fp16` sets its precision_mode to FP16. */
  tensorrt: 'off' | 'fp32' | 'fp16';
}

/**
 * The `config.pbtxt` (protobuf text format) of the model: `onnxruntime_onnx` platform, `input_values` [-1]
 * FP32 in and `logits` [-1, vocab] FP32 out below the implicit batch dimension, dynamic batching, GPU
 * instances and, when asked, the TensorRT accelerator (its FP16 mode keeps FP32 inputs and outputs).
 */
export function renderTritonModelConfig(options: TritonModelConfigOptions): string {
  const accelerator =
    options.tensorrt === 'off'
      ? ''
      : [
          'optimization {',
          '  execution_accelerators {',
          '    gpu_execution_accelerator: [',
          '      {',
          '        name: "tensorrt"',
          `        parameters { key: "precision_mode" value: "${options.tensorrt === 'fp16' ? 'FP16' : 'FP32'}" }`,
          '        parameters { key: "max_workspace_size_bytes" value: "1073741824" }',
          '      }',
          '    ]',
          '  }',
          '}',
          '',
        ].join('\n');
  return (
    [
      `name: "${options.name}"`,
      'platform: "onnxruntime_onnx"',
      `max_batch_size: ${options.maxBatchSize}`,
      'input [',
      '  {',
      '    name: "input_values"',
      '    data_type: TYPE_FP32',
      '    dims: [ -1 ]',
      '  }',
      ']',
      'output [',
      '  {',
      '    name: "logits"',
      '    data_type: TYPE_FP32',
      `    dims: [ -1, ${options.vocabSize} ]`,
      '  }',
      ']',
      'dynamic_batching {',
      `  max_queue_delay_microseconds: ${options.maxQueueDelayMicroseconds}`,
      '}',
      'instance_group [',
      '  {',
      '    kind: KIND_GPU',
      `    count: ${options.instances}`,
      '  }',
      ']',
      '',
    ].join('\n') + accelerator
  );
}
