/** The restore drill's throwaway registry: read-only, no cache, no secrets, on loopback. */
import { RegistryMajor } from "../../config/types";
import { toYaml } from "../yaml";

/**
 * Its config.yml. drill.sh sets the storage root and the address by env
 * (REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY, REGISTRY_HTTP_ADDR): they are the drill's scratch space.
 */
export function renderDrillRegistryConfig(version: RegistryMajor): string {
  return toYaml({
    version: 0.1,
    log: { level: "warn", formatter: "text", fields: { service: "registry", instance: `drill-${version}` } },
    storage: {
      filesystem: { rootdirectory: "/nonexistent" },
      delete: { enabled: false },
      maintenance: { uploadpurging: { enabled: false }, readonly: { enabled: true } },
    },
    http: { addr: "127.0.0.1:5999", relativeurls: true },
  });
}
