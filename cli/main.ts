// `gongshu --version` is answered here, without loading the program and its commands (startup, issue #21);
// every other command line, and a version request that fails (the program reports the error), runs the program.
import { processOutput } from './output.ts';
import { isVersionRequest, printVersion } from './version.ts';

// `gongshu runs --json | head -1`: the reader went away. What follows on stdout is dropped; the command still
// finishes (a load still commits) and exits with its own code, instead of crashing with an EPIPE stack trace.
// (`gongshu sql`, which only reads, stops at once: cli/commands/sql.ts.)
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') return;
  throw error;
});

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
