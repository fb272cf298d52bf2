import type { NoticesStore } from './stores/notices.svelte.js';

/** Copies text, saying so (`done`), or saying in words why it could not (an insecure page, a refusal). */
export async function copyToClipboard(notices: NoticesStore, text: string, done: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    notices.notify('info', done);
  } catch {
    notices.notify('error', 'The clipboard is not available here: select the text and copy it with the keyboard.');
  }
}
