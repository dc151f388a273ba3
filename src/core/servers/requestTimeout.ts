/**
 * Progress notifications push a request's deadline out by its timeout again, but never past this
 * multiple of the timeout from its start (10 min at the default 60 s): a server that reports
 * progress forever still ends. A multiple, not another flag, so one setting scales both.
 * Apart from `definition.ts` (zod) because `show` on the CLI prints it.
 */
const REQUEST_TIMEOUT_EXTENSION = 10;

/** A server's request deadlines as a SharedUpstream takes them (shared and isolated alike). */
export function requestDeadlines(policy: { requestTimeoutMs: number }): {
  requestTimeoutMs: number;
  requestTimeoutMaxMs: number;
} {
  return {
    requestTimeoutMs: policy.requestTimeoutMs,
    requestTimeoutMaxMs: policy.requestTimeoutMs * REQUEST_TIMEOUT_EXTENSION,
  };
}
