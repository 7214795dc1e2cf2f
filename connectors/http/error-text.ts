/** The wording shared by the HTTP connector's errors. */

/** Said by every error of an extraction: its rows were not loaded. */
export const NOT_COMMITTED = 'the load was not committed';

/** The first 80 characters of a body, on one line, secrets removed. */
export function snippet(text: string, redact: (text: string) => string): string {
  const oneLine = redact(text).replace(/\s+/g, ' ').trim();
  return oneLine.length > 80 ? `${oneLine.slice(0, 80)}…` : oneLine;
}
