import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { Secret, TlsSpec } from "../config/types";

/** A server certificate and its key, as PEM. */
export interface ServerCertificate {
  readonly certPem: pulumi.Output<string>;
  readonly keyPem: Secret;
}

export interface AuthorityArgs {
  readonly stack: string;
  readonly tls: TlsSpec;
}

const IP = /^\d{1,3}(\.\d{1,3}){3}$/;

/** An intermediate lives a year at most: a leaked edge key is good for that long at worst. */
const INTERMEDIATE_MAX_HOURS = 8760;

/** The CA's name, after the stack: "regstack nas CA". */
export function caNameOf(stack: string): string {
  return `regstack ${stack} CA`;
}

/** An intermediate CA certificate and its key, as PEM. */
export interface IntermediateCa {
  readonly certPem: pulumi.Output<string>;
  readonly keyPem: Secret;
}

/**
 * The platform's certificate authority, per TLS mode:
 * - internal: a root generated here; each edge gets an intermediate issued by it, and Caddy's local
 *   CA signs and renews short-lived leaves with that intermediate. The root key never leaves state;
 * - provided: a CA and one server certificate per edge generated here (replaced by `pulumi up` inside
 *   the early-renewal window), or the PEMs the stack supplies;
 * - acme: nothing here; the public CA is trusted already.
 */
export class Authority extends pulumi.ComponentResource {
  /** The CA certificate clients trust (undefined for acme, or supplied PEMs without a CA). */
  public readonly caCertPem?: pulumi.Output<string>;
  private readonly caKey?: tls.PrivateKey;
  private readonly args: AuthorityArgs;

  constructor(name: string, args: AuthorityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("regstack:pki:Authority", name, {}, opts);
    this.args = args;
    const t = args.tls;
    if (t.mode === "internal" || (t.mode === "provided" && !t.certificate)) {
      this.caKey = new tls.PrivateKey(`${name}-ca-key`, { algorithm: "ECDSA", ecdsaCurve: "P256" }, { parent: this, additionalSecretOutputs: ["privateKeyPem", "privateKeyPemPkcs8"] });
      const ca = new tls.SelfSignedCert(
        `${name}-ca`,
        {
          privateKeyPem: this.caKey.privateKeyPem,
          subject: { commonName: caNameOf(args.stack), organization: "regstack" },
          isCaCertificate: true,
          validityPeriodHours: t.caValidityHours,
          earlyRenewalHours: Math.min(t.earlyRenewalHours * 4, Math.floor(t.caValidityHours / 4)),
          allowedUses: ["cert_signing", "crl_signing", "digital_signature"],
        },
        { parent: this },
      );
      this.caCertPem = ca.certPem;
    } else if (t.certificate?.ca) {
      this.caCertPem = pulumi.output(t.certificate.ca);
    }
    this.registerOutputs({ caCertPem: this.caCertPem });
  }

  /**
   * The intermediate CA an edge's Caddy signs leaves with (internal mode): valid a year at most,
   * replaced by `pulumi up` inside the early-renewal window; clients keep trusting the root.
   */
  intermediate(edge: string): IntermediateCa {
    const t = this.args.tls;
    if (!this.caKey || !this.caCertPem) throw new Error(`no root CA to issue an intermediate for ${edge} (tls mode ${t.mode})`);
    const key = new tls.PrivateKey(`${edge}-intermediate-key`, { algorithm: "ECDSA", ecdsaCurve: "P256" }, { parent: this, additionalSecretOutputs: ["privateKeyPem", "privateKeyPemPkcs8"] });
    const request = new tls.CertRequest(
      `${edge}-intermediate-csr`,
      { privateKeyPem: key.privateKeyPem, subject: { commonName: `${caNameOf(this.args.stack)} intermediate (${edge})`, organization: "regstack" } },
      { parent: this },
    );
    const validity = Math.min(INTERMEDIATE_MAX_HOURS, t.caValidityHours);
    const cert = new tls.LocallySignedCert(
      `${edge}-intermediate`,
      {
        certRequestPem: request.certRequestPem,
        caPrivateKeyPem: this.caKey.privateKeyPem,
        caCertPem: this.caCertPem,
        isCaCertificate: true,
        validityPeriodHours: validity,
        earlyRenewalHours: Math.min(t.earlyRenewalHours, Math.floor(validity / 4)),
        allowedUses: ["cert_signing", "crl_signing", "digital_signature"],
      },
      { parent: this },
    );
    return { certPem: cert.certPem, keyPem: pulumi.secret(key.privateKeyPem) };
  }

  /** The server certificate an edge serves (provided mode): generated for its names, or supplied. */
  serverCertificate(edge: string, names: readonly string[]): ServerCertificate {
    const t = this.args.tls;
    if (t.certificate) return { certPem: pulumi.output(t.certificate.cert), keyPem: t.certificate.key };
    if (!this.caKey || !this.caCertPem) throw new Error(`no CA to sign a certificate for ${edge} (tls mode ${t.mode})`);
    const key = new tls.PrivateKey(`${edge}-key`, { algorithm: "ECDSA", ecdsaCurve: "P256" }, { parent: this, additionalSecretOutputs: ["privateKeyPem", "privateKeyPemPkcs8"] });
    const request = new tls.CertRequest(
      `${edge}-csr`,
      {
        privateKeyPem: key.privateKeyPem,
        subject: { commonName: names[0], organization: "regstack" },
        dnsNames: names.filter((n) => !IP.test(n)),
        ipAddresses: names.filter((n) => IP.test(n)),
      },
      { parent: this },
    );
    const cert = new tls.LocallySignedCert(
      `${edge}-cert`,
      {
        certRequestPem: request.certRequestPem,
        caPrivateKeyPem: this.caKey.privateKeyPem,
        caCertPem: this.caCertPem,
        validityPeriodHours: t.validityHours,
        earlyRenewalHours: t.earlyRenewalHours,
        allowedUses: ["digital_signature", "key_encipherment", "server_auth"],
      },
      { parent: this },
    );
    // The chain a client needs: the server certificate, then the CA.
    return { certPem: pulumi.all([cert.certPem, this.caCertPem]).apply(([c, ca]) => `${c.trimEnd()}\n${ca}`), keyPem: pulumi.secret(key.privateKeyPem) };
  }
}
