import type { SessionBackend } from '../../protocol/session.js';
import type { Logger } from '../../shared/logger.js';
import type { TracedTarget } from './mcpSemconv.js';
import { otlpConfig, tracingRequested } from './otlpConfig.js';

/** The daemon's OpenTelemetry export, present only when `OTEL_EXPORTER_OTLP_ENDPOINT` is set. */
export interface GatewayTracing {
  /**
   * `backend` with its sessions' requests traced as `target`'s (made once per backend: the gateway
   * asks for one on every request). `upstream`: how the server behind it is reached, for the span
   * toward it; undefined for a profile, whose members vary.
   */
  backend(target: TracedTarget, backend: SessionBackend, upstream: 'stdio' | 'http' | undefined): SessionBackend;
  /** Sends what is buffered and stops exporting. */
  shutdown(): Promise<void>;
}

/**
 * The SDK is loaded through `import()` only when the environment asks for tracing, so a daemon
 * without it neither loads nor pays for any of it (its gateway keeps unwrapped backends).
 */
export async function loadTracing(
  env: NodeJS.ProcessEnv,
  deps: { version: string; logger: Logger },
): Promise<GatewayTracing | undefined> {
  if (!tracingRequested(env)) return undefined;
  const config = otlpConfig(env);
  const { startOtelTracing } = await import('./otelTracing.js');
  return startOtelTracing(config, deps);
}
