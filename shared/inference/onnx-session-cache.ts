import { InferenceSession } from 'onnxruntime-node';
import { AlignError } from '../errors';

const sessions = new Map<string, Promise<InferenceSession>>();

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
    session = InferenceSession.create(modelPath, options).catch((error: unknown) => {
      sessions.delete(key);
      throw new AlignError('MODEL', `cannot load ONNX model ${modelPath}: ${(error as Error).message}`, {
        cause: error,
      });
    });
    sessions.set(key, session);
  }
  return session;
}
