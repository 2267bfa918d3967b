import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { createPrivateKey, webcrypto } from "crypto";
import { reveal } from "./secrets";

type KeyPair = webcrypto.CryptoKeyPair;
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const EC = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const IP = /^\d{1,3}(\.\d{1,3}){3}$/;

type State = Record<string, unknown>;

function pemOf(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString("base64").replace(/(.{64})/g, "$1\n").trimEnd();
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

async function importKeys(privateKeyPem: string): Promise<KeyPair> {
  const pkcs8 = createPrivateKey(privateKeyPem).export({ format: "der", type: "pkcs8" });
  const privateKey = await webcrypto.subtle.importKey("pkcs8", pkcs8, EC, true, ["sign"]);
  const jwk = await webcrypto.subtle.exportKey("jwk", privateKey);
  delete jwk.d;
  const publicKey = await webcrypto.subtle.importKey("jwk", { ...jwk, key_ops: ["verify"] }, EC, true, ["verify"]);
  return { privateKey, publicKey } as KeyPair;
}

function subjectName(subject: unknown): string {
  const s = (subject ?? {}) as { commonName?: string; organization?: string };
  return [s.commonName ? `CN=${s.commonName}` : "", s.organization ? `O=${s.organization}` : ""].filter(Boolean).join(", ") || "CN=regstack";
}

function usages(allowed: unknown): { key: number; extended: string[] } {
  const uses = (allowed as string[] | undefined) ?? [];
  let key = 0;
  if (uses.includes("digital_signature")) key |= x509.KeyUsageFlags.digitalSignature;
  if (uses.includes("key_encipherment")) key |= x509.KeyUsageFlags.keyEncipherment;
  if (uses.includes("cert_signing")) key |= x509.KeyUsageFlags.keyCertSign;
  if (uses.includes("crl_signing")) key |= x509.KeyUsageFlags.cRLSign;
  const extended = uses.includes("server_auth") ? [x509.ExtendedKeyUsage.serverAuth] : [];
  return { key, extended };
}

function altNames(dnsNames: unknown, ips: unknown): x509.SubjectAlternativeNameExtension | undefined {
  const entries = [
    ...((dnsNames as string[] | undefined) ?? []).map((n) => ({ type: "dns" as const, value: n })),
    ...((ips as string[] | undefined) ?? []).filter((n) => IP.test(n)).map((n) => ({ type: "ip" as const, value: n })),
  ];
  return entries.length > 0 ? new x509.SubjectAlternativeNameExtension(entries) : undefined;
}

function validity(hours: unknown): { notBefore: Date; notAfter: Date } {
  const notBefore = new Date(Date.now() - 60_000);
  return { notBefore, notAfter: new Date(notBefore.getTime() + Number(hours ?? 24) * 3_600_000) };
}

function extensions(isCa: boolean, allowed: unknown, san?: x509.SubjectAlternativeNameExtension): x509.Extension[] {
  const u = usages(allowed);
  const list: x509.Extension[] = [new x509.BasicConstraintsExtension(isCa, isCa ? 1 : undefined, true)];
  if (u.key) list.push(new x509.KeyUsagesExtension(u.key, true));
  if (u.extended.length) list.push(new x509.ExtendedKeyUsageExtension(u.extended));
  if (san) list.push(san);
  return list;
}

/**
 * Real keys and certificates for the offline engine's @pulumi/tls resources, so that rendered
 * Caddy configs and chains can be checked by caddy and openssl (mocks would otherwise return nothing).
 * Keys are ECDSA P-256; the private keys are marked secret as the provider marks them.
 */
export async function mockTlsState(type: string, name: string, inputs: State, secret: (v: string) => unknown): Promise<State | undefined> {
  if (!type.startsWith("tls:index/")) return undefined;
  // The same resource with the same inputs gets the same key or certificate for the whole process,
  // so evaluating a config twice (before and after an edit) only differs where the config does.
  const key = type === "tls:index/privateKey:PrivateKey" ? `${type}/${name}` : `${type}/${name}/${JSON.stringify(reveal(inputs))}`;
  let made = issued.get(key);
  if (!made) {
    made = issue(type, inputs, secret);
    issued.set(key, made);
  }
  return made;
}

const issued = new Map<string, Promise<State | undefined>>();

async function issue(type: string, inputs: State, secret: (v: string) => unknown): Promise<State | undefined> {
  const plain = reveal(inputs) as State;
  switch (type) {
    case "tls:index/privateKey:PrivateKey": {
      const keys = (await webcrypto.subtle.generateKey(EC, true, ["sign", "verify"])) as KeyPair;
      const pkcs8 = pemOf("PRIVATE KEY", await webcrypto.subtle.exportKey("pkcs8", keys.privateKey));
      const spki = pemOf("PUBLIC KEY", await webcrypto.subtle.exportKey("spki", keys.publicKey));
      return { ...inputs, privateKeyPem: secret(pkcs8), privateKeyPemPkcs8: secret(pkcs8), publicKeyPem: spki };
    }
    case "tls:index/selfSignedCert:SelfSignedCert": {
      const keys = await importKeys(plain.privateKeyPem as string);
      const cert = await x509.X509CertificateGenerator.createSelfSigned({
        serialNumber: Date.now().toString(16),
        name: subjectName(plain.subject),
        ...validity(plain.validityPeriodHours),
        keys,
        signingAlgorithm: EC,
        extensions: [...extensions(Boolean(plain.isCaCertificate), plain.allowedUses, altNames(plain.dnsNames, plain.ipAddresses)), await x509.SubjectKeyIdentifierExtension.create(keys.publicKey)],
      });
      return { ...inputs, certPem: cert.toString("pem") + "\n" };
    }
    case "tls:index/certRequest:CertRequest": {
      const keys = await importKeys(plain.privateKeyPem as string);
      const csr = await x509.Pkcs10CertificateRequestGenerator.create({
        name: subjectName(plain.subject),
        keys,
        signingAlgorithm: EC,
        extensions: altNames(plain.dnsNames, plain.ipAddresses) ? [altNames(plain.dnsNames, plain.ipAddresses)!] : [],
      });
      return { ...inputs, certRequestPem: csr.toString("pem") + "\n" };
    }
    case "tls:index/locallySignedCert:LocallySignedCert": {
      const csr = new x509.Pkcs10CertificateRequest(plain.certRequestPem as string);
      const ca = new x509.X509Certificate(plain.caCertPem as string);
      const caKeys = await importKeys(plain.caPrivateKeyPem as string);
      const sanExt = csr.getExtension("2.5.29.17");
      const san = sanExt ? new x509.SubjectAlternativeNameExtension(sanExt.rawData) : undefined;
      const cert = await x509.X509CertificateGenerator.create({
        serialNumber: (Date.now() + 1).toString(16),
        subject: csr.subject,
        issuer: ca.subject,
        ...validity(plain.validityPeriodHours),
        publicKey: await csr.publicKey.export(),
        signingKey: caKeys.privateKey,
        signingAlgorithm: EC,
        extensions: [
          ...extensions(Boolean(plain.isCaCertificate), plain.allowedUses, san),
          await x509.SubjectKeyIdentifierExtension.create(await csr.publicKey.export()),
          await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
        ],
      });
      return { ...inputs, certPem: cert.toString("pem") + "\n" };
    }
    default:
      return undefined;
  }
}
