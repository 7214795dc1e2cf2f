// The project layer: `defineProject` (the node's registry), loading gongshu.config.ts and resolving the
// project's paths, the tasks a node runs (recorded runs, alerts), the node service (queue, control socket,
// schedules, HTTP) and the scaffold of a new project. It sits above jobs/, platform/ and reports/; nothing below
// imports it.
export { type Alerter, createAlerter, NO_ALERTS } from './alerts/alerter.ts';
export {
  ALERT_EVENTS,
  type Alert,
  type AlertEvent,
  type AlertEventKind,
  type AlertSpec,
  alertSchema,
  WEBHOOK_FORMATS,
  type Webhook,
} from './alerts/define.ts';
export { type AlertSender, alertBody, EVENT_LABELS } from './alerts/format.ts';
export { type AlertDelivery, postAlert } from './alerts/send.ts';
export { dingtalkSignedUrl, feishuSign, jsonSignature } from './alerts/sign.ts';
export { defineProject, type Project, type ProjectSpec, projectSpecSchema } from './define.ts';
export { DefinitionError, ProjectError } from './errors.ts';
export {
  findProjectDir,
  type LoadedProject,
  loadProject,
  PROJECT_FILE,
  projectFileOf,
} from './load.ts';
export {
  projectAndWarehouse,
  projectPath,
  useProjectReferenceData,
  warehousePathOf,
} from './paths.ts';
export { SAMPLE_HEADER, sampleRows } from './scaffold/sample.ts';
export { type ScaffoldOptions, type ScaffoldResult, scaffoldProject } from './scaffold/scaffold.ts';
export { type RelayIO, sendToService } from './service/control-client.ts';
export type { ControlMessage, ControlRequest, RequestMode } from './service/control-protocol.ts';
export { JobQueue } from './service/job-queue.ts';
export {
  type CommandAccess,
  type CommandRunner,
  type NodeService,
  type NodeServiceOptions,
  type ServiceControl,
  startNodeService,
} from './service/node-service.ts';
export {
  STEP_HANDLERS,
  type StepHandler,
  scheduleActions,
  scheduleExecutor,
} from './service/schedule-steps.ts';
export { controlSocketPath } from './service/socket-path.ts';
export { backfillRange, runBackfillTask } from './tasks/backfill.ts';
export { runBackflowTask } from './tasks/backflow.ts';
export { runBuildTask } from './tasks/build.ts';
export type { TaskContext } from './tasks/context.ts';
export { runPipelinesTask } from './tasks/pipelines.ts';
export { runPushTask } from './tasks/push.ts';
export { type QualityTaskResult, qualityEvents, reportsDirOf, runQualityTask } from './tasks/quality.ts';
export {
  backupsReader,
  type ReportTaskOptions,
  type ReportTaskResult,
  renderReport,
  reportFileOf,
  runReportTask,
} from './tasks/report.ts';
export { importTypeScript, PACKAGE_ROOT } from './typescript.ts';
