// The platform's enumerations, spelled exactly as the wire carries them.

export const ICON_KEYS = [
  'GeneralDoNotDisturb',
  'GeneralInMeetingBusy',
  'Coffee',
  'GeneralBusinessTrip',
  'GeneralWorkFromHome',
  'StatusEnjoyLife',
  'GeneralTravellingCar',
  'StatusBus',
  'StatusInFlight',
  'Typing',
  'EatingFood',
  'SICK',
  'GeneralSun',
  'GeneralMoonRest',
  'StatusReading',
  'Status_PrivateMessage',
  'StatusFlashOfInspiration',
  'GeneralVacation',
] as const;
export type IconKey = (typeof ICON_KEYS)[number];

export const COLORS = [
  'BLUE',
  'GRAY',
  'INDIGO',
  'WATHET',
  'GREEN',
  'TURQUOISE',
  'YELLOW',
  'LIME',
  'RED',
  'ORANGE',
  'PURPLE',
  'VIOLET',
  'CARMINE',
] as const;
export type Color = (typeof COLORS)[number];

export const UPDATE_FIELDS = ['TITLE', 'I18N_TITLE', 'ICON', 'COLOR', 'PRIORITY', 'SYNC_SETTING'] as const;
export type UpdateField = (typeof UPDATE_FIELDS)[number];

export const USER_ID_TYPES = ['open_id', 'union_id', 'user_id'] as const;
export type UserIdType = (typeof USER_ID_TYPES)[number];

export const BATCH_OPEN_RESULTS = [
  'success_show',
  'success_user_close_syn',
  'success_user_in_higher_priority_system_status',
  'fail',
  'invisible_user_id',
  'invalid_user_id',
  'resign_user_id',
] as const;
export type BatchOpenResult = (typeof BATCH_OPEN_RESULTS)[number];

export const BATCH_CLOSE_RESULTS = ['success', 'fail', 'invisible_user_id', 'invalid_user_id', 'resign_user_id'] as const;
export type BatchCloseResult = (typeof BATCH_CLOSE_RESULTS)[number];

export const I18N_LOCALES = ['zh_cn', 'en_us', 'ja_jp'] as const;
export type I18nText = Partial<Record<(typeof I18N_LOCALES)[number], string>>;

export const APP_TYPES = ['custom', 'store'] as const;
export type AppType = (typeof APP_TYPES)[number];
