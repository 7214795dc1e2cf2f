import { DEPARTMENTS } from '../generate/index.ts';

/** The catalog provider (name and code) of a department of the example region. */
export function department(id: string): { name: string; code: string } {
  const d = DEPARTMENTS.find((x) => x.id === id);
  if (!d)
    throw new Error(
      `examples/xinjiang: no department "${id}"; known: ${DEPARTMENTS.map((x) => x.id).join(', ')}`,
    );
  return { name: d.nameZh, code: d.code };
}
