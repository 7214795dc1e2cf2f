export {
  type AuditEntry,
  type AuditInput,
  type AuditVerification,
  appendAudit,
  canonicalJson,
  listAudit,
  readAuditHead,
  verifyAudit,
} from './audit.ts';
export { type ServedBackflow, serveBackflow } from './backflow-serve.ts';
export {
  type CatalogProject,
  type DatasetPolicy,
  datasetPolicies,
  isReportable,
  shareableColumns,
  TRAVELLING_LINEAGE,
  unsharedColumns,
} from './catalog-policy.ts';
export { type NodeResponse, signedRequest, withRetries } from './client.ts';
export {
  divisionPrefix,
  entitlementSchema,
  levelOfCode,
  type NodeContext,
  nodeContext,
  type PlatformConfig,
  type PlatformProject,
  type PlatformSpec,
  platformSchema,
} from './config.ts';
export { PlatformConfigError, PlatformRejection, TransportError } from './errors.ts';
export { initKeys, KEY_FILES, loadKeys, type NodeKeys, parsePublicKey, publicKeyText } from './keys.ts';
export {
  type PushHeader,
  parsePushHeader,
  RECEIVED_BATCH_COLUMN,
  RECEIVED_SCHEMA,
  storeChunk,
} from './receive.ts';
export { createSerial, type Serial } from './serial.ts';
export {
  type CompletedBatch,
  createNodeServer,
  listen,
  type NodeServerOptions,
  type NodeServerTools,
} from './server.ts';
export {
  canonicalRequest,
  SIGNATURE_HEADERS,
  signRequest,
  sm3,
  type VerifiedRequest,
  verifyRequest,
} from './signing.ts';
export { ARROW_STREAM, decodeChunk, encodeChunk, type WireColumn } from './wire.ts';
