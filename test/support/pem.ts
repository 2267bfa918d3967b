import { execFileSync } from "child_process";
import { generateKeyPairSync } from "crypto";

/** A private key PEM made with Node alone (no openssl needed for `npm test`). */
export function keyPem(): string {
  return generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "pem", type: "pkcs8" }).toString();
}

/** Whether openssl can be run here (to build a certificate fixture). */
export function hasOpenssl(): boolean {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
