import type { ApiResult, FinderEvent } from '../../preload/contract.js';
import type { ConnectionState, Transport } from './bridge.js';

const TOKEN_KEY = 'semblance-token';

/**
 * Web mode: the token arrives in the URL's fragment (#token=...), which the browser never
 * sends anywhere; it is kept in this tab's sessionStorage and taken out of the address bar.
 */
export function readToken(location: Location, history: History, storage: Storage): string {
  const fromHash = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromHash) {
    storage.setItem(TOKEN_KEY, fromHash);
    history.replaceState(null, '', location.pathname + location.search);
    return fromHash;
  }
  return storage.getItem(TOKEN_KEY) ?? '';
}

/** How often a page that lost its server asks whether it is back. */
const RECONNECT_MS = 2000;

export function httpTransport(location: Location, history: History, storage: Storage): Transport {
  const token = readToken(location, history, storage);
  // The address `semblance serve` printed after a restart, pasted into this tab, changes only
  // the fragment: no page load. The new token is taken and the page starts afresh with it.
  window.addEventListener('hashchange', () => {
    if (!new URLSearchParams(location.hash.slice(1)).get('token')) return;
    readToken(location, history, storage);
    location.reload();
  });

  let state: ConnectionState = 'ok';
  let poll: ReturnType<typeof setInterval> | undefined;
  const listeners = new Set<(state: ConnectionState) => void>();
  const become = (next: ConnectionState): void => {
    if (next === state) return;
    state = next;
    clearInterval(poll);
    poll = undefined;
    // Lost: ask again every two seconds, and say so the moment the server answers.
    if (next === 'lost') poll = setInterval(() => void request('status', {}), RECONNECT_MS);
    for (const listener of listeners) listener(next);
  };

  async function request(method: string, payload: unknown): Promise<ApiResult<unknown>> {
    let response: Response;
    try {
      response = await fetch(`./api/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(payload ?? {}),
      });
    } catch {
      become('lost');
      return { ok: false, error: { code: 'unavailable', message: 'Semblance is not answering: is `semblance serve` still running?' } };
    }
    if (response.status === 401) {
      become('new-token');
      return { ok: false, error: { code: 'unauthorised', message: 'This page holds the key of an earlier `semblance serve`: open the address it printed this time.' } };
    }
    become('ok');
    return (await response.json()) as ApiResult<unknown>;
  }

  return {
    call: (method, payload) => request(method, payload),
    subscribe(listener) {
      // EventSource reconnects by itself when the server restarts.
      const source = new EventSource(`./api/events?token=${encodeURIComponent(token)}`);
      source.onmessage = (message: MessageEvent<string>) => listener(JSON.parse(message.data) as FinderEvent);
      // A dropped stream is the first sign of a stopped server, often before any call fails.
      source.onerror = () => void request('status', {});
      return () => source.close();
    },
    onConnection(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    pictureUrl: (kind, id) => `./${kind}/${id}?token=${encodeURIComponent(token)}`,
  };
}
