/**
 * WebKitGTK under a `LANG=C` session reports navigator.language as 'C', a tag no Intl
 * constructor accepts. uPlot builds its number format from it as soon as it is loaded, so the
 * whole dashboard failed to start (a blank page). Imported before anything else, this puts the
 * engine's own default locale in its place; a valid tag is left alone.
 */
function isLanguageTag(tag: string): boolean {
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
}

if (!isLanguageTag(navigator.language)) {
  Object.defineProperty(navigator, 'language', {
    value: new Intl.NumberFormat().resolvedOptions().locale,
    configurable: true,
  });
}
