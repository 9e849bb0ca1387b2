const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400 } as const;

/** `3600`, `90s`, `30m`, `12h`, `1d` as seconds; NaN when malformed. */
export function parseDurationSeconds(text: string): number {
  const m = /^(\d+)\s*([smhd])?$/i.exec(text.trim());
  return m ? Number(m[1]) * UNIT_SECONDS[(m[2] ?? 's').toLowerCase() as keyof typeof UNIT_SECONDS] : NaN;
}
