import type { ProvisionedTenant } from '../operations/provisioning.js';

/** What a person needs after start: where it is, who they can be, and code to paste. */
export function banner(url: string, where: string, tenants: ProvisionedTenant[], mode: 'emulator' | 'production' = 'emulator'): string {
  const lines = [`sysstatus is serving the Feishu system status API at ${url}  (${where})`, `Web console: ${url}/_sysstatus/console`];
  lines.push(
    mode === 'emulator'
      ? `Emulator controls: ${url}/_sysstatus  (API docs ${url}/_sysstatus/docs)`
      : `Production mode: controls at ${url}/_sysstatus need the admin token; clock, faults and reset are off`,
    '',
  );
  for (const tenant of tenants) {
    lines.push(`Tenant "${tenant.name}"  tenant_key ${tenant.tenant_key}`);
    for (const app of tenant.apps) {
      lines.push(`  app_id      ${app.app_id}   (${app.type})`);
      // Production logs are kept: a secret does not belong in them.
      lines.push(`  app_secret  ${mode === 'emulator' ? app.app_secret : '(as in the seed file)'}`);
    }
    for (const pending of tenant.pending_sync_off) {
      lines.push(`  user ${pending.user_id} turns off sync for "${pending.title}": no status has that title yet; it applies when one is created`);
    }
  }
  const app = tenants.flatMap((tenant) => tenant.apps).find((candidate) => candidate.type === 'custom');
  if (app && mode === 'emulator') {
    lines.push(
      '',
      'Point @larksuiteoapi/node-sdk (>= 1.73.2) at it:',
      '',
      "  import * as lark from '@larksuiteoapi/node-sdk';",
      `  const client = new lark.Client({ appId: '${app.app_id}', appSecret: '${app.app_secret}', domain: '${url}' });`,
      '  const { data } = await client.personal_settings.v1.systemStatus.list({ params: { page_size: 50 } });',
      '  console.log(data.items);',
      '',
      `Users as this app sees them: ${url}/_sysstatus/apps/${app.app_id}/users`,
    );
  }
  return lines.join('\n');
}
