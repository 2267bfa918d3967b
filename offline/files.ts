import { CapturedResource, Evaluation } from "./engine";
import { reveal } from "./secrets";

/** One file a resource carries into its container. */
export interface CarriedFile {
  /** The resource's name (e.g. regstack-registry-container). */
  readonly resource: string;
  /** Absolute path inside the container. */
  readonly path: string;
  /** The file's text, secrets revealed. */
  readonly content: string;
  /** Octal mode, e.g. "0644". */
  readonly mode: string;
}

interface Upload {
  file?: string;
  content?: string;
  executable?: boolean;
  permissions?: string;
}

function modeOf(upload: Upload): string {
  if (upload.permissions) return upload.permissions.padStart(4, "0");
  return upload.executable ? "0755" : "0644";
}

/** Every file carried by the captured resources (container uploads), in resource order. */
export function carriedFiles(evaluation: Evaluation): CarriedFile[] {
  return evaluation.resources.flatMap((r: CapturedResource) => {
    const uploads = reveal(r.inputs.uploads) as Upload[] | undefined;
    return (uploads ?? [])
      .filter((u) => typeof u.file === "string" && typeof u.content === "string")
      .map((u) => ({ resource: r.name, path: u.file as string, content: u.content as string, mode: modeOf(u) }));
  });
}

/** The offline engine's user passwords (deterministic test values), from the `credentials` output. */
export function testCredentials(evaluation: Evaluation): Record<string, string> {
  return (reveal(evaluation.outputs.credentials) ?? {}) as Record<string, string>;
}
