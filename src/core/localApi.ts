import type { MethodHandler, StreamHandler } from '../daemon/ipc/controlServer.js';
import {
  type ControlApi,
  type ControlHandlers,
  type ControlMethod,
  type ControlStream,
  controlMethods,
  controlStreams,
} from './api.js';
import { parseInput } from './validation.js';

export interface MethodTable {
  methods: Record<string, MethodHandler>;
  streams: Record<string, StreamHandler>;
}

/**
 * The untyped tables the control server takes, each entry validating its input with the
 * method's schema before the typed handler sees it. A stream's bad input throws at the
 * call, before any byte is sent, so the server can answer it with a plain 400.
 */
export function toMethodTable(handlers: ControlHandlers): MethodTable {
  const methods: Record<string, MethodHandler> = {};
  const streams: Record<string, StreamHandler> = {};
  for (const method of Object.keys(controlMethods) as ControlMethod[]) {
    methods[method] = validatedMethod(handlers, method);
  }
  for (const stream of Object.keys(controlStreams) as ControlStream[]) {
    streams[stream] = validatedStream(handlers, stream);
  }
  return { methods, streams };
}

/** The ControlApi in-process (tests, `daemon run` tools): same validation as the socket, no wire. */
export function createLocalApi(handlers: ControlHandlers): ControlApi {
  const { methods, streams } = toMethodTable(handlers);
  const api: Record<string, unknown> = { ...methods };
  for (const [name, open] of Object.entries(streams)) {
    // Deferred like the remote stream, so bad input surfaces on iteration in both.
    api[name] = async function* (input: unknown, signal: AbortSignal): AsyncGenerator<unknown> {
      yield* open(input, signal);
    };
  }
  return api as ControlApi;
}

function validatedMethod<M extends ControlMethod>(handlers: ControlHandlers, method: M): MethodHandler {
  const handler = handlers[method] as (input: unknown) => Promise<unknown>;
  const schema = controlMethods[method].input;
  return (body) => {
    try {
      return handler.call(handlers, parseInput(schema, body, `input of '${method}'`));
    } catch (error) {
      return Promise.reject(error);
    }
  };
}

function validatedStream<S extends ControlStream>(handlers: ControlHandlers, stream: S): StreamHandler {
  const handler = handlers[stream] as (input: unknown, signal: AbortSignal) => AsyncIterable<unknown>;
  const schema = controlStreams[stream].input;
  return (body, signal) => handler.call(handlers, parseInput(schema, body, `input of '${stream}'`), signal);
}
