// Calendar feeds for the tests: times relative to the frozen start of the emulator's clock.
export const T0 = Date.UTC(2026, 3, 1, 9); // 2026-04-01 09:00 UTC
export const HOUR = 3_600_000;

/** A trip of these attendees (open_ids) from `start` for `hours`. */
export const trip = (attendees, start, hours) => ({ kind: 'business_trip', attendees, start, end: start + hours * HOUR });

/** The tenant each test makes for itself: three users and the app that reads the feed. */
export const ACME = { name: 'Acme', users: [{ user_id: 'ann' }, { user_id: 'bob' }, { user_id: 'cyd' }] };
