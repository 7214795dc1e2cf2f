/**
 * Deterministic synthetic department data for the Xinjiang example region: six departments' CSV extracts
 * with seeded defects at exact counts, and a `manifest.json` that says where every defect is.
 *
 * @example
 * const manifest = await generateRegion({ outDir: 'tmp/xj', people: 2000 });
 * manifest.files['gongan_hukou.csv'].expected.keyInvalid.checksum; // → exact count a loader must find
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { definitionMessage } from '../../../schemas/definition-errors/message.ts';
import { DefinitionError } from '../../../schemas/errors.ts';
import { isRealDate, parseDay } from './dates.ts';
import type { ExtractSpec } from './defects.ts';
import {
  birthsDeathsExtract,
  enterprisesExtract,
  hukouExtract,
  institutionsExtract,
  marriageExtract,
  socialOrgsExtract,
  socialSecurityExtract,
} from './extracts.ts';
import { DEFINITIONS, type FileManifest, type Manifest } from './manifest.ts';
import { generateOrganizations } from './organizations.ts';
import { generatePopulation } from './people.ts';
import { writeExtract } from './write-extract.ts';

export { DEPARTMENTS, type Department, type DepartmentExtract, type KeyKind } from './departments.ts';
export { DIVISION_BY_CODE, DIVISIONS, type Division, UNKNOWN_DIVISION_CODES } from './divisions.ts';
export type {
  DefectEntry,
  DefectKind,
  DefectLocation,
  ExpectedCounts,
  FileManifest,
  Manifest,
  NormalisableKind,
  Quirk,
} from './manifest.ts';

/** Options of `generateRegion`. */
export interface GenerateOptions {
  /** Directory the CSV files and `manifest.json` are written to (created if missing). */
  outDir: string;
  /** Residents to generate; defaults to 20000 (households are kept whole, so a few more). */
  people?: number;
  /** PRNG seed; defaults to 20261129. */
  seed?: number;
  /** The "today" of the synthetic world (YYYY-MM-DD); defaults to 2026-11-29. */
  asOf?: string;
}

const WHERE = 'examples/xinjiang/generate';

/** Generates all extracts and the manifest into `outDir`; same options ⇒ byte-identical files. */
export async function generateRegion(options: GenerateOptions): Promise<Manifest> {
  const { outDir, people = 20000, seed = 20261129, asOf = '2026-11-29' } = options;
  if (!Number.isInteger(people) || people < 100 || people > 5_000_000) {
    throw new DefinitionError(
      definitionMessage({
        where: WHERE,
        field: 'people',
        expected: 'an integer 100..5000000',
        got: String(people),
        fix: 'people: 20000',
      }),
      { field: 'people' },
    );
  }
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new DefinitionError(
      definitionMessage({
        where: WHERE,
        field: 'seed',
        expected: 'an unsigned 32-bit integer',
        got: String(seed),
        fix: 'seed: 20261129',
      }),
      { field: 'seed' },
    );
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf) || !isRealDate(asOf.replaceAll('-', ''))) {
    throw new DefinitionError(
      definitionMessage({
        where: WHERE,
        field: 'asOf',
        expected: 'a real date YYYY-MM-DD',
        got: JSON.stringify(asOf),
        fix: "asOf: '2026-11-29'",
      }),
      { field: 'asOf' },
    );
  }
  const asOfDay = parseDay(asOf);
  await mkdir(outDir, { recursive: true });
  const population = generatePopulation(people, seed, asOfDay);
  const organizations = generateOrganizations(population.people, people, seed, asOfDay);
  const builders: (() => ExtractSpec)[] = [
    () => hukouExtract(population, seed, asOfDay),
    () => marriageExtract(population),
    () => birthsDeathsExtract(population, seed, asOfDay),
    () => socialSecurityExtract(population, organizations, seed, asOfDay),
    () => enterprisesExtract(organizations),
    () => socialOrgsExtract(organizations),
    () => institutionsExtract(organizations),
  ];
  const files: Record<string, FileManifest> = {};
  for (const build of builders) {
    const entry = await writeExtract(build(), outDir, seed, asOfDay);
    files[entry.file] = entry;
  }
  const manifest: Manifest = {
    generator: 'gongshu/examples/xinjiang/generate',
    version: 1,
    seed,
    people,
    residents: population.people.length,
    asOf,
    definitions: DEFINITIONS,
    files,
  };
  const path = join(outDir, 'manifest.json');
  await writeFile(`${path}.partial`, `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(`${path}.partial`, path);
  return manifest;
}
