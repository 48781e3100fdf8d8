#!/usr/bin/env node
// Runs the TypeScript sources without a build (needs a TypeScript loader such as tsx on PATH).
import {execute} from '@oclif/core'

await execute({development: true, dir: import.meta.url})
