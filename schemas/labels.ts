/** Chinese and English labels of an enum's values. */
export type Labels<T extends string> = Readonly<Record<T, { readonly zh: string; readonly en: string }>>;
