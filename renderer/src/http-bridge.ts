import type { ApiResult, FinderEvent } from '../../preload/contract.js';
import type { Transport } from './bridge.js';

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

export function httpTransport(location: Location, history: History, storage: Storage): Transport {
  const token = readToken(location, history, storage);
  return {
    async call(method, payload) {
      try {
        const response = await fetch(`./api/${method}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify(payload ?? {}),
        });
        return (await response.json()) as ApiResult<unknown>;
      } catch (error) {
        return { ok: false, error: { code: 'internal', message: `Semblance is not reachable (${String(error)}). Is \`semblance serve\` still running?` } };
      }
    },
    subscribe(listener) {
      // EventSource reconnects by itself when the server restarts.
      const source = new EventSource(`./api/events?token=${encodeURIComponent(token)}`);
      source.onmessage = (message: MessageEvent<string>) => listener(JSON.parse(message.data) as FinderEvent);
      return () => source.close();
    },
    pictureUrl: (kind, id) => `./${kind}/${id}?token=${encodeURIComponent(token)}`,
  };
}
