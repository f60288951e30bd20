import { eastAsianWidth } from 'get-east-asian-width';

/**
 * Length in the platform's units: "1 Chinese character = 2 English characters".
 * Every code point counts 1, except East Asian Wide and Fullwidth ones (Han, kana, Hangul,
 * full-width forms, emoji with wide presentation), which count 2. Documented in
 * docs/compatibility.md because the platform does not publish its exact algorithm.
 */
export function textUnits(text: string): number {
  let units = 0;
  for (const char of text) units += eastAsianWidth(char.codePointAt(0)!);
  return units;
}
