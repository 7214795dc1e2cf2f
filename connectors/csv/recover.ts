import { CsvParser } from './parser.ts';

/** How a file's records are delimited and quoted. */
export interface RecordSyntax {
  readonly delimiter: string;
  readonly quote: string;
}

/**
 * The rows of a file's lines of the other encoding, parsed from their text decoded as what they are
 * (`EncodingCheck.lineTexts`): the row's first line → its fields. Such rows are still quarantined (the file mixes
 * encodings), but their values there are the department's text, not mojibake or U+FFFD.
 *
 * Consecutive lines are parsed together, as a quoted field may hold line breaks. A record without `width` fields,
 * or malformed (say, its row goes on over a line that was not kept), is left out: its row keeps the values it was
 * read with.
 */
export function recoverRows(
  texts: ReadonlyMap<number, string>,
  syntax: RecordSyntax,
  width: number,
): Map<number, string[]> {
  const rows = new Map<number, string[]>();
  const lines = [...texts.keys()].sort((a, b) => a - b);
  let i = 0;
  while (i < lines.length) {
    const start = lines[i]!;
    const parser = new CsvParser({ ...syntax, skipLines: 0 }, (fields, line, problem) => {
      if (problem === null && fields.length === width) rows.set(start + line - 1, fields);
    });
    // one run of consecutive lines
    for (let next = start; i < lines.length && lines[i] === next; i++) {
      const text = texts.get(next)!;
      parser.push(text);
      next += Math.max(lineBreaks(text), 1);
    }
    parser.end();
  }
  return rows;
}

/**
 * The row starting on `line` and going on over `breaks` more lines, recovered as `recoverRows` does from the texts
 * kept of its lines, which are taken out of `texts` (a streaming reader frees them as it goes); undefined when a
 * line of it was not kept, or its text does not parse into `width` fields.
 */
export function recoverRow(
  texts: Map<number, string>,
  line: number,
  breaks: number,
  syntax: RecordSyntax,
  width: number,
): string[] | undefined {
  const span = new Map<number, string>();
  for (let at = line; at <= line + breaks; ) {
    const text = texts.get(at);
    if (text === undefined) return undefined;
    span.set(at, text);
    texts.delete(at);
    at += Math.max(lineBreaks(text), 1);
  }
  return recoverRows(span, syntax, width).get(line);
}

/** Line breaks in the text as the parser counts them: LF, CR LF (one) and a lone CR. */
function lineBreaks(text: string): number {
  return text.match(/\r\n|\r|\n/g)?.length ?? 0;
}
