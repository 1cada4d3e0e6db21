#!/usr/bin/env node
// `npx vitrine <command>`: the operators' entry point. The sources are TypeScript run through tsx's loader,
// so the CLI works straight from a clone with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
