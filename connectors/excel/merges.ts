/** A merged cell range, 1-based and inclusive, e.g. `C3:E3` → { top: 3, left: 3, bottom: 3, right: 5 }. */
export interface MergeRange {
  readonly top: number;
  readonly left: number;
  readonly bottom: number;
  readonly right: number;
}

const MERGE = /<mergeCell\b[^>]*?\bref="([A-Z]+)(\d+):([A-Z]+)(\d+)"/g;

/**
 * Reads the `<mergeCell ref="…">` entries of a sheet's XML without parsing it as a whole: they come after
 * all rows (which is why exceljs' streaming reader never reports them), so this scans the text chunk by
 * chunk, carrying a short tail so a tag split between chunks is still found.
 */
export async function scanMerges(xml: AsyncIterable<string>): Promise<MergeRange[]> {
  const merges: MergeRange[] = [];
  let tail = '';
  for await (const chunk of xml) {
    const text = tail + chunk;
    let consumed = 0;
    for (const m of text.matchAll(MERGE)) {
      merges.push({
        left: columnNumber(m[1]!),
        top: Number(m[2]),
        right: columnNumber(m[3]!),
        bottom: Number(m[4]),
      });
      consumed = m.index + m[0].length;
    }
    const keep = Math.max(consumed, text.length - 200);
    tail = text.slice(keep);
  }
  return merges;
}

/** `A` → 1, `Z` → 26, `AA` → 27. */
export function columnNumber(letters: string): number {
  let n = 0;
  for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

/** `1` → `A`, `27` → `AA`. */
export function columnLetters(n: number): string {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}
