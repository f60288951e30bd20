// The 18 system status icons, drawn here as inline SVG (24×24 grid, currentColor) so the console
// needs nothing from outside this server.
import type { JSX } from 'preact';
import type { IconKey } from '../../domain/enums.js';

const S = { fill: 'none', stroke: 'currentColor', 'stroke-width': 2, 'stroke-linecap': 'round', 'stroke-linejoin': 'round' } as const;
const F = { fill: 'currentColor', stroke: 'none' } as const;

const SHAPES: Record<IconKey, JSX.Element> = {
  GeneralDoNotDisturb: (
    <>
      <circle cx="12" cy="12" r="9" {...F} />
      <rect x="7" y="10.5" width="10" height="3" rx="1.5" fill="#fff" />
    </>
  ),
  GeneralInMeetingBusy: (
    <>
      <rect x="2.5" y="6" width="13" height="12" rx="2.5" {...F} />
      <path d="M17 10.2 21.5 7.5v9L17 13.8z" {...F} />
    </>
  ),
  Coffee: (
    <>
      <path d="M4 9h12v5a5 5 0 0 1-5 5H9a5 5 0 0 1-5-5z" {...F} />
      <path d="M16 10.5h1.5a2.5 2.5 0 0 1 0 5H16" {...S} />
      <path d="M8 3.5c-.8 1 .8 2 0 3M12 3.5c-.8 1 .8 2 0 3" {...S} stroke-width={1.6} />
    </>
  ),
  GeneralBusinessTrip: (
    <>
      <path d="M9 7V5.5A1.5 1.5 0 0 1 10.5 4h3A1.5 1.5 0 0 1 15 5.5V7" {...S} />
      <rect x="3" y="7" width="18" height="13" rx="2.5" {...F} />
      <path d="M3 12.5h18" stroke="#fff" stroke-width="1.6" />
    </>
  ),
  GeneralWorkFromHome: (
    <>
      <path d="M3 11.2 12 3.5l9 7.7V19a1.5 1.5 0 0 1-1.5 1.5h-15A1.5 1.5 0 0 1 3 19z" {...F} />
      <rect x="9.5" y="13.5" width="5" height="7" rx="1" fill="#fff" />
    </>
  ),
  StatusEnjoyLife: (
    <>
      <path d="M4 4h16l-8 9z" {...F} />
      <path d="M12 13v6.5M8 20.5h8" {...S} />
      <circle cx="17.5" cy="5" r="2.5" {...S} stroke-width={1.6} />
    </>
  ),
  GeneralTravellingCar: (
    <>
      <path d="M5 11 7 6.2A2 2 0 0 1 8.9 5h6.2a2 2 0 0 1 1.9 1.2L19 11z" {...F} />
      <rect x="2.5" y="10.5" width="19" height="6.5" rx="2" {...F} />
      <circle cx="7" cy="17.5" r="2" {...F} />
      <circle cx="17" cy="17.5" r="2" {...F} />
      <circle cx="6.5" cy="13.7" r="1.1" fill="#fff" />
      <circle cx="17.5" cy="13.7" r="1.1" fill="#fff" />
    </>
  ),
  StatusBus: (
    <>
      <rect x="4" y="2.5" width="16" height="16" rx="3" {...F} />
      <rect x="6" y="5.5" width="12" height="6" rx="1" fill="#fff" />
      <circle cx="8" cy="15" r="1.2" fill="#fff" />
      <circle cx="16" cy="15" r="1.2" fill="#fff" />
      <path d="M7 18.5v2.5M17 18.5v2.5" {...S} stroke-width={2.4} />
    </>
  ),
  StatusInFlight: (
    <path
      d="M21 4.2c-.6-.9-2-.9-3 .1l-3.5 3.5-8.1-2.4-2 2 6.6 4-3.2 3.2-2.6-.4L3.8 16l3.5 1.3 1.3 3.5 1.8-1.5-.4-2.6 3.2-3.2 4 6.6 2-2-2.4-8.1L20.3 7c1-1 1.1-2.2.7-2.8z"
      {...F}
    />
  ),
  Typing: (
    <>
      <rect x="2" y="5.5" width="20" height="13" rx="2.5" {...F} />
      <path d="M6 9.5h.01M10 9.5h.01M14 9.5h.01M18 9.5h.01M6 12.5h.01M10 12.5h.01M14 12.5h.01M18 12.5h.01" stroke="#fff" stroke-width="2" stroke-linecap="round" />
      <path d="M8 15.5h8" stroke="#fff" stroke-width="1.8" stroke-linecap="round" />
    </>
  ),
  EatingFood: (
    <>
      <path d="M6 3v6a2 2 0 0 0 4 0V3M8 3v18" {...S} />
      <path d="M17 21V3c-2.2 1.2-3.5 4-3.5 7.5 0 1.5.9 2.5 2 2.5H17" {...S} />
    </>
  ),
  SICK: (
    <>
      <rect x="3.5" y="3.5" width="17" height="17" rx="4" {...F} />
      <path d="M12 7.5v9M7.5 12h9" stroke="#fff" stroke-width="2.6" stroke-linecap="round" />
    </>
  ),
  GeneralSun: (
    <>
      <circle cx="12" cy="12" r="4.5" {...F} />
      <path d="M12 2.5v2M12 19.5v2M2.5 12h2M19.5 12h2M5.3 5.3l1.4 1.4M17.3 17.3l1.4 1.4M5.3 18.7l1.4-1.4M17.3 6.7l1.4-1.4" {...S} />
    </>
  ),
  GeneralMoonRest: <path d="M20 14.5A8.5 8.5 0 0 1 9.5 4a8.5 8.5 0 1 0 10.5 10.5z" {...F} />,
  StatusReading: (
    <>
      <path d="M2.5 5.5C5 4.5 8.5 4.5 11 6v14c-2.5-1.5-6-1.5-8.5-.5z" {...F} />
      <path d="M21.5 5.5C19 4.5 15.5 4.5 13 6v14c2.5-1.5 6-1.5 8.5-.5z" {...F} />
    </>
  ),
  Status_PrivateMessage: (
    <>
      <path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 3.5V18a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z" {...F} />
      <rect x="9" y="10" width="6" height="4.5" rx="1" fill="#fff" />
      <path d="M10.3 10V8.8a1.7 1.7 0 0 1 3.4 0V10" fill="none" stroke="#fff" stroke-width="1.4" />
    </>
  ),
  StatusFlashOfInspiration: (
    <>
      <path d="M12 2.5a6.5 6.5 0 0 0-3.8 11.8c.5.4.8 1 .8 1.6V17h6v-1.1c0-.6.3-1.2.8-1.6A6.5 6.5 0 0 0 12 2.5z" {...F} />
      <path d="M9.5 19.5h5M10.5 21.5h3" {...S} />
    </>
  ),
  GeneralVacation: (
    <>
      <path d="M3 11a9 9 0 0 1 18 0z" {...F} />
      <path d="M12 11v8.5M12 19.5c0 1 1.5 1.8 3 1" {...S} />
    </>
  ),
};

export function StatusIcon({ iconKey, size = 16 }: { iconKey: string; size?: number }) {
  const shape = SHAPES[iconKey as IconKey];
  return (
    <svg class="status-icon" width={size} height={size} viewBox="0 0 24 24" aria-hidden="true" data-icon={iconKey}>
      {shape ?? <circle cx="12" cy="12" r="8" {...S} />}
    </svg>
  );
}
