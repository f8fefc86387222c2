// The one "Device name" suggestion, shared by the extension's register screen and the demo site's PIN pad: the
// platform and the browser in Milagro's style ("linChrome", "winFirefox"), read from a User-Agent string.

const PLATFORMS: ReadonlyArray<readonly [RegExp, string]> = [
  [/iPhone|iPad|iPod/, 'iOS'],
  [/Android/, 'and'],
  [/Windows/, 'win'],
  [/Mac OS|Macintosh/, 'mac'],
  [/Linux|X11/, 'lin'],
];

// Order matters: Edge's UA also says Chrome, and Chrome's also says Safari.
const BROWSERS: ReadonlyArray<readonly [RegExp, string]> = [
  [/Edg\//, 'Edge'],
  [/Firefox\//, 'Firefox'],
  [/Chrom(e|ium)\//, 'Chrome'],
  [/Safari\//, 'Safari'],
];

const first = (ua: string, table: ReadonlyArray<readonly [RegExp, string]>, fallback: string) =>
  table.find(([pattern]) => pattern.test(ua))?.[1] ?? fallback;

export function deviceNameSuggestion(userAgent: string): string {
  return first(userAgent, PLATFORMS, 'web') + first(userAgent, BROWSERS, 'Browser');
}
