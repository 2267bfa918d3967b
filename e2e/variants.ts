import { StackConfig } from "../offline/stackConfig";
import { variant } from "../rig/rendered";

/** A cache of the stand-in upstream instead of Docker Hub (nothing beyond this machine is reachable). */
export const UPSTREAM_MIRROR = [{ name: "dockerhub", upstream: "http://upstream:5000", port: 5001 }];

/** The local stack as shipped plus a pull-only user, its cache pointed at the stand-in upstream. */
export function localVariant(): StackConfig {
  return variant("local", { mirrors: UPSTREAM_MIRROR, users: [{ name: "admin", role: "push" }, { name: "reader", role: "pull" }] });
}

/**
 * The nas stack with TLS on, in the private engine standing in for the PR4100: no NAS share path,
 * `localhost` as its name, and registry 2.8 (what Debian's stand-in binary is).
 */
export function nasTlsVariant(): StackConfig {
  return variant("nas", {
    docker: { hosts: [{ name: "pr4100", url: "unix:///var/run/docker.sock" }] },
    domain: "localhost",
    registry: { version: "2.8" },
    mirrors: UPSTREAM_MIRROR,
  });
}
