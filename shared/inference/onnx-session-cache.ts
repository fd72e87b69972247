import { InferenceSession } from 'onnxruntime-node';
import { AlignError } from '../errors';
import { quietOnnxRuntimeLog } from './onnxruntime-log';

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
    quietOnnxRuntimeLog();
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
