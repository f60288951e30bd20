// The 13 system status colours, in the hues of Feishu's design palette: the solid tone for
// swatches, a darker one for the chip's text and icon, and a light one for its background.
import type { Color } from '../../domain/enums.js';

export interface Hue {
  solid: string;
  text: string;
  bg: string;
}

export const HUES: Record<Color, Hue> = {
  BLUE: { solid: '#3370FF', text: '#245BDB', bg: '#E1EAFF' },
  GRAY: { solid: '#8F959E', text: '#646A73', bg: '#EFF0F1' },
  INDIGO: { solid: '#4954E6', text: '#3C44C2', bg: '#E0E2FA' },
  WATHET: { solid: '#14C0FF', text: '#037EAA', bg: '#D9F3FD' },
  GREEN: { solid: '#34C724', text: '#237B19', bg: '#D9F5D6' },
  TURQUOISE: { solid: '#14C9C9', text: '#067A7A', bg: '#D5F6F2' },
  YELLOW: { solid: '#FFC60A', text: '#8F6A00', bg: '#FAF1D1' },
  LIME: { solid: '#B3D600', text: '#5F7200', bg: '#EEF6C6' },
  RED: { solid: '#F54A45', text: '#D83931', bg: '#FDE2E2' },
  ORANGE: { solid: '#FF8800', text: '#B25F00', bg: '#FEEAD2' },
  PURPLE: { solid: '#7F3BF5', text: '#6425D0', bg: '#ECE2FE' },
  VIOLET: { solid: '#D136D1', text: '#A2299F', bg: '#F8DEF8' },
  CARMINE: { solid: '#F01D94', text: '#C71077', bg: '#FDDDEF' },
};

export const hueOf = (color: string): Hue => HUES[color as Color] ?? HUES.BLUE;
