/** The schema the system tables live in: no user dataset (always in `main`) can reach a table of it. */
export const SYSTEM_SCHEMA = 'gongshu';
