import type { BrowserWindow, Dialog, Shell } from 'electron';
import type { DesktopApi } from '../../preload/contract.js';
import { notFound } from '../engine/errors.js';
import type { PictureFiles } from './app-protocol.js';

const CATALOG_EXTENSIONS = ['csv', 'tsv', 'txt', 'json', 'jsonl', 'ndjson', 'xml'];

/** The desktop-only actions, all by item id: the page never hands main a path to open. */
export function desktopActions(deps: {
  dialog: Pick<Dialog, 'showOpenDialog'>;
  shell: Pick<Shell, 'showItemInFolder' | 'openPath'>;
  window: () => BrowserWindow | undefined;
  files: PictureFiles;
}): DesktopApi {
  const fileOf = (id: number): string => {
    const file = deps.files.originalFile(id);
    if (!file) throw notFound(`Item ${id} has no file inside a library folder.`);
    return file;
  };
  const open = (options: Electron.OpenDialogOptions): ReturnType<Dialog['showOpenDialog']> => {
    const window = deps.window();
    return window ? deps.dialog.showOpenDialog(window, options) : deps.dialog.showOpenDialog(options);
  };
  return {
    async pickFolders() {
      const result = await open({ title: 'Add folders to the library', properties: ['openDirectory', 'multiSelections', 'createDirectory'] });
      return result.canceled ? [] : result.filePaths;
    },
    async pickCatalog() {
      const result = await open({
        title: 'Import a product catalog',
        properties: ['openFile'],
        filters: [{ name: 'Catalogs (CSV, TSV, JSON, JSON Lines, XML feeds)', extensions: CATALOG_EXTENSIONS }],
      });
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    startDrag({ ids }) {
      // Files dragged out of the grid land wherever the user drops them (the file manager, a mail).
      const files = ids.flatMap((id) => deps.files.originalFile(id) ?? []);
      const window = deps.window();
      const first = files[0];
      if (!window || !first) return Promise.resolve(null);
      // The thumbnail as the drag image (WebP: macOS reads it; elsewhere an empty icon is allowed).
      window.webContents.startDrag({ file: first, files, icon: deps.files.thumbnailFile(ids[0] as number) ?? first });
      return Promise.resolve(null);
    },
    reveal({ id }) {
      deps.shell.showItemInFolder(fileOf(id));
      return Promise.resolve(null);
    },
    async openItem({ id }) {
      const failure = await deps.shell.openPath(fileOf(id));
      if (failure) throw new Error(`Could not open the file: ${failure}`);
      return null;
    },
  };
}
