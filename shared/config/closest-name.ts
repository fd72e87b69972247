/**
 * The known name a misspelt one most likely meant: equal ignoring case, at most two single-character edits
 * away (Levenshtein), or the tail of a known name without its prefix (`certificateArn` for
 * `tritonCertificateArn`). Written here rather than taken from a package because it is a few lines and
 * serves only short setting names.
 */
export function closestName(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const candidateLower = candidate.toLowerCase();
    const tail = lower.length >= 8 && candidateLower.endsWith(lower) ? 2 : Number.POSITIVE_INFINITY;
    const distance = Math.min(tail, editDistance(lower, candidateLower));
    if (distance <= 2 && (best === undefined || distance < best.distance))
      best = { name: candidate, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
