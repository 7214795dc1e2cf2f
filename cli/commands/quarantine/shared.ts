/** The options of `gongshu quarantine`. */
export interface QuarantineOptions {
  reason?: string;
  load?: string;
  all?: boolean;
  limit: string;
  unmasked?: boolean;
  project?: string;
  warehouse?: string;
  json?: boolean;
}
