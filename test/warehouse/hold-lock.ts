// Child process for the lock test: opens a warehouse for writing, says "ready", holds it until killed.
import { openWarehouse } from '../../warehouse/index.ts';

const wh = await openWarehouse({ path: process.argv[2]! });
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  wh.close();
  process.exit(0);
});
setInterval(() => {}, 1000);
