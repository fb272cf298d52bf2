import type { ErrorsResponse, RemoveRootResponse, StatusResponse } from '../../preload/contract.js';

/** `semblance status` for people; `--json` prints the StatusResponse itself. */
export function formatStatus(status: StatusResponse): string {
  const { database, items, spaces, roots, errorGroups } = status;
  const lines = [
    `Semblance ${status.version}`,
    `Database  ${database.path} (schema ${database.schemaVersion}, ${formatBytes(database.sizeBytes)})`,
    `Items     ${items.total} (${items.byKind.photo} photos, ${items.byKind.product} products; ` +
      `${items.byStatus.ok} ok, ${items.byStatus.error} with errors, ${items.byStatus.offline} offline)`,
    'Spaces',
    ...spaces.map((s) =>
      s.model === null
        ? `  ${s.space.padEnd(7)} no model yet`
        : `  ${s.space.padEnd(7)} ${s.model} (${s.dims}-d): ${s.vectors} vectors` +
          (s.stale > 0 ? `, ${s.stale} stale (made by an earlier model)` : ''),
    ),
    roots.length === 0 ? 'Folders   none yet' : 'Folders',
    ...roots.map((r) => `  ${r.path}: ${r.items} items${r.online ? '' : ' (offline)'}`),
    ...(status.catalogs.length > 0 ? ['Catalogs'] : []),
    ...status.catalogs.map(
      (c) =>
        `  ${c.name} (${c.file}): ${c.products} products` +
        (c.unreadable > 0 ? `; its last import could not read ${c.unreadable} ${c.unreadable === 1 ? 'row' : 'rows'}` : '') +
        (c.problems > 0 ? `; ${c.problems} with problems` : '') +
        (c.unreadable + c.problems > 0 ? ` (\`semblance catalog report ${c.name}\`)` : ''),
    ),
  ];
  const unsupported = Object.entries(status.formats).filter(([, ok]) => !ok).map(([ext]) => ext);
  lines.push(
    `Formats   ${Object.entries(status.formats).filter(([, ok]) => ok).map(([ext]) => ext).join(' ')}` +
      (unsupported.length > 0 ? ` (this installation cannot decode: ${unsupported.join(' ')})` : ''),
  );
  if (status.forgotten.length > 0) {
    lines.push('Forgotten (can be brought back)');
    for (const f of status.forgotten) lines.push(`  ${f.path}: ${f.photos} photos, until ${new Date(f.undoUntil).toLocaleString()} (\`semblance restore-folder ${quoted(f.path)}\`)`);
  }
  if (errorGroups.length > 0) {
    lines.push(`Errors    ${items.byStatus.error} (\`semblance errors\` lists them; \`semblance retry\` reads them again)`);
    for (const g of errorGroups.slice(0, 10)) lines.push(`  ${String(g.count).padStart(6)}  ${g.reason}`);
    if (errorGroups.length > 10) lines.push(`  ... and ${errorGroups.length - 10} more reasons`);
  }
  return `${lines.join('\n')}\n`;
}

/** `semblance remove-folder`: what was forgotten, and how to take it back (or that it is gone for good). */
export function formatForgot(result: RemoveRootResponse, now: boolean): string {
  const { forgot } = result;
  const what = `${forgot.photos} ${forgot.photos === 1 ? 'photo' : 'photos'}${forgot.labels > 0 ? ` with ${forgot.labels} tags and labels` : ''}`;
  if (now) return `Forgot ${forgot.path} for good: ${what} left the library. The files on disk are untouched.\n`;
  return (
    `Forgot ${forgot.path}: ${what} left the library; the files on disk are untouched.\n` +
    `Undo until ${new Date(forgot.undoUntil).toLocaleString()}: semblance restore-folder ${quoted(forgot.path)}\n`
  );
}

/** A path as a shell reads it back. */
function quoted(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, "'\\''")}'`;
}

/** `semblance errors`: one page of failed items, with every reason and its count. */
export function formatErrors(page: ErrorsResponse): string {
  if (page.total === 0) return 'No item has failed.\n';
  const lines = ['Reasons', ...page.groups.map((g) => `  ${String(g.count).padStart(6)}  ${g.reason}`), ''];
  const last = page.offset + page.errors.length;
  lines.push(`Items ${page.offset + 1}-${last} of ${page.total}`);
  for (const e of page.errors) lines.push(`  ${e.path ?? `item ${e.id}`}: ${e.reason}`);
  if (last < page.total) lines.push(`(more: --page ${Math.round(page.offset / page.errors.length) + 2})`);
  return `${lines.join('\n')}\n`;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
