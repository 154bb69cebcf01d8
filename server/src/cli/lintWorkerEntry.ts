import { serveLintWorker } from './lintWorker';

// The worker thread's entry when running from source (tests, tsx); the bundled CLI uses its own
// file (server/src/cli.ts branches on isMainThread), so dist/ needs no second file.
serveLintWorker();
