#!/usr/bin/env node
// The CLI is TypeScript run by tsx; this shim registers tsx so `npx shisaku` works without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
