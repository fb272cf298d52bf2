/**
 * The page's policy: its own scripts only, no inline script, no eval, no remote anything.
 * Inline styles are allowed because the virtualized grid positions rows with them; pictures
 * also come from semblance:// (the desktop app's picture scheme).
 */
export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' semblance: data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
