import { InferenceSession } from 'onnxruntime-node';
import { AlignError } from '../errors';
import { quietOnnxRuntimeLog } from './onnxruntime-log';

const sessions = new Map<string, Promise<InferenceSession>>();

/** A new ONNX Runtime session of its own, with onnxruntime's log kept to errors; a failure to load is a MODEL error. */
export async function createSession(
  modelPath: string,
  options: InferenceSession.SessionOptions,
): Promise<InferenceSession> {
  quietOnnxRuntimeLog();
  try {
    return await InferenceSession.create(modelPath, options);
  } catch (error) {
    throw new AlignError('MODEL', `cannot load ONNX model ${modelPath}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/**
 * One ONNX Runtime session per (model file, options) for the life of the process: created lazily on first
 * use and reused by every later activity, so a warm Lambda pays the load cost once.
 */
export function cachedSession(
  modelPath: string,
  options: InferenceSession.SessionOptions,
): Promise<InferenceSession> {
  const key = `${modelPath}\u0000${JSON.stringify(options)}`;
  let session = sessions.get(key);
  if (session === undefined) {
    session = createSession(modelPath, options).catch((error: unknown) => {
      // A failed load is not cached: the next call tries again.
      sessions.delete(key);
      throw error;
    });
    sessions.set(key, session);
  }
  return session;
}
