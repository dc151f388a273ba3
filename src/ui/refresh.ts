import { useEffect, useState } from 'preact/hooks';

/**
 * One timer for a whole page, for figures no event announces (calls per second, CPU): its count
 * goes into the page's useLoad deps, so the page reloads once per period, never once per row.
 */
export function useRefresh(ms: number): number {
  const [count, setCount] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setCount((n) => n + 1), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return count;
}
