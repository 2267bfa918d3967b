import { mockTlsState } from "../../offline/mockTls";

/** A self-signed certificate and its key, made in-process (no openssl needed for `npm test`). */
export async function selfSigned(commonName: string): Promise<{ cert: string; key: string }> {
  const plain = (v: string) => v;
  const key = await mockTlsState("tls:index/privateKey:PrivateKey", `fixture-${commonName}`, {}, plain);
  const cert = await mockTlsState(
    "tls:index/selfSignedCert:SelfSignedCert",
    `fixture-${commonName}`,
    { privateKeyPem: key!.privateKeyPem, subject: { commonName }, validityPeriodHours: 240, allowedUses: ["server_auth"], dnsNames: [commonName] },
    plain,
  );
  return { cert: cert!.certPem as string, key: key!.privateKeyPem as string };
}
