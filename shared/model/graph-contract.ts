/**
 * The names of the graph's input and output (docs/model-directory.md#graph-input-and-output), in a module of its
 * own so the Triton path can use them without loading onnxruntime-node.
 */
export const INPUT_NAME = 'input_values';
export const OUTPUT_NAME = 'logits';
