// A small Feishu app: while a user is on a business trip in the calendar feed, their Feishu client
// shows the "出差" (business trip) system status until the trip ends.
//
//   const client = new lark.Client({ appId, appSecret });
//   await syncTrips(client, await fetchCalendarFeed(), Date.now());

export const TRIP_STATUS = { title: '出差', i18n_title: { en_us: 'On a business trip' }, icon_key: 'GeneralBusinessTrip', color: 'BLUE', priority: 1 };

const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The tenant's business-trip status, created the first time. */
export async function tripStatusId(client) {
  const systemStatus = client.personal_settings.v1.systemStatus;
  for await (const page of await systemStatus.listWithIterator({ params: { page_size: 50 } })) {
    const found = page?.items?.find((item) => item.title === TRIP_STATUS.title);
    if (found) return found.system_status_id;
  }
  const created = await systemStatus.create({ data: TRIP_STATUS });
  return created.data.system_status.system_status_id;
}

/**
 * Opens the trip status for every attendee (open_ids) of each trip under way at `nowMs`, until the
 * trip ends. A 429 is retried after the seconds the platform's x-ogw-ratelimit-reset header says.
 * Answers batch_open's result per user.
 */
export async function syncTrips(client, feed, nowMs, { sleep = wait, attempts = 3 } = {}) {
  const ongoing = feed.filter((event) => event.kind === 'business_trip' && event.start <= nowMs && nowMs < event.end);
  if (ongoing.length === 0) return [];
  const userList = ongoing.flatMap((event) => event.attendees.map((openId) => ({ user_id: openId, end_time: Math.floor(event.end / 1000) })));
  const systemStatusId = await tripStatusId(client);
  const results = [];
  // batch_open takes at most 50 users a call.
  for (let i = 0; i < userList.length; i += 50) {
    const batch = userList.slice(i, i + 50);
    for (let attempt = 1; ; attempt++) {
      try {
        const answer = await client.personal_settings.v1.systemStatus.batchOpen({
          path: { system_status_id: systemStatusId },
          data: { user_list: batch },
        });
        results.push(...answer.data.result_list);
        break;
      } catch (error) {
        const response = error?.response;
        if (response?.status !== 429 || attempt === attempts) throw error;
        await sleep(Number(response.headers['x-ogw-ratelimit-reset'] ?? 1) * 1000);
      }
    }
  }
  return results;
}
