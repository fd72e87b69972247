/**
 * Failures the stand-in injects, into inference requests and (notReadyTimes only) readiness checks; liveness
 * and metadata are never disturbed. Counters are decremented as faults fire; the object may be changed while
 * the server runs (tests, the fault soak).
 */
export interface TritonFaults {
  /**
   * A cold service behind a load balancer with no healthy target: the next N readiness checks (server or
   * model) answer 503, and until they are spent every inference request answers 503 without counting.
   */
  notReadyTimes?: number;
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
