/**
 * The governance blocks of a project: `sharing` (requests, grants, outputs) and `audit` (retention of the
 * usage log and transfer audit). Parsed once by `governanceConfig`; `defineProject` checks them when defined.
 */
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { GovernanceConfigError } from './errors.ts';

/** Emergency kinds recognised by default (第十七条: 地震、农业灾害 …; public health). */
export const DEFAULT_EMERGENCY_KINDS = [
  'earthquake',
  'flood',
  'fire',
  'agricultural-disaster',
  'public-health',
  'accident',
] as const;

const keyFile = z
  .string()
  .min(1)
  .meta({ description: 'a file holding the pseudonymisation key (≥ 16 bytes), relative to the project' });

/** `sharing`: deadlines, emergencies, grants and the pseudonymisation keys of each audience. */
export const sharingSchema = z
  .object({
    conformityDays: z.number().int().min(1).max(30).default(3).meta({
      description: 'working days for the conformity review after submission (第二十一条); defaults to 3',
    }),
    providerDays: z.number().int().min(1).max(30).default(5).meta({
      description: "working days for the provider's answer after forwarding (第二十一条); defaults to 5",
    }),
    catalogChangeDays: z.number().int().min(1).max(60).default(15).meta({
      description: 'working days to change the catalog after a law or duty change (第十一条); defaults to 15',
    }),
    emergency: z
      .object({
        kinds: z
          .array(z.string().regex(/^[a-z][a-z0-9-]*$/))
          .min(1)
          .default([...DEFAULT_EMERGENCY_KINDS])
          .meta({
            description:
              'emergency kinds a request may name; defaults to earthquake, flood, fire, agricultural-disaster, public-health, accident',
          }),
        hours: z.number().min(0.5).max(24).default(4).meta({
          description: 'hours an emergency request has for each step (review, answer); defaults to 4',
        }),
      })
      .strict()
      .default({ kinds: [...DEFAULT_EMERGENCY_KINDS], hours: 4 }),
    grantValidDays: z.number().int().min(1).max(3660).default(365).meta({
      description: 'days a grant stays valid unless the decision says otherwise; defaults to 365',
    }),
    backflow: z.enum(['grants', 'entitlements']).default('grants').meta({
      description:
        "'grants': backflow (回流) is served only under a valid grant, with its columns, division scope and the backflow masking policy; 'entitlements': the pre-grant behaviour (platform.entitlements only, no masking) for closed test hierarchies; defaults to 'grants'",
    }),
    pseudonymKeys: z
      .object({ share: keyFile, backflow: keyFile, open: keyFile })
      .partial()
      .strict()
      .default({})
      .meta({
        description:
          'key file per audience for pseudonymize; a missing file is created (32 random bytes, mode 0600) under .gongshu/keys/pseudonym-<audience>.key',
      }),
  })
  .strict();

/** `audit`: how long the usage log and the audit chain are kept (第十五条: at least three years). */
export const auditConfigSchema = z
  .object({
    retentionYears: z
      .number()
      .int()
      .min(3, {
        error: 'the measures (第十五条) keep logs at least 3 years: retentionYears must be 3 or more',
      })
      .default(3)
      .meta({
        description:
          'years audit and usage entries are kept before an archived entry may be deleted; at least 3; defaults to 3',
      }),
    archiveDir: z.string().min(1).default('.gongshu/audit-archive').meta({
      description:
        'where `gongshu audit archive` writes signed segments, relative to the project; defaults to .gongshu/audit-archive',
    }),
  })
  .strict();

/** The sharing block as written. */
export type SharingSpec = z.input<typeof sharingSchema>;
/** The parsed sharing block. */
export type SharingConfig = z.output<typeof sharingSchema>;
/** The audit block as written. */
export type AuditSpec = z.input<typeof auditConfigSchema>;
/** The parsed audit block. */
export type AuditConfig = z.output<typeof auditConfigSchema>;

/** The governance configuration of a project, paths resolved. */
export interface GovernanceConfig {
  readonly sharing: SharingConfig;
  readonly audit: AuditConfig & { readonly archivePath: string };
  /** The project folder (paths are resolved against it). */
  readonly dir: string;
}

function parse<T extends z.ZodType>(schema: T, value: unknown, block: string, project: string): z.output<T> {
  const r = schema.safeParse(value ?? {});
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => `${block}.${i.path.join('.')}: ${i.message}`).join('; ');
  throw new GovernanceConfigError(
    `project ${project}: ${issues}. Fix: see ${block === 'audit' ? 'auditConfigSchema' : 'sharingSchema'} in governance/config.ts`,
    { field: block },
  );
}

/** Parses a project's `sharing` and `audit` blocks (absent → defaults) and resolves paths against `dir`. */
export function governanceConfig(
  project: { readonly name: string; readonly sharing?: unknown; readonly audit?: unknown },
  dir: string,
): GovernanceConfig {
  const sharing = parse(sharingSchema, project.sharing, 'sharing', project.name);
  const audit = parse(auditConfigSchema, project.audit, 'audit', project.name);
  const archivePath = isAbsolute(audit.archiveDir) ? audit.archiveDir : join(dir, audit.archiveDir);
  return { sharing, audit: { ...audit, archivePath }, dir };
}
