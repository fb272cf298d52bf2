import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { IPC, type ApiResult, type FinderEvent, type StatusResponse } from '../../preload/contract.js';
import { appProtocolHandler, resolveAppUrl } from '../../main/electron/app-protocol.js';
import { startDesktopApp } from '../../main/electron/desktop-app.js';
import { trustedSender } from '../../main/electron/ipc-router.js';
import { parse } from 'yaml';
import { appMenu } from '../../main/electron/app-menu.js';
import { hardenContents } from '../../main/electron/security.js';
import { mainWindowOptions } from '../../main/electron/window-options.js';
import { FakeBrowserWindow, FakeWebContents, fakeElectron } from '../helpers/fake-electron.js';
import { libraryWithLinkOut, writePhotos } from '../helpers/library.js';
import { tempDir } from '../helpers/temp-dir.js';
import { testModelEnv } from '../helpers/test-models.js';
import { peek } from '../helpers/peek.js';

type Invoke = (event: unknown, method: unknown, payload: unknown) => Promise<ApiResult<unknown>>;

test('the window runs the page sandboxed and isolated, without Node, webviews or insecure content', () => {
  const { webPreferences } = mainWindowOptions('/app/preload.cjs', false, true);
  assert.equal(webPreferences?.preload, '/app/preload.cjs');
  assert.equal(webPreferences?.devTools, false, 'a packaged build has no DevTools');
  assert.equal(mainWindowOptions('/app/preload.cjs', false, false).webPreferences?.devTools, true, 'development keeps them');
  assert.equal(webPreferences?.contextIsolation, true);
  assert.equal(webPreferences?.sandbox, true);
  assert.equal(webPreferences?.nodeIntegration, false);
  assert.equal(webPreferences?.nodeIntegrationInWorker, false);
  assert.equal(webPreferences?.nodeIntegrationInSubFrames, false);
  assert.equal(webPreferences?.webSecurity, true);
  assert.equal(webPreferences?.allowRunningInsecureContent, false);
  assert.equal(webPreferences?.webviewTag, false);
});

test('semblance:// reaches pictures by id only, inside library folders, and the app only inside its folder', async (t) => {
  const dir = tempDir(t);
  const { engine, first } = await libraryWithLinkOut(t, dir, 2);
  const ids = peek(engine).prepare('SELECT id, path FROM items').all() as { id: number; path: string }[];
  const inside = ids.find((row) => row.path === first);
  const linkOut = ids.find((row) => row.path.endsWith('link-out.jpg'));
  assert.ok(inside && linkOut);

  const rendererDir = path.join(dir, 'renderer');
  fs.mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Semblance</title>');
  fs.writeFileSync(path.join(dir, 'outside.txt'), 'not for the page');

  const resolve = (url: string) => resolveAppUrl(url, engine, rendererDir);
  assert.deepEqual(resolve(`semblance://original/${inside.id}`), { file: fs.realpathSync(first as string), page: false });
  assert.ok('file' in resolve(`semblance://thumb/${inside.id}`));
  // Refused: a link out of the library, unknown ids, anything but a bare id, paths out of the app folder.
  assert.equal(statusOf(resolve(`semblance://original/${linkOut.id}`)), 404);
  assert.equal(statusOf(resolve('semblance://original/999999')), 404);
  assert.equal(statusOf(resolve(`semblance://original/${inside.id}%2f..%2f1`)), 400);
  assert.equal(statusOf(resolve(`semblance://original/${inside.id}?path=/etc/passwd`)), 200, "a query string is ignored, not obeyed");
  assert.equal(statusOf(resolve('semblance://original/..%2f..%2fsecret.jpg')), 400);
  assert.equal(statusOf(resolve(`semblance://original/${encodeURIComponent(first as string)}`)), 400);
  assert.equal(statusOf(resolve('semblance://original/-1')), 400);
  // The URL parser folds %2e%2e segments itself: what is left stays inside the app folder.
  assert.deepEqual(resolve('semblance://app/%2e%2e/outside.txt'), { file: path.join(rendererDir, 'outside.txt'), page: false });
  assert.equal(statusOf(resolve('semblance://app/..%2foutside.txt')), 403);
  assert.equal(statusOf(resolve('semblance://app/%2e%2e%2f%2e%2e%2fetc%2fpasswd')), 403);
  assert.equal(statusOf(resolve('semblance://elsewhere/x')), 404);
  assert.equal(statusOf(resolve('file:///etc/passwd')), 400);
  assert.deepEqual(resolve('semblance://app/'), { file: path.join(rendererDir, 'index.html'), page: true });

  // The handler streams what it resolved, with the page's CSP; refusals carry no file.
  const handler = appProtocolHandler(engine, rendererDir, async (file) => new Response(await fs.promises.readFile(file)));
  const page = await handler(new Request('semblance://app/index.html'));
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
  assert.match(await page.text(), /Semblance/);
  const picture = await handler(new Request(`semblance://original/${inside.id}`));
  assert.equal(picture.status, 200);
  assert.deepEqual(Buffer.from(await picture.arrayBuffer()), fs.readFileSync(first as string));
  assert.equal((await handler(new Request(`semblance://original/${linkOut.id}`))).status, 404);
  assert.equal((await handler(new Request('semblance://app/missing.js'))).status, 404);
});

