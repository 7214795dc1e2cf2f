/** CLI: `npx tsx examples/xinjiang/generate/cli.ts --out DIR [--people N] [--seed S] [--as-of YYYY-MM-DD]`. */
import { parseArgs } from 'node:util';
import { generateRegion } from './index.ts';

const USAGE =
  'usage: npx tsx examples/xinjiang/generate/cli.ts --out DIR [--people 20000] [--seed 20261129] [--as-of 2026-11-29] [--json]';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      people: { type: 'string' },
      seed: { type: 'string' },
      'as-of': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!values.out) {
    process.stderr.write(`--out is required. ${USAGE}\n`);
    return 2;
  }
  const started = performance.now();
  const manifest = await generateRegion({
    outDir: values.out,
    ...(values.people === undefined ? {} : { people: Number(values.people) }),
    ...(values.seed === undefined ? {} : { seed: Number(values.seed) }),
    ...(values['as-of'] === undefined ? {} : { asOf: values['as-of'] }),
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (values.json) {
    process.stdout.write(`${JSON.stringify(manifest)}\n`);
    return 0;
  }
  for (const f of Object.values(manifest.files)) {
    const defects = Object.values(f.defects).reduce((s, e) => s + e.count, 0);
    process.stdout.write(
      `${f.file.padEnd(28)} ${String(f.dataRows).padStart(8)} rows ${String(f.bytes).padStart(11)} bytes  ${defects} defect rows\n`,
    );
  }
  process.stderr.write(
    `generate xinjiang → ${manifest.residents.toLocaleString('en')} residents in ${seconds} s (${values.out})\n`,
  );
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
