// Each app's credentials, and code to paste: @larksuiteoapi/node-sdk and curl against this server.
import type { AppInfo } from './api.js';
import { useConsole } from './context.js';
import { CopyButton } from './copy-button.js';

export function AppsView() {
  const { t, apps } = useConsole();
  return (
    <section aria-labelledby="apps-heading">
      <h2 id="apps-heading">{t('apps.heading')}</h2>
      <div class="app-list">
        {apps.map((app) => (
          <AppCard key={app.app_id} app={app} />
        ))}
      </div>
    </section>
  );
}

function AppCard({ app }: { app: AppInfo }) {
  const { t, statuses } = useConsole();
  const base = location.origin;
  const secret = app.app_secret ?? '<app_secret>';
  const statusId = statuses[0]?.system_status_id ?? '<system_status_id>';
  const sdk = sdkSnippet(base, app.app_id, secret, statusId);
  const curl = curlSnippet(base, app.app_id, secret, statusId);
  return (
    <article class="card app-card" aria-labelledby={`app-${app.app_id}`} data-app-id={app.app_id}>
      <h3 id={`app-${app.app_id}`}>
        {app.name} <span class="badge">{app.type}</span>
      </h3>
      <dl class="facts">
        <dt>{t('apps.appId')}</dt>
        <dd>
          <code class="id">{app.app_id}</code> <CopyButton text={app.app_id} label={t('apps.appId')} />
        </dd>
        <dt>{t('apps.secret')}</dt>
        <dd>
          {app.app_secret ? (
            <>
              <code class="id">{app.app_secret}</code> <CopyButton text={app.app_secret} label={t('apps.secret')} />
            </>
          ) : (
            <span class="muted">{t('apps.secretUnknown')}</span>
          )}
        </dd>
        <dt>{t('apps.scopes')}</dt>
        <dd class="scopes">
          {app.scopes.map((scope) => (
            <code key={scope}>{scope}</code>
          ))}
        </dd>
        <dt>{t('apps.contact')}</dt>
        <dd>{app.contact_scope === 'all' ? t('apps.contactAll') : t('apps.contactSome', { n: app.contact_scope.length })}</dd>
      </dl>
      <div class="snippet">
        <div class="snippet-head">
          <h4>{t('apps.sdk')}</h4>
          <CopyButton text={sdk} label="SDK" />
        </div>
        <pre class="code">{sdk}</pre>
      </div>
      <div class="snippet">
        <div class="snippet-head">
          <h4>{t('apps.curl')}</h4>
          <CopyButton text={curl} label="curl" />
        </div>
        <pre class="code">{curl}</pre>
      </div>
    </article>
  );
}

function sdkSnippet(base: string, appId: string, secret: string, statusId: string): string {
  return `import * as lark from '@larksuiteoapi/node-sdk';

// Pointed at this sysstatus server instead of open.feishu.cn.
const client = new lark.Client({
  appId: '${appId}',
  appSecret: '${secret}',
  domain: '${base}',
});

const { data } = await client.personal_settings.v1.systemStatus.list({ params: { page_size: 50 } });
console.log(data?.items);

const opened = await client.personal_settings.v1.systemStatus.batchOpen({
  path: { system_status_id: '${statusId}' },
  params: { user_id_type: 'user_id' },
  data: { user_list: [{ user_id: 'u001', end_time: Math.floor(Date.now() / 1000) + 3600 }] },
});
console.log(opened.data?.result_list);
`;
}

function curlSnippet(base: string, appId: string, secret: string, statusId: string): string {
  return `BASE=${base}
TOKEN=$(curl -s -X POST "$BASE/open-apis/auth/v3/tenant_access_token/internal" \\
  -H 'Content-Type: application/json; charset=utf-8' \\
  -d '{"app_id":"${appId}","app_secret":"${secret}"}' | sed -E 's/.*"tenant_access_token":"([^"]+)".*/\\1/')

curl -s "$BASE/open-apis/personal_settings/v1/system_statuses?page_size=50" \\
  -H "Authorization: Bearer $TOKEN"

curl -s -X POST "$BASE/open-apis/personal_settings/v1/system_statuses/${statusId}/batch_open?user_id_type=user_id" \\
  -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json; charset=utf-8' \\
  -d "{\\"user_list\\":[{\\"user_id\\":\\"u001\\",\\"end_time\\":\\"$(( $(date +%s) + 3600 ))\\"}]}"
`;
}
