/**
 * Kubernetes quantities as the config layer checks them: memory and storage in binary or decimal
 * units, CPU in cores or millicores, each with its value for comparisons (requests against limits).
 */
import { StringRule } from "./decoders";

const MEMORY = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/;
const CPU = /^(\d+(?:\.\d+)?)(m)?$/;

const FACTOR: Readonly<Record<string, number>> = { "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };

export const memoryQuantity: StringRule = { pattern: MEMORY, expected: 'a Kubernetes quantity such as "512Mi" or "1Gi"' };
export const storageQuantity: StringRule = { pattern: /^[1-9]\d*(?:\.\d+)?(Ki|Mi|Gi|Ti)$/, expected: 'a size such as "10Gi" or "500Mi"' };
export const cpuQuantity: StringRule = { pattern: CPU, expected: 'a CPU quantity such as "500m" or "1"' };

/** Bytes of a memory quantity; undefined when it is not one. */
export function memoryValue(q: string): number | undefined {
  const m = MEMORY.exec(q);
  return m ? Number(m[1]) * FACTOR[m[2] ?? ""] : undefined;
}

/** Millicores of a CPU quantity; undefined when it is not one. */
export function cpuValue(q: string): number | undefined {
  const m = CPU.exec(q);
  return m ? Number(m[1]) * (m[2] ? 1 : 1000) : undefined;
}
