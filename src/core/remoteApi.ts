import { errorFromAnswer } from '../daemon/ipc/clientErrors.js';
import { type Endpoint, postJson, postStream, type RequestOptions } from '../daemon/ipc/controlClient.js';
import type { ControlApi } from './api.js';
import { API_VERSION, METHOD_NAMES, STREAM_NAMES } from './apiNames.js';

/**
 * The CLI's ControlApi over the Unix socket (or a remote context's TLS listener), built from the keys of the contract: a new
 * method in api.ts needs no code here. Outputs are trusted (the daemon built them from
 * the same schemas); skipping their validation keeps the CLI's hot path short.
 */
export function createRemoteApi(endpoint: Endpoint, options: RequestOptions = {}): ControlApi {
  const api: Record<string, unknown> = {};
  for (const method of METHOD_NAMES) {
    api[method] = async (input: unknown): Promise<unknown> => {
      const answer = await postJson(endpoint, `/${API_VERSION}/${method}`, input ?? {}, options);
      if (answer.status >= 200 && answer.status < 300) return answer.body;
      throw errorFromAnswer(answer.status, answer.body);
    };
  }
  for (const stream of STREAM_NAMES) {
    api[stream] = (input: unknown, signal: AbortSignal): AsyncIterable<unknown> =>
      postStream(endpoint, `/${API_VERSION}/${stream}`, input ?? {}, signal);
  }
  return api as ControlApi;
}
