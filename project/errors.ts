import { GongshuError } from '../schemas/index.ts';

export { DefinitionError } from '../schemas/index.ts';

/**
 * A task or the node service could not do what was asked: `no-report` (nothing to render yet), `unknown-pipeline`,
 * `service-stopping` (the node stopped before a queued request ran), `service` (the control socket failed).
 */
export class ProjectError extends GongshuError {
  constructor(code: string, message: string, details: Record<string, unknown> = {}, cause?: unknown) {
    super(code, message, { details, cause });
  }
}
