/** Averages planar channels into one mono signal of `length` samples; a single channel is returned as a view. */
export function downmixPlanar(channels: readonly Float32Array[], length: number): Float32Array {
  const [first] = channels;
  if (channels.length === 1 && first !== undefined) return first.subarray(0, length);
  const mono = new Float32Array(length);
  for (const channel of channels) {
    for (let i = 0; i < length; i++) mono[i]! += channel[i]!;
  }
  const scale = 1 / channels.length;
  for (let i = 0; i < length; i++) mono[i]! *= scale;
  return mono;
}
