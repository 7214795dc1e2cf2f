/** The one deep freeze of definitions: `define*` functions return values nobody can change afterwards. */

/**
 * Freezes a value and everything reachable from it. Functions are left as they are, and so are objects with
 * behaviour (`keepShallow` returns true for them: a connector is frozen itself, but not its internals).
 */
export function deepFreeze<T>(value: T, keepShallow?: (child: object) => boolean): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) {
      if (child === null || typeof child !== 'object') continue;
      if (keepShallow?.(child)) Object.freeze(child);
      else deepFreeze(child, keepShallow);
    }
  }
  return value;
}
