/** A line diff of two texts (longest common subsequence), as `-`/`+` lines with a little context. */

export interface DiffLine {
  readonly kind: " " | "-" | "+";
  readonly text: string;
}

/** Every line of both texts, marked kept, removed or added. */
export function lineDiff(before: string, after: string): DiffLine[] {
  const a = before.split("\n");
  const b = after.split("\n");
  const n = a.length;
  const m = b.length;
  // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..].
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      out.push({ kind: " ", text: a[i] });
      i++;
      j++;
    } else if (i < n && (j === m || lcs[i + 1][j] >= lcs[i][j + 1])) out.push({ kind: "-", text: a[i++] });
    else out.push({ kind: "+", text: b[j++] });
  }
  return out;
}

/** The changed lines with `context` kept lines around each change; "…" between distant changes. */
export function changedLines(before: string, after: string, context = 1): string[] {
  const all = lineDiff(before, after);
  const near = all.map((_, k) => all.slice(Math.max(0, k - context), k + context + 1).some((l) => l.kind !== " "));
  const out: string[] = [];
  let skipped = false;
  all.forEach((l, k) => {
    if (!near[k]) {
      skipped = true;
      return;
    }
    if (skipped && out.length > 0) out.push("…");
    skipped = false;
    out.push(`${l.kind} ${l.text}`);
  });
  return out;
}
