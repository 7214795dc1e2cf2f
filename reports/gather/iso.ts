/** Epoch milliseconds as the database returns them (`epoch_ms(…)`, number or bigint) → ISO 8601 text. */
export const iso = (ms: unknown): string => new Date(Number(ms)).toISOString();