function statusOf(resolution: ReturnType<typeof resolveAppUrl>): number {
  return 'status' in resolution ? resolution.status : 200;
}

test('only the top frame of our window, showing our app, may call main', () => {
  const window = new FakeWebContents('semblance://app/index.html');
  const other = new FakeWebContents('semblance://app/index.html');
  const contents = window as unknown as Electron.WebContents;
  const event = (sender: FakeWebContents, frame: { url: string } | null) =>
    ({ sender, senderFrame: frame }) as unknown as Electron.IpcMainInvokeEvent;
  assert.equal(trustedSender(event(window, window.mainFrame), () => contents, 'semblance://app'), true);
  assert.equal(trustedSender(event(other, other.mainFrame), () => contents, 'semblance://app'), false, 'another window');
  assert.equal(trustedSender(event(window, { url: 'semblance://app/index.html' }), () => contents, 'semblance://app'), false, 'a subframe');
  assert.equal(trustedSender(event(window, null), () => contents, 'semblance://app'), false, 'a frame that is gone');
  const navigated = new FakeWebContents('https://evil.example/');
  assert.equal(trustedSender(event(navigated, navigated.mainFrame), () => navigated as unknown as Electron.WebContents, 'semblance://app'), false);
  assert.equal(trustedSender(event(window, window.mainFrame), () => undefined, 'semblance://app'), false, 'no window');
});

test('the packaged app is sealed: fuses, no DevTools menu item, the app only from its asar', () => {
  const config = parse(fs.readFileSync(path.resolve('electron-builder.yml'), 'utf8')) as { electronFuses?: Record<string, boolean> };
  assert.deepEqual(config.electronFuses, {
    runAsNode: false,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    onlyLoadAppFromAsar: true,
    enableEmbeddedAsarIntegrityValidation: true,
    grantFileProtocolExtraPrivileges: false,
    enableCookieEncryption: true,
  });
  const roles = (packaged: boolean): string[] =>
    appMenu({ addFolders: () => {}, importCatalog: () => {} }, 'linux', packaged).flatMap((menu) => [
      ...(menu.role ? [menu.role] : []),
      ...(Array.isArray(menu.submenu) ? menu.submenu.flatMap((item) => (item.role ? [item.role] : [])) : []),
    ]);
  assert.ok(!roles(true).includes('toggleDevTools'), 'no DevTools in the packaged menu');
  assert.ok(roles(false).includes('toggleDevTools'));
});

test('the window cannot navigate away, open windows or attach webviews; web links open in the browser', () => {
  const contents = new FakeWebContents('semblance://app/index.html');
  const external: string[] = [];
  hardenContents(contents as unknown as Electron.WebContents, (url) => external.push(url), 'semblance://app');
  const attempt = (name: string, url?: string): boolean => {
    let prevented = false;
    contents.emit(name, { preventDefault: () => (prevented = true) }, url);
    return prevented;
  };
  assert.equal(attempt('will-navigate', 'https://evil.example/'), true);
  assert.equal(attempt('will-navigate', 'file:///etc/passwd'), true);
  assert.equal(attempt('will-navigate', 'semblance://app/index.html'), false);
  // a host that merely starts like ours is another origin
  assert.equal(attempt('will-navigate', 'semblance://app.evil.com/'), true);
  assert.equal(attempt('will-navigate', 'semblance://apple/index.html'), true);
  assert.equal(attempt('will-redirect', 'semblance://app@evil.com/'), true);
  assert.equal(attempt('will-redirect', 'https://evil.example/'), true);
  assert.equal(attempt('will-attach-webview'), true);
  assert.deepEqual(contents.windowOpenHandler?.({ url: 'https://semblance.example/help' }), { action: 'deny' });
  assert.deepEqual(contents.windowOpenHandler?.({ url: 'file:///etc/passwd' }), { action: 'deny' });
  assert.deepEqual(external, ['https://semblance.example/help']);
});

