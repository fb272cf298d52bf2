import type { Session, WebContents } from 'electron';

/**
 * What the window may do beyond showing our page: nothing. It cannot navigate away, open
 * windows, attach webviews or get permissions (camera, notifications, ...). Links to the web
 * open in the user's browser instead.
 */
/**
 * Whether a URL is of our app: its scheme and host parsed and compared exactly (a prefix test
 * would let semblance://app.evil.com/ pass for semblance://app). Node's URL gives custom
 * schemes an opaque origin ("null"), so scheme and host are compared, not `origin`.
 */
export function isAppUrl(url: string, appOrigin: string): boolean {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}` === appOrigin;
  } catch {
    return false;
  }
}

export function hardenContents(contents: WebContents, openExternal: (url: string) => void, appOrigin: string): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, appOrigin)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url, appOrigin)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (/^https:\/\//.test(url)) openExternal(url);
    return { action: 'deny' };
  });
}

export function denyPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}
