/**
 * A number as people write it in a price or quantity field: "49.99", "$49.99", "49.99 USD",
 * "1,299.00", "1.299,00 €", "-3". Null for anything else (so a filter never compares NaN),
 * a number too large for a double included (PostgreSQL's semblance_number_of agrees).
 */
export function numberOf(value: string | number | boolean | null | undefined): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string') return null;
  const text = value
    .trim()
    .replace(/^(?:[A-Z]{3}|[$€£¥₹])\s*/u, '')
    .replace(/\s*(?:[A-Z]{3}|[$€£¥₹])$/u, '');
  const finite = (n: number): number | null => (Number.isFinite(n) ? n : null);
  if (/^-?\d+(\.\d+)?$/.test(text)) return finite(Number(text));
  if (/^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(text)) return finite(Number(text.replace(/,/g, '')));
  if (/^-?\d{1,3}(\.\d{3})*,\d+$/.test(text)) return finite(Number(text.replace(/\./g, '').replace(',', '.')));
  if (/^-?\d+,\d{1,2}$/.test(text)) return finite(Number(text.replace(',', '.')));
  return null;
}
