/**
 * The client trust scripts run for real against a temp root (REGSTACK_ROOT), with stand-ins for
 * systemctl and docker on PATH that record what they are asked: idempotent apply, restart only on
 * change, and removal.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import * as path from "path";
import { dockerTrust, k3sTrust, kindTrust, TrustScripts } from "../../components/render/clientTrust";
import { requireTool, runTool } from "../../rig/process";
import { scratchDir } from "../support/scratch";

const work = scratchDir("regstack-clients-");
const bin = path.join(work, "bin");
const calls = path.join(work, "calls.log");
const ca = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n";

afterAll(() => rmSync(work, { recursive: true, force: true }));

beforeAll(() => {
  requireTool("shellcheck");
  mkdirSync(bin);
  writeFileSync(path.join(bin, "systemctl"), `#!/bin/sh\necho "systemctl $*" >> "${calls}"\n`);
  // docker exec -i -e REGSTACK_ROOT=<root> <node> sh -c <script>: run it here, in <root>/<node>.
  writeFileSync(
    path.join(bin, "docker"),
    `#!/bin/sh\nshift 2\nroot="\${2#REGSTACK_ROOT=}"\nnode="$3"\nshift 5\necho "docker exec $node" >> "${calls}"\nREGSTACK_ROOT="$root/$node" sh -c "$1"\n`,
  );
  chmodSync(path.join(bin, "systemctl"), 0o755);
  chmodSync(path.join(bin, "docker"), 0o755);
});

function run(script: string, root: string): string {
  const file = path.join(work, "script.sh");
  writeFileSync(file, script);
  const result = runTool("env", [`PATH=${bin}:${process.env.PATH}`, `REGSTACK_ROOT=${root}`, "sh", file]);
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stdout.trim().split("\n").pop()!;
}

function callLog(): string[] {
  return existsSync(calls) ? readFileSync(calls, "utf8").trim().split("\n") : [];
}

function cycle(scripts: TrustScripts, root: string): string[] {
  return [run(scripts.apply, root), run(scripts.apply, root)];
}

describe("client trust scripts, run", () => {
  it("pass shellcheck", () => {
    const scripts = [
      dockerTrust("t", ["nas.lan:5000"], ca),
      k3sTrust("t", "mirrors: {}\n", { path: "/etc/rancher/k3s/regstack-ca.crt", content: ca }, "k3s"),
      kindTrust("t", ["kind-control-plane"], [{ path: "/etc/containerd/certs.d/docker.io/hosts.toml", content: "x\n" }]),
    ];
    scripts.forEach((s, i) => {
      writeFileSync(path.join(work, `apply${i}.sh`), s.apply);
      writeFileSync(path.join(work, `remove${i}.sh`), s.remove);
    });
    const files = scripts.flatMap((_, i) => [path.join(work, `apply${i}.sh`), path.join(work, `remove${i}.sh`)]);
    const result = runTool("shellcheck", ["--shell=sh", ...files]);
    expect(result.stdout).toBe("");
  });

  it("docker: writes ca.crt once, reports unchanged on the second apply, removes it", () => {
    const root = path.join(work, "docker");
    const scripts = dockerTrust("t", ["nas.lan:5000", "nas.lan:5001"], ca);
    expect(cycle(scripts, root)).toEqual(["changed", "unchanged"]);
    expect(readFileSync(path.join(root, "etc/docker/certs.d/nas.lan:5000/ca.crt"), "utf8")).toBe(ca);
    expect(run(scripts.remove, root)).toBe("changed");
    expect(existsSync(path.join(root, "etc/docker/certs.d/nas.lan:5000"))).toBe(false);
    expect(run(scripts.remove, root)).toBe("unchanged");
  });

  it("docker: an apply after a cache is removed takes that cache's file away too", () => {
    const root = path.join(work, "docker-edit");
    expect(run(dockerTrust("t", ["nas.lan:5000", "nas.lan:5001", "nas.lan:5002"], ca).apply, root)).toBe("changed");
    expect(run(dockerTrust("t", ["nas.lan:5000", "nas.lan:5001"], ca).apply, root)).toBe("changed");
    expect(existsSync(path.join(root, "etc/docker/certs.d/nas.lan:5002"))).toBe(false);
    expect(existsSync(path.join(root, "etc/docker/certs.d/nas.lan:5001/ca.crt"))).toBe(true);
    expect(readFileSync(path.join(root, "var/lib/regstack/t.files"), "utf8")).toBe("/etc/docker/certs.d/nas.lan:5000/ca.crt\n/etc/docker/certs.d/nas.lan:5001/ca.crt\n");
    // Another stack's files on the same node are its own business.
    expect(run(dockerTrust("other", ["other.lan:5000"], ca).remove, root)).toBe("unchanged");
    expect(existsSync(path.join(root, "etc/docker/certs.d/nas.lan:5000/ca.crt"))).toBe(true);
  });

  it("k3s: restarts k3s only when registries.yaml or the CA changed", () => {
    const root = path.join(work, "k3s");
    writeFileSync(calls, "");
    const first = k3sTrust("t", "mirrors:\n  docker.io: {}\n", { path: "/etc/rancher/k3s/regstack-ca.crt", content: ca }, "k3s-agent");
    expect(cycle(first, root)).toEqual(["changed", "unchanged"]);
    expect(callLog()).toEqual(["systemctl restart k3s-agent"]);
    expect((runTool("stat", ["-c", "%a", path.join(root, "etc/rancher/k3s/registries.yaml")]).stdout.trim())).toBe("600");
    const edited = k3sTrust("t", "mirrors:\n  ghcr.io: {}\n", { path: "/etc/rancher/k3s/regstack-ca.crt", content: ca }, "k3s-agent");
    expect(run(edited.apply, root)).toBe("changed");
    expect(callLog()).toEqual(["systemctl restart k3s-agent", "systemctl restart k3s-agent"]);
    expect(run(edited.remove, root)).toBe("changed");
    expect(existsSync(path.join(root, "etc/rancher/k3s/registries.yaml"))).toBe(false);
    expect(existsSync(path.join(root, "etc/rancher/k3s/regstack-ca.crt"))).toBe(false);
    expect(callLog()).toEqual(["systemctl restart k3s-agent", "systemctl restart k3s-agent", "systemctl restart k3s-agent"]);
  });

  it("kind: writes hosts.toml inside every node, idempotently", () => {
    const root = path.join(work, "kind");
    writeFileSync(calls, "");
    const scripts = kindTrust("t", ["cp", "worker"], [{ path: "/etc/containerd/certs.d/docker.io/hosts.toml", content: 'server = "https://registry-1.docker.io"\n' }]);
    expect(cycle(scripts, root)).toEqual(["changed", "unchanged"]);
    for (const node of ["cp", "worker"]) expect(existsSync(path.join(root, node, "etc/containerd/certs.d/docker.io/hosts.toml"))).toBe(true);
    expect(callLog()).toEqual(["docker exec cp", "docker exec worker", "docker exec cp", "docker exec worker"]);
    expect(run(scripts.remove, root)).toBe("changed");
    expect(existsSync(path.join(root, "cp", "etc/containerd/certs.d/docker.io"))).toBe(false);
  });
});
