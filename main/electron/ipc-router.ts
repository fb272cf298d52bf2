import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { DESKTOP_SCHEMAS, IPC, type ApiResult, type DesktopApi, type FinderApi, type FinderMethod } from '../../preload/contract.js';
import { callValidated, dispatch } from '../engine/dispatch.js';
import { isAppUrl } from './security.js';

const UNTRUSTED: ApiResult<never> = { ok: false, error: { code: 'bad-input', message: 'This page may not use Semblance.' } };

/**
 * Whether a call comes from our window's own page: the top frame (not an iframe a page
 * could embed) of the window we made, showing our app's origin.
 */
export function trustedSender(event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>, window: () => WebContents | undefined, appOrigin: string): boolean {
  const contents = window();
  const frame = event.senderFrame;
  if (!contents || event.sender !== contents || !frame) return false;
  if (frame !== contents.mainFrame) return false;
  return isAppUrl(frame.url, appOrigin);
}

/**
 * The main side of the bridge: each FinderApi and desktop call is checked for its sender,
 * validated against the contract's schema, and answered as `{ok, value}` / `{ok: false, error}`.
 */
export function registerIpc(
  ipcMain: Pick<IpcMain, 'handle'>,
  options: { api: FinderApi; desktop: DesktopApi; isTrusted: (event: IpcMainInvokeEvent) => boolean },
): void {
  ipcMain.handle(IPC.call, (event, method: unknown, payload: unknown) => {
    if (!options.isTrusted(event)) return UNTRUSTED;
    return dispatch(options.api, String(method) as FinderMethod, payload);
  });
  ipcMain.handle(IPC.desktop, (event, method: unknown, payload: unknown) => {
    if (!options.isTrusted(event)) return UNTRUSTED;
    return callValidated(DESKTOP_SCHEMAS, options.desktop, String(method), payload);
  });
}
