import { AsyncLocalStorage } from 'node:async_hooks';
import { format } from 'node:util';

/*
 * The WASM decoders report corrupt data by printing to the console (libFLAC's LOST_SYNC, libopus's
 * OPUS_INVALID_PACKET, mpg123's messages) as well as, or instead of, returning it. Such lines must not reach
 * stderr raw: a log full of them says nothing about which file they belong to. While a decode step runs, the
 * console methods are routed by async context, so a step's lines are collected for it and anything else
 * printed meanwhile (another request's logging) still goes where it went before.
 */

/** Console methods a decoder may print through. */
const METHODS = ['log', 'info', 'warn', 'error', 'debug'] as const;
type Method = (typeof METHODS)[number];
type Printer = (...args: unknown[]) => void;

/** Lines kept per step for messages; the rest are only counted, so a flood of them costs no memory. */
const KEPT_LINES = 3;

/** What a decode step printed. */
export interface CapturedLines {
  /** Every line printed. */
  count: number;
  /** The first few lines, whitespace collapsed. */
  first: string[];
}

const current = new AsyncLocalStorage<CapturedLines>();
/** The methods in place before routing began, where lines from outside a step still go. */
const previous = new Map<Method, Printer>();
let activeSteps = 0;

const routed = Object.fromEntries(
  METHODS.map((method): [Method, Printer] => [
    method,
    (...args) => {
      const lines = current.getStore();
      if (lines === undefined) {
        const print = previous.get(method);
        if (print !== undefined) Reflect.apply(print, console, args);
        return;
      }
      lines.count++;
      if (lines.first.length < KEPT_LINES)
        lines.first.push(
          format(...args)
            .replace(/\s+/g, ' ')
            .trim(),
        );
    },
  ]),
) as Record<Method, Printer>;

function startRouting(): void {
  if (activeSteps++ > 0) return;
  for (const method of METHODS) {
    previous.set(method, console[method]);
    console[method] = routed[method];
  }
}

function stopRouting(): void {
  if (--activeSteps > 0) return;
  for (const method of METHODS) {
    // Whoever replaced a method since (a test's spy, a fuzzer's counter) keeps it.
    const saved = previous.get(method);
    if (console[method] === routed[method] && saved !== undefined) console[method] = saved;
  }
}

/** Runs `step` with whatever it prints to the console collected instead of printed. */
export async function captureConsole<T>(step: () => Promise<T>): Promise<{ value: T; lines: CapturedLines }> {
  const lines: CapturedLines = { count: 0, first: [] };
  startRouting();
  try {
    const value = await current.run(lines, step);
    return { value, lines };
  } finally {
    stopRouting();
  }
}
