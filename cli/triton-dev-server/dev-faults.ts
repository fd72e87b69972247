/**
 * Failures the stand-in injects into inference requests (health and metadata are never disturbed). Counters
 * are decremented as faults fire; the object may be changed while the server runs (tests, the fault soak).
 */
export interface TritonFaults {
  /** The next N inference requests are answered 503 with Triton's error JSON. */
  status503Times?: number;
  /** The next N inference requests lose their connection without any reply. */
  dropConnectionTimes?: number;
  /** Every inference reply is held back this long. */
  delayMs?: number;
  /** The next N binary inference replies carry only half of their tensor bytes (headers stay consistent). */
  truncateBinaryTimes?: number;
  /** The next N inference replies declare one frame more than their tensor bytes hold. */
  mismatchShapeTimes?: number;
}

type CountedFault = Exclude<keyof TritonFaults, 'delayMs'>;

/** True (and one fewer left) when a counted fault is due. */
export function takeFault(faults: TritonFaults, fault: CountedFault): boolean {
  const left = faults[fault] ?? 0;
  if (left <= 0) return false;
  faults[fault] = left - 1;
  return true;
}
