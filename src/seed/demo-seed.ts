import { SCOPES } from '../domain/apis.js';
import type { SeedFile } from './seed-schema.js';

/** The tenant `npm start` serves when no seed is given. Fixed credentials, like LocalStack's test/test. */
export const DEMO_APP_ID = 'cli_a1b2c3d4e5f60718';
export const DEMO_APP_SECRET = 'sysstatus-demo-secret';
export const DEMO_TENANT_KEY = '736588c9260f175d';

export const DEMO_SEED: SeedFile = {
  tenants: [
    {
      tenant_key: DEMO_TENANT_KEY,
      name: 'Demo Corp',
      api_permission: true,
      apps: [
        {
          app_id: DEMO_APP_ID,
          app_secret: DEMO_APP_SECRET,
          name: 'Status Sync (demo)',
          type: 'custom',
          developer: 'demo-corp',
          scopes: [SCOPES.system_status_update, SCOPES.system_status_operate, SCOPES.employee_id],
          // u012 is outside the app's contact scope: batch_open answers invisible_user_id for them.
          contact_scope: ['u001', 'u002', 'u003', 'u004', 'u005', 'u006', 'u007', 'u008', 'u009', 'u010', 'u011'],
        },
      ],
      users: [
        { user_id: 'u001', name: '张三' },
        { user_id: 'u002', name: '李四' },
        { user_id: 'u003', name: '王五', sync_off: ['出差'] },
        { user_id: 'u004', name: 'Alice Chen' },
        { user_id: 'u005', name: 'Bob Li' },
        { user_id: 'u006', name: '赵六' },
        { user_id: 'u007', name: '孙七' },
        { user_id: 'u008', name: 'Carol Wang' },
        { user_id: 'u009', name: '周八', resigned: true },
        { user_id: 'u010', name: 'Dave Zhang' },
        { user_id: 'u011', name: '吴九' },
        { user_id: 'u012', name: '郑十' },
      ],
      system_statuses: [
        {
          title: '请假',
          i18n_title: { zh_cn: '请假', en_us: 'On leave', ja_jp: '休暇中' },
          icon_key: 'GeneralVacation',
          color: 'GREEN',
          priority: 0,
        },
        {
          title: '出差',
          i18n_title: { zh_cn: '出差', en_us: 'On business trip', ja_jp: '出張中' },
          icon_key: 'GeneralBusinessTrip',
          color: 'BLUE',
          priority: 1,
        },
        {
          title: '会议中',
          i18n_title: { zh_cn: '会议中', en_us: 'In a meeting', ja_jp: '会議中' },
          icon_key: 'GeneralInMeetingBusy',
          color: 'RED',
          priority: 2,
        },
        {
          title: '居家办公',
          i18n_title: { zh_cn: '居家办公', en_us: 'Working from home', ja_jp: '在宅勤務' },
          icon_key: 'GeneralWorkFromHome',
          color: 'TURQUOISE',
          priority: 3,
          sync_setting: { is_open_by_default: false },
        },
      ],
    },
  ],
};
