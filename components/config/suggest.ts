/** Edit distance between two strings (insertions, deletions, substitutions). */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** The known name closest to `name`, if it is a plausible typo (case-insensitive, small distance). */
export function closest(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  let best: { word: string; distance: number } | undefined;
  for (const word of known) {
    const distance = editDistance(lower, word.toLowerCase());
    if (!best || distance < best.distance) best = { word, distance };
  }
  if (!best) return undefined;
  const limit = Math.max(2, Math.floor(best.word.length / 3));
  const prefix = lower.length >= 3 && best.word.toLowerCase().startsWith(lower);
  return best.distance <= limit || prefix ? best.word : undefined;
}

export function unknownKeyMessage(name: string, known: readonly string[]): string {
  const guess = closest(name, known);
  const hint = guess ? `did you mean "${guess}"? ` : "";
  return `unknown key; ${hint}known keys: ${known.join(", ")}`;
}
