/**
 * Reading resource inputs the way a policy sees them, including values unknown at preview: under
 * `pulumi preview` the policy SDK wraps inputs in a proxy that throws on an unknown value. These
 * helpers read through the proxy's raw target and report an unknown value as UNKNOWN instead, so each
 * rule decides what an unknown means for it.
 */

/** The SDK's unknown sentinels and proxy accessor: exported by its proxy module, but not typed. */
interface PolicyProxyInternals {
  readonly getSpecialProxyTarget: string;
  readonly unknownBooleanValue: string;
  readonly unknownNumberValue: string;
  readonly unknownStringValue: string;
  readonly unknownArrayValue: string;
  readonly unknownAssetValue: string;
  readonly unknownArchiveValue: string;
  readonly unknownObjectValue: string;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const proxy = require("@pulumi/policy/proxy") as PolicyProxyInternals;

/** A value the engine does not know yet (during preview). */
export const UNKNOWN: unique symbol = Symbol("unknown at preview");
export type Unknown = typeof UNKNOWN;

const SENTINELS: readonly string[] = [
  proxy.unknownBooleanValue,
  proxy.unknownNumberValue,
  proxy.unknownStringValue,
  proxy.unknownArrayValue,
  proxy.unknownAssetValue,
  proxy.unknownArchiveValue,
  proxy.unknownObjectValue,
];

/** The object behind the SDK's unknown-checking proxy (or the value itself). */
function unwrap(value: unknown): unknown {
  if (value !== null && typeof value === "object") {
    const target = (value as Record<string, unknown>)[proxy.getSpecialProxyTarget];
    if (target !== undefined) return target;
  }
  return value;
}

/** A plain copy of a value with every unknown replaced by UNKNOWN. */
export function settled(value: unknown): unknown {
  const v = unwrap(value);
  if (typeof v === "string" && SENTINELS.includes(v)) return UNKNOWN;
  if (Array.isArray(v)) return v.map(settled);
  if (v !== null && typeof v === "object" && !(v instanceof Date)) {
    return Object.fromEntries(Object.keys(v).map((k) => [k, settled((v as Record<string, unknown>)[k])]));
  }
  return v;
}

/** The value at a path (undefined when absent, UNKNOWN when unknown). */
export function at(value: unknown, ...path: (string | number)[]): unknown {
  let current = settled(value);
  for (const key of path) {
    if (current === UNKNOWN) return UNKNOWN;
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
