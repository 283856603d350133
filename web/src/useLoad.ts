import { useCallback, useEffect, useRef, useState } from 'react';

export type LoadState<T> =
  | { status: 'loading' }
  | { status: 'ok'; data: T; refreshing: boolean }
  | { status: 'error'; error: unknown };

/**
 * Load data for a key (usually the URL part it depends on). A new key starts from "loading";
 * `reload()` keeps showing the current data while fetching it again. Stale answers are dropped.
 */
export function useLoad<T>(
  key: string,
  load: (signal: AbortSignal) => Promise<T>,
): { state: LoadState<T>; reload: () => void } {
  const [state, setState] = useState<LoadState<T>>({ status: 'loading' });
  const [nonce, setNonce] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const lastKey = useRef<string | null>(null);

  useEffect(() => {
    const ctrl = new AbortController();
    const sameKey = lastKey.current === key;
    lastKey.current = key;
    setState((s) =>
      sameKey && s.status === 'ok' ? { ...s, refreshing: nonce >= 0 } : { status: 'loading' },
    );
    loadRef.current(ctrl.signal).then(
      (data) => {
        if (!ctrl.signal.aborted) setState({ status: 'ok', data, refreshing: false });
      },
      (error: unknown) => {
        if (!ctrl.signal.aborted) setState({ status: 'error', error });
      },
    );
    return () => ctrl.abort();
  }, [key, nonce]);

  const reload = useCallback(() => setNonce((n) => n + 1), []);
  return { state, reload };
}

/** Set the document title for a page. */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} — Homeward`;
  }, [title]);
}