test('the desktop app: one instance, checked IPC, pictures by id, events to the window, clean shutdown', async (t) => {
  const dir = tempDir(t);
  const photos = path.join(dir, 'Pictures');
  const [photo] = await writePhotos(photos, 3);
  const rendererDir = path.join(dir, 'renderer');
  fs.mkdirSync(rendererDir);
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Semblance</title>');
  const options = {
    session: { databaseFile: path.join(dir, 'data', 'library.db'), env: testModelEnv(path.join(dir, 'models')) },
    rendererDir,
    preloadFile: path.join(dir, 'preload.cjs'),
  };

  // A second instance hands over to the first and quits at once.
  const second = fakeElectron({ gotLock: false });
  assert.equal(await startDesktopApp(second.electron, options).ready, undefined);
  assert.equal(second.app.quits, 1);
  assert.equal(FakeBrowserWindow.made.length, 0);

  const fake = fakeElectron();
  const started = await startDesktopApp(fake.electron, options).ready;
  assert.ok(started);
  let closed = false;
  t.after(async () => {
    if (!closed) await started.session.close();
  });
  assert.deepEqual(
    fake.privileged.map((s) => (s as { scheme: string }).scheme),
    ['semblance'],
  );
  const [window] = FakeBrowserWindow.made;
  assert.ok(window);
  assert.equal(window.loaded, 'semblance://app/index.html');
  assert.equal((window.options.webPreferences as { sandbox: boolean }).sandbox, true);
  assert.deepEqual(fake.permissionRequests, [false], 'permission requests are refused');
  assert.ok(Array.isArray(fake.menu) && (fake.menu as { label?: string }[]).some((m) => m.label === '&File'));

  // IPC: our page's calls are validated and answered; anyone else's are refused.
  const call = fake.ipcHandlers.get(IPC.call) as Invoke;
  const desktop = fake.ipcHandlers.get(IPC.desktop) as Invoke;
  const ours = { sender: window.webContents, senderFrame: window.webContents.mainFrame };
  const stranger = new FakeWebContents('semblance://app/index.html');
  const theirs = { sender: stranger, senderFrame: stranger.mainFrame };

  const refused = await call(theirs, 'status', {});
  assert.equal(refused.ok, false);
  const events: FinderEvent[] = [];
  const indexed = await call(ours, 'index', { paths: [photos] });
  assert.equal(indexed.ok, true, JSON.stringify(indexed));
  for (const sent of window.webContents.sent) {
    assert.equal(sent.channel, IPC.event);
    events.push(sent.message as FinderEvent);
  }
  assert.ok(events.some((e) => e.type === 'index-progress'));
  assert.ok(events.some((e) => e.type === 'index-done'));
  const status = (await call(ours, 'status', {})) as ApiResult<StatusResponse>;
  assert.ok(status.ok);
  assert.equal(status.value.items.total, 3);
  const invalid = await call(ours, 'search', { query: 42 });
  assert.equal(invalid.ok, false);
  assert.equal(!invalid.ok && invalid.error.code, 'bad-input');
  for (const method of ['__proto__', 'constructor', 'toString', 'close', 'store']) {
    const answer = await call(ours, method, {});
    assert.equal(answer.ok, false, method);
    assert.match(!answer.ok ? answer.error.message : '', /Unknown method/);
  }

  // Desktop actions go by id and only to files inside the library.
  const id = started.session.engine.store.itemIdByPath(photo as string);
  assert.ok(id);
  assert.equal((await desktop(ours, 'reveal', { id })).ok, true);
  assert.deepEqual(fake.opened.reveal, [fs.realpathSync(photo as string)]);
  assert.equal((await desktop(ours, 'openItem', { id: 99999 })).ok, false);
  assert.equal((await desktop(ours, 'openItem', { path: '/etc/passwd' })).ok, false);
  assert.equal((await desktop(theirs, 'reveal', { id })).ok, false);
  assert.deepEqual(fake.opened.open, []);
  fake.dialogPaths.push(photos);
  const picked = await desktop(ours, 'pickFolders', {});
  assert.deepEqual(picked, { ok: true, value: [photos] });

  // Pictures through the protocol, by id.
  const protocol = fake.protocolHandlers.get('semblance');
  assert.ok(protocol);
  const original = await protocol(new Request(`semblance://original/${id}`));
  assert.equal(original.status, 200);
  assert.deepEqual(Buffer.from(await original.arrayBuffer()), fs.readFileSync(photo as string));
  assert.equal((await protocol(new Request('semblance://original/..%2f..%2fetc%2fpasswd'))).status, 400);

  // Quitting waits for the library to close (watchers, job, database), then quits for real.
  let quitted = false;
  fake.app.on('quit', () => (quitted = true));
  fake.electron.app.quit();
  assert.equal(quitted, false, 'the first quit waits for the library to close');
  await new Promise((resolve) => fake.app.once('quit', resolve));
  closed = true;
  assert.equal(started.session.engine.store.isOpen(), false, 'database closed');
});
