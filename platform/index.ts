// The platform layer: the hierarchy protocol on both sides. push/ (plan, outbox, send, receive), backflow/ (ask,
// answer), audit/ (the hash-chained transfer log), transport/ (signing, node keys, client, server, wire format).
export {
  type AuditEntry,
  type AuditInput,
  type AuditProblem,
  type AuditStart,
  type AuditVerification,
  appendAudit,
  canonicalJson,
  deleteArchivedAudit,
  entryHash,
  GENESIS_HASH,
  listAudit,
  readAuditHead,
  verifyAudit,
} from './audit/chain.ts';
export {
  type BackflowAsk,
  type BackflowAuthorization,
  type BackflowAuthorizer,
  type ServedBackflow,
  serveBackflow,
} from './backflow/answer.ts';
export {
  BACKFLOW_SCHEMA,
  type BackflowOptions,
  type BackflowResult,
  requestBackflow,
} from './backflow/ask.ts';
export {
  type CatalogProject,
  type DatasetPolicy,
  datasetPolicies,
  divisionSql,
  isReportable,
  shareableColumns,
  TRAVELLING_LINEAGE,
  unsharedColumns,
} from './catalog-policy.ts';
export {
  entitlementSchema,
  type NodeContext,
  nodeContext,
  type PlatformConfig,
  type PlatformProject,
  type PlatformSpec,
  platformSchema,
} from './config.ts';
export { PlatformConfigError, PlatformRejection, TransportError } from './errors.ts';
export {
  type PushHeader,
  parsePushHeader,
  RECEIVED_BATCH_COLUMN,
  RECEIVED_SCHEMA,
  storeChunk,
} from './push/receive.ts';
export {
  PUSH_PURPOSE,
  type PushedBatch,
  type PushOptions,
  type PushSummary,
  pushUpward,
} from './push/send.ts';
export { type NodeResponse, signedRequest, withRetries } from './transport/client.ts';
export {
  initKeys,
  KEY_FILES,
  loadKeys,
  type NodeKeys,
  parsePublicKey,
  publicKeyText,
  signBytes,
  verifyBytes,
} from './transport/node-keys.ts';
export { createSerial, type Serial } from './transport/serial.ts';
export {
  type CompletedBatch,
  createNodeServer,
  listen,
  type NodeServerOptions,
  type NodeServerTools,
} from './transport/server.ts';
export {
  canonicalRequest,
  SIGNATURE_HEADERS,
  signRequest,
  sm3,
  type VerifiedRequest,
  verifyRequest,
} from './transport/signing.ts';
export { ARROW_STREAM, decodeChunk, encodeChunk, type WireColumn } from './transport/wire.ts';
