/** The allowed value a writer most likely meant: a Chinese or English label, an alias, or a near spelling. */
import type { Labels } from '../labels.ts';

/** The words a definition's values may be written in besides the values themselves. */
export interface SuggestionVocabulary {
  /** Labels of enum values: writing a label suggests its value (`有条件共享` → `conditional`). */
  readonly labels: readonly Labels<string>[];
  /** Other spellings of values, lower-case (`varchar` → `string`). */
  readonly aliases: Readonly<Record<string, string>>;
}

/** No labels, no aliases: only near spellings are suggested. */
export const NO_VOCABULARY: SuggestionVocabulary = Object.freeze({ labels: [], aliases: {} });

/** The Levenshtein distance of two strings. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/** The allowed value the writer most likely meant: a label, an alias, or a near spelling; else undefined. */
export function suggest(
  got: unknown,
  allowed: readonly string[],
  vocabulary: SuggestionVocabulary = NO_VOCABULARY,
): string | undefined {
  if (typeof got !== 'string') return undefined;
  const g = got.trim();
  for (const labels of vocabulary.labels) {
    for (const [value, l] of Object.entries(labels)) {
      if ((l.zh === g || l.en.toLowerCase() === g.toLowerCase()) && allowed.includes(value)) return value;
    }
  }
  const alias = vocabulary.aliases[g.toLowerCase().replace(/\(.*$/, '')];
  if (alias && allowed.includes(alias)) return alias;
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  for (const a of allowed) {
    const d = editDistance(g.toLowerCase(), a.toLowerCase());
    if (d < bestD) [best, bestD] = [a, d];
  }
  return bestD <= Math.max(1, Math.floor(g.length / 3)) ? best : undefined;
}
