// A worker thread starts as plain Node, without the TypeScript loader its parent runs under: load it, then the
// checker (worker.ts).
import { tsImport } from 'tsx/esm/api';

await tsImport('./worker.ts', import.meta.url);
