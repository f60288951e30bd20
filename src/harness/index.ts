// The package's library entry point: `import { startSysstatus, connect } from 'sysstatus'`.
export { startSysstatus, RunningSysstatus, type StartOptions, type SeededApp } from './start-sysstatus.js';
export {
  connect,
  SysstatusClient,
  type AppsControl,
  type ClockControl,
  type ConnectOptions,
  type FaultsControl,
  type JournalControl,
  type SnapshotControl,
  type TenantsControl,
  type UsersControl,
} from './control-client.js';
export { EventStream } from './event-stream.js';
export { SysstatusError } from './sysstatus-error.js';
export { TestTenant } from './test-tenant.js';
export type * from './types.js';
