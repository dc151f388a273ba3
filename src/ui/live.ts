import { createContext } from 'preact';
import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import type { EventItem } from '../core/api.js';

/** What every page shares: the caller's role and the daemon's live event stream. */
export interface Live {
  role: string;
  /** Bumped on every new event: pages reload what they show once per change, not per row on a timer. */
  tick: number;
  events: EventItem[];
  connected: boolean;
}

export const LiveContext = createContext<Live>({ role: 'viewer', tick: 0, events: [], connected: true });

export function useLive(): Live {
  return useContext(LiveContext);
}

export const canOperate = (role: string): boolean => role === 'operator' || role === 'admin';
export const canAdmin = (role: string): boolean => role === 'admin';

/** Loads data, again whenever the event stream moves (coalesced) or `deps` change. */
export function useLoad<T>(
  load: () => Promise<T>,
  deps: unknown[] = [],
): { data: T | undefined; error: string | undefined; reload(): void } {
  const { tick } = useLive();
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [manual, setManual] = useState(0);
  const latest = useRef(0);
  useEffect(() => {
    const run = ++latest.current;
    const timer = setTimeout(() => {
      load().then(
        (value) => {
          if (run === latest.current) {
            setData(value);
            setError(undefined);
          }
        },
        (failure: unknown) => {
          if (run === latest.current) setError(failure instanceof Error ? failure.message : String(failure));
        },
      );
    }, 50);
    return () => clearTimeout(timer);
  }, [tick, manual, ...deps]);
  return { data, error, reload: () => setManual((n) => n + 1) };
}
