import type { LogLine } from '../../daemon/monitor/logLine.js';
import { lineSeverity, type Severity, severityRank } from './severity.js';

/** `--level` and `--grep` of a log query as one test per line; undefined when neither is given. */
export function lineFilter(query: {
  level?: Severity | undefined;
  grep?: string | undefined;
}): ((line: LogLine) => boolean) | undefined {
  const { level, grep } = query;
  if (level === undefined && grep === undefined) return undefined;
  const least = level === undefined ? 0 : severityRank(level);
  return (line) =>
    (grep === undefined || line.text.includes(grep)) &&
    (level === undefined || severityRank(lineSeverity(line)) >= least);
}

/** The line with its level, as `-o json` and `--level` see it. */
export function withLevel<L extends LogLine>(line: L): L & { level: Severity } {
  return { ...line, level: lineSeverity(line) };
}
