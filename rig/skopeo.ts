import { spawn } from "child_process";
import { mkdirSync, copyFileSync } from "fs";
import * as path from "path";
import { runTool } from "./process";

/** skopeo against an edge: TLS trusting `caFile` (its cert dir must hold only ca.crt), or plain HTTP without one. */
export class Skopeo {
  private readonly certDir?: string;

  constructor(work: string, caFile: string | undefined) {
    if (caFile === undefined) return;
    this.certDir = path.join(work, "skopeo-certs");
    mkdirSync(this.certDir, { recursive: true });
    copyFileSync(caFile, path.join(this.certDir, "ca.crt"));
  }

  /** The TLS flag of one side ("src", "dest", or "" for inspect). */
  private tls(side: "src" | "dest" | ""): string[] {
    const flag = side ? `--${side}-` : "--";
    return this.certDir ? [`${flag}cert-dir`, this.certDir] : [`${flag}tls-verify=false`];
  }

  push(layout: string, tag: string, ref: string, creds?: string): { status: number; stderr: string } {
    return runTool("skopeo", ["copy", "--quiet", ...this.tls("dest"), ...(creds ? ["--dest-creds", creds] : []), `oci:${layout}:${tag}`, ref]);
  }

  pull(ref: string, layout: string, creds?: string): { status: number; stderr: string } {
    return runTool("skopeo", ["copy", "--quiet", ...this.tls("src"), ...(creds ? ["--src-creds", creds] : []), ref, `oci:${layout}:v1`]);
  }

  inspect(ref: string, creds?: string): { status: number; stdout: string; stderr: string } {
    return runTool("skopeo", ["inspect", ...this.tls(""), ...(creds ? ["--creds", creds] : []), ref]);
  }
}

/**
 * Runs skopeo without blocking the event loop. A test that reads a registry's log pipe must not push
 * with a synchronous call: the registry blocks on a full pipe and the push never ends.
 */
export function skopeoAsync(args: readonly string[]): Promise<{ status: number; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn("skopeo", [...args], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ status: code ?? -1, stderr }));
  });
}
