import type { ModelsResponse } from '../../preload/contract.js';
import { formatBytes } from './format-status.js';

/** `semblance models` for people; `--json` prints the ModelsResponse itself. */
export function formatModels(response: ModelsResponse): string {
  const lines = [`Models folder  ${response.modelsDir}${response.offline ? ' (offline: nothing is downloaded)' : ''}`];
  for (const m of response.models) {
    const details = [m.dtype, m.dims ? `${m.dims}-d` : null].filter(Boolean).join(', ');
    const state = m.source === 'built-in' ? 'built in' : m.present ? `present, ${formatBytes(m.sizeBytes)}` : 'not downloaded yet';
    lines.push(`  ${m.space.padEnd(7)} ${m.model}${details ? ` (${details})` : ''}: ${state}`);
    lines.push(`          ${m.role}${m.source === 'environment' ? '; chosen by an environment variable' : m.source === 'setting' ? '; your setting' : ''}`);
    if (!m.present && m.folder) {
      lines.push(`          files go in ${m.folder}; \`semblance models download ${m.space}\` fetches them`);
    }
  }
  return `${lines.join('\n')}\n`;
}
