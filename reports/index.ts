// The quality dashboard: the model (report.json), gathering it from the warehouse, and rendering the static site.

export { RULES_CSV_COLUMNS, renderRulesCsv } from './csv.ts';
export { ReportError } from './errors.ts';
export { readCatalog } from './gather/catalog.ts';
export { displaySource } from './gather/dataset-extras.ts';
export { evaluationReader } from './gather/evaluation.ts';
export { readFoundations } from './gather/foundations.ts';
export { type GatherOptions, gatherDashboard, type SectionReader } from './gather/gather.ts';
export { readHierarchy } from './gather/hierarchy.ts';
export { openDataReader } from './gather/open-data.ts';
export { sharingReader } from './gather/sharing.ts';
export { REPORT_LANGS, type ReportLang, texts } from './i18n/texts.ts';
export { assessedDatasets, EARLIER_REPORTS, type LatestResults, latestResults } from './latest.ts';
export { renderMarkdown } from './markdown.ts';
export {
  BackupsSection,
  type CatalogItem,
  DASHBOARD_SCHEMA_VERSION,
  DashboardModel,
  type DatasetExtras,
  FoundationsSection,
  HierarchySection,
  OpenDataData,
  OpenDataSection,
  SharingData,
  SharingSection,
} from './model.ts';
export { CITIZEN_ID_PATTERN, findCitizenIds, scrubDeep, scrubText } from './scrub.ts';
export { renderSite } from './site.ts';
export {
  type DashboardResult,
  DEFAULT_DASHBOARD_DIR,
  latestReportFile,
  REPORTS_DIR,
  readReportFile,
  type WriteDashboardOptions,
  writeDashboard,
} from './write.ts';
