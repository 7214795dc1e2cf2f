// `gongshu --version` is answered here, without loading the program and its commands (startup, issue #21);
// every other command line, and a version request that fails (the program reports the error), runs the program.
import { processOutput } from './output.ts';
import { isVersionRequest, printVersion } from './version.ts';

const args = process.argv.slice(2);
let done = false;
if (isVersionRequest(args)) {
  try {
    process.exitCode = await printVersion(processOutput(), { json: args.includes('--json') });
    done = true;
  } catch {
    // Reported by runCli below, with --json and --debug honoured.
  }
}
if (!done) {
  const { runCli } = await import('./program.ts');
  await runCli(process.argv);
}
