#!/usr/bin/env node
// Entry for the installed `gongshu` command: runs the TypeScript CLI through tsx's loader. Both hooks are
// registered (as `node --import tsx` does): a project's gongshu.config.ts outside an ESM package
// (no "type": "module") loads as CommonJS, which the ESM hook alone cannot do.
import { register as registerCommonJs } from 'tsx/cjs/api';
import { register as registerEsm } from 'tsx/esm/api';

registerCommonJs();
registerEsm();
await import('../cli/main.ts');
