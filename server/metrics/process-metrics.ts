import { collectDefaultMetrics, Registry } from 'prom-client';

// prom-client's default metrics describe the process (CPU, memory, event loop, GC), not a
// companion, and each collectDefaultMetrics() starts an event-loop monitor and a GC observer
// that nothing can stop. So they are collected once per process into a registry of their own
// (never the global default one) and registered in every companion's registry from there:
// several companions in one test process share them and leave no monitors behind.
let processRegistry: Registry | undefined;

export function processMetrics(): Registry {
  if (processRegistry === undefined) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}
