/** Levels of the platform hierarchy and the GB/T 2260 code arithmetic that places a node in it. */

/** Node levels of the platform hierarchy. */
export const NODE_LEVELS = ['county', 'prefecture', 'region'] as const;

/** A node level. */
export type NodeLevel = (typeof NODE_LEVELS)[number];

/** The level of a node from its code: xx0000 region, xxxx00 prefecture, else county. */
export function levelOfCode(code: string): NodeLevel {
  if (code.endsWith('0000')) return 'region';
  if (code.endsWith('00')) return 'prefecture';
  return 'county';
}

/** The code prefix every division under a node shares: 650000 → "65", 650100 → "6501", 650102 → "650102". */
export function divisionPrefix(code: string): string {
  if (code.endsWith('0000')) return code.slice(0, 2);
  if (code.endsWith('00')) return code.slice(0, 4);
  return code;
}
