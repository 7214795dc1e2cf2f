// The platform layer: the hierarchy protocol on both sides. push/ (plan, outbox, send, receive, dead letters,
// forwarder), backflow/ (ask, answer), audit/ (the hash-chained transfer log, refusals, anchors at the parent),
// transport/ (signing of requests and answers, TLS, node keys, client, server, the Parquet wire format).
export { type Anchor, type AnchoredVerification, anchorsOf, verifyAgainstParent } from './audit/anchors.ts';
export {
  AUDIT_TEXT_MAX,
  type AuditEntry,
  type AuditInput,
  type AuditProblem,
  type AuditStart,
  type AuditVerification,
  appendAudit,
  auditHead,
  canonicalJson,
  cutText,
  deleteArchivedAudit,
  entryHash,
  GENESIS_HASH,
  listAudit,
  readAuditHead,
  verifyAudit,
} from './audit/chain.ts';
export { createRefusalAudit, type Refusal } from './audit/refusals.ts';
export {
  type BackflowAsk,
  type BackflowAuthorization,
  type BackflowAuthorizer,
  type BackflowHeader,
  type ServedBackflow,
  serveBackflow,
} from './backflow/answer.ts';
export {
  BACKFLOW_SCHEMA,
  type BackflowOptions,
  type BackflowProgress,
  type BackflowResult,
  backflowTable,
  requestBackflow,
} from './backflow/ask.ts';
export {
  BUILT_LAYERS,
  type CatalogProject,
  DATASET_NAME,
  type DatasetPolicy,
  datasetPolicies,
  isReportable,
  type JurisdictionRule,
  jurisdictionOf,
  localTable,
  RECEIVED_SCHEMA,
  receivedTable,
  reportedColumns,
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
export { PlatformConfigError, PlatformRejection, redactText, TransportError } from './errors.ts';
export {
  abandonDeadLetter,
  type DeadLetter,
  isFinalRefusal,
  listDeadLetters,
  retryDeadLetter,
} from './push/dead-letters.ts';
export { createForwarder, type Forwarder } from './push/forwarder.ts';
export { PUSH_PURPOSE } from './push/plan.ts';
export {
  type NodeSummary,
  nodeSummarySchema,
  type PushHeader,
  type PushQuery,
  parsePushHeader,
  RECEIVED_BATCH_COLUMN,
  storeChunk,
} from './push/receive.ts';
export {
  type FailedBatch,
  type PushedBatch,
  type PushOptions,
  type PushProgress,
  type PushSummary,
  pushUpward,
} from './push/send.ts';
export { listReceivedSummaries, type ReceivedSummary } from './push/summaries.ts';
export { ANSWER_HEADERS, answerProblem, canonicalAnswer, signAnswer } from './transport/answers.ts';
export { initCertificate, type NodeCertificate, TLS_FILES } from './transport/certificate.ts';
export {
  type ClientTls,
  fileSm3,
  type NodeResponse,
  type SignedRequestOptions,
  signedRequest,
  withRetries,
} from './transport/client.ts';
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
export {
  inspectChunk,
  isWireType,
  PARQUET,
  type WireColumn,
  wireSelect,
  writeChunkFile,
} from './transport/parquet-chunk.ts';
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
export { parentTls, serverTls } from './transport/tls.ts';
