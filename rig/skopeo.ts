import { mkdirSync, copyFileSync } from "fs";
import * as path from "path";
import { runTool } from "./process";

/** skopeo against a TLS endpoint whose CA is `caFile` (its cert dir must hold only ca.crt). */
export class Skopeo {
  private readonly certDir: string;

  constructor(work: string, caFile: string) {
    this.certDir = path.join(work, "skopeo-certs");
    mkdirSync(this.certDir, { recursive: true });
    copyFileSync(caFile, path.join(this.certDir, "ca.crt"));
  }

  push(layout: string, tag: string, ref: string, creds?: string): { status: number; stderr: string } {
    return runTool("skopeo", ["copy", "--quiet", "--dest-cert-dir", this.certDir, ...(creds ? ["--dest-creds", creds] : []), `oci:${layout}:${tag}`, ref]);
  }

  pull(ref: string, layout: string, creds?: string): { status: number; stderr: string } {
    return runTool("skopeo", ["copy", "--quiet", "--src-cert-dir", this.certDir, ...(creds ? ["--src-creds", creds] : []), ref, `oci:${layout}:v1`]);
  }

  inspect(ref: string, creds?: string): { status: number; stdout: string; stderr: string } {
    return runTool("skopeo", ["inspect", "--cert-dir", this.certDir, ...(creds ? ["--creds", creds] : []), ref]);
  }
}
