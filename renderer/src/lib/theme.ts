export type Theme = 'system' | 'light' | 'dark';
const KEY = 'semblance-theme';

export function loadTheme(): Theme {
  const saved = localStorage.getItem(KEY);
  return saved === 'light' || saved === 'dark' ? saved : 'system';
}

export function nextTheme(theme: Theme): Theme {
  return theme === 'system' ? 'dark' : theme === 'dark' ? 'light' : 'system';
}

/** Sets data-theme on <html>; "system" follows the OS setting, also when it changes. */
export function applyTheme(theme: Theme): () => void {
  localStorage.setItem(KEY, theme);
  const media = window.matchMedia('(prefers-color-scheme: dark)');
  const set = (): void => {
    document.documentElement.dataset.theme = theme === 'system' ? (media.matches ? 'dark' : 'light') : theme;
  };
  set();
  media.addEventListener('change', set);
  return () => media.removeEventListener('change', set);
}
