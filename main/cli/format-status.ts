import type { StatusResponse } from '../../preload/contract.js';

/** `semblance status` for people; `--json` prints the StatusResponse itself. */
export function formatStatus(status: StatusResponse): string {
  const { database, items, spaces, roots, errors } = status;
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
  ];
  const unsupported = Object.entries(status.formats).filter(([, ok]) => !ok).map(([ext]) => ext);
  lines.push(
    `Formats   ${Object.entries(status.formats).filter(([, ok]) => ok).map(([ext]) => ext).join(' ')}` +
      (unsupported.length > 0 ? ` (this installation cannot decode: ${unsupported.join(' ')})` : ''),
  );
  if (errors.length > 0) {
    lines.push(`Errors (latest ${errors.length})`);
    for (const e of errors) lines.push(`  ${e.path ?? `item ${e.id}`}: ${e.reason}`);
  }
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
