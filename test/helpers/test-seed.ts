import { SCOPES } from '../../src/domain/apis.js';
import type { SeedFile } from '../../src/seed/seed-schema.js';

export const ALL_SCOPES = [SCOPES.system_status_update, SCOPES.system_status_operate, SCOPES.employee_id];

/** Two tenants and apps of every kind the rules distinguish. */
export const TEST_SEED: SeedFile = {
  tenants: [
    {
      tenant_key: 'aaaaaaaaaaaaaaa1',
      name: 'Acme',
      apps: [
        // Sees everyone but u005.
        { app_id: 'cli_acme0000000000001', app_secret: 'acme-secret', developer: 'acme', scopes: ALL_SCOPES, contact_scope: ['u001', 'u002', 'u003', 'u004', 'u006'] },
        { app_id: 'cli_acme0000000000002', app_secret: 'acme-secret-2', developer: 'acme', scopes: ALL_SCOPES },
        { app_id: 'cli_acme0000000000003', app_secret: 'other-dev', developer: 'someone-else', scopes: ALL_SCOPES },
        { app_id: 'cli_acmenoscope000001', app_secret: 'no-scope', developer: 'acme', scopes: [] },
        { app_id: 'cli_acmenoemployee001', app_secret: 'no-employee', developer: 'acme', scopes: [SCOPES.system_status_update, SCOPES.system_status_operate] },
        { app_id: 'cli_acmestore00000001', app_secret: 'store-app', type: 'store', developer: 'isv', scopes: ALL_SCOPES },
      ],
      users: [
        { user_id: 'u001', name: '张三' },
        { user_id: 'u002', name: 'Li Si' },
        { user_id: 'u003', name: 'Wang Wu', sync_off: ['出差'] },
        { user_id: 'u004', name: 'Resigned', resigned: true },
        { user_id: 'u005', name: 'Invisible' },
        { user_id: 'u006', name: 'Zhao Liu' },
      ],
      system_statuses: [
        { title: '请假', icon_key: 'GeneralVacation', priority: 0 },
        { title: '出差', i18n_title: { zh_cn: '出差', en_us: 'On business trip' }, icon_key: 'GeneralBusinessTrip', priority: 1 },
        { title: '会议中', icon_key: 'GeneralInMeetingBusy', color: 'RED', priority: 2, sync_setting: { is_open_by_default: false } },
      ],
    },
    {
      tenant_key: 'bbbbbbbbbbbbbbb2',
      name: 'Globex',
      apps: [{ app_id: 'cli_globex0000000001', app_secret: 'globex-secret', developer: 'acme', scopes: ALL_SCOPES }],
      users: [{ user_id: 'u001', name: 'Globex One' }, { user_id: 'g002', name: 'Globex Two' }],
      system_statuses: [{ title: '出差', icon_key: 'GeneralBusinessTrip', priority: 1 }],
    },
    {
      tenant_key: 'ccccccccccccccc3',
      name: 'Initech',
      api_permission: false,
      apps: [{ app_id: 'cli_initech000000001', app_secret: 'initech-secret', scopes: ALL_SCOPES }],
      users: [{ user_id: 'i001' }],
    },
  ],
};

export const ACME = TEST_SEED.tenants[0].tenant_key!;
export const GLOBEX = TEST_SEED.tenants[1].tenant_key!;
export const ACME_APP = { app_id: 'cli_acme0000000000001', app_secret: 'acme-secret' };
