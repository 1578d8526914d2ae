#!/usr/bin/env node
// The package's executable: registers tsx so the TypeScript sources run directly (no build step).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli.ts');
process.exit(await main(process.argv.slice(2)));
