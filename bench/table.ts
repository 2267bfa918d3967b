export function round(n: number): number {
  return Math.round(n * 100) / 100;
}

export function mib(bytes: number): number {
  return round(bytes / (1 << 20));
}
