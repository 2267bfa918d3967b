import { dockerTrust, k3sTrust, kindTrust, remoteInvocation } from "../../components/render/clientTrust";

/** The base64 payloads a script writes, decoded. */
function payloads(script: string): string[] {
  return [...script.matchAll(/printf '%s' '([A-Za-z0-9+/=]+)'/g)].map((m) => Buffer.from(m[1], "base64").toString());
}

describe("client trust scripts", () => {
  const ca = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

  it("docker: one ca.crt per registry endpoint, removed again by the removal script", () => {
    const s = dockerTrust("t", ["nas.lan:5000", "nas.lan:5001"], ca);
    expect(s.apply).toContain('target="$root/etc/docker/certs.d/nas.lan:5000/ca.crt"');
    expect(s.apply).toContain('target="$root/etc/docker/certs.d/nas.lan:5001/ca.crt"');
    expect(payloads(s.apply)).toContain(ca);
    expect(s.remove).toContain('rm -f "$root$old"');
    expect(s.apply).toContain("/var/lib/regstack/t.files");
    expect(s.apply.trimEnd().split("\n").pop()).toBe('if [ "$changed" = 1 ]; then echo changed; else echo unchanged; fi');
  });

  it("k3s: registries.yaml (0600) and the CA, restarting the named unit only on change", () => {
    const s = k3sTrust("t", "mirrors: {}\n", { path: "/etc/rancher/k3s/regstack-ca.crt", content: ca }, "k3s-agent");
    expect(s.apply).toContain("chmod 0600");
    expect(s.remove).toMatch(/if \[ "\$changed" = 1 \]; then\n  systemctl restart k3s-agent\nfi/);
    expect(s.apply).toMatch(/if \[ "\$changed" = 1 \]; then\n  systemctl restart k3s-agent\nfi/);
    expect(payloads(s.apply)).toEqual(expect.arrayContaining([ca, "mirrors: {}\n"]));
  });

  it("kind: runs the file script inside every node container", () => {
    const s = kindTrust("t", ["kind-control-plane", "kind-worker"], [{ path: "/etc/containerd/certs.d/docker.io/hosts.toml", content: "server = 'x'\n" }]);
    expect(s.apply).toContain("docker exec -i -e REGSTACK_ROOT=\"$root\" kind-control-plane sh -c");
    expect(s.apply).toContain("kind-worker sh -c");
    expect(payloads(s.apply).join("\n")).toContain("/etc/containerd/certs.d/docker.io/hosts.toml");
  });

  it("runs over ssh as one line, with sudo for non-root users", () => {
    expect(remoteInvocation("echo hi\n", true)).toBe(`printf '%s' '${Buffer.from("echo hi\n").toString("base64")}' | base64 -d | sudo -n sh -s`);
    expect(remoteInvocation("echo hi\n", false)).not.toContain("sudo");
  });
});
