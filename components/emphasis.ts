// Bold values inside a translated sentence: the sentence comes whole from the catalogue (a translator may put the
// values anywhere in it), and is split around the values it names, so that they can be shown in <strong> while
// everything stays text (no HTML is ever read from a message).

export interface Part {
  text: string;
  strong: boolean;
}

/** `text` cut into plain parts and the parts that are one of `values` (the earliest, then the longest, wins). */
export function splitAround(text: string, values: readonly string[]): Part[] {
  const wanted = values.filter((v) => v !== '');
  const parts: Part[] = [];
  let rest = text;
  while (rest !== '') {
    let at = -1;
    let value = '';
    for (const v of wanted) {
      const i = rest.indexOf(v);
      if (i >= 0 && (at < 0 || i < at || (i === at && v.length > value.length))) [at, value] = [i, v];
    }
    if (at < 0) {
      parts.push({ text: rest, strong: false });
      break;
    }
    if (at > 0) parts.push({ text: rest.slice(0, at), strong: false });
    parts.push({ text: value, strong: true });
    rest = rest.slice(at + value.length);
  }
  return parts;
}
